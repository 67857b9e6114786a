// Brownian-path arithmetic shared by the daily and intraday models, in log prices of cents.

/** Bars keep prices as Int32 cents; no path comes near this ($20M), it only guards the storage. */
const MAX_CENTS = 2_000_000_000;

/** Nearest cent as an integer, never below one cent so every price stays positive. */
export function toCents(logCents: number): number {
  return Math.min(MAX_CENTS, Math.max(1, Math.round(Math.exp(logCents))));
}

/** Price level where a Brownian bridge from a to b with total variance `variance` peaks, for uniform u in (0, 1]. */
export function bridgeMaximum(a: number, b: number, variance: number, u: number): number {
  return (a + b + Math.sqrt((b - a) ** 2 - 2 * variance * Math.log(u))) / 2;
}

export function bridgeMinimum(a: number, b: number, variance: number, u: number): number {
  return (a + b - Math.sqrt((b - a) ** 2 - 2 * variance * Math.log(u))) / 2;
}

/** Folds x back into [low, high] like a reflected random walk, so the path never flattens at a bound. */
export function reflectInto(x: number, low: number, high: number): number {
  if (high <= low) return low;
  let y = x;
  for (let i = 0; i < 8 && (y > high || y < low); i++) {
    y = y > high ? 2 * high - y : 2 * low - y;
  }
  return Math.min(high, Math.max(low, y));
}
