// Float statistics over daily returns; NaN marks a day without a return and is skipped.

/** Trading days in a year: the annualisation factor of daily statistics. */
export const TRADING_DAYS_PER_YEAR = 252;

/** The finite values of an array, in order. */
export function finiteValues(values: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count += 1;
  const out = new Float64Array(count);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isFinite(value)) out[at++] = value;
  }
  return out;
}

export function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Sample standard deviation (n − 1 in the denominator). */
export function sampleStdDev(values: Float64Array): number {
  const m = mean(values);
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - m;
    squares += d * d;
  }
  return Math.sqrt(squares / (values.length - 1));
}

/** The days on which both series have a value, as two dense arrays. */
export function pairedValues(a: ArrayLike<number>, b: ArrayLike<number>): [Float64Array, Float64Array] {
  const n = Math.min(a.length, b.length);
  let count = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) count += 1;
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const u = a[i] as number;
    const v = b[i] as number;
    if (Number.isFinite(u) && Number.isFinite(v)) { x[at] = u; y[at] = v; at += 1; }
  }
  return [x, y];
}

/** Sample covariance and the two sample variances of paired values (n − 1 denominators). */
export function covariance(x: Float64Array, y: Float64Array): { cov: number; varX: number; varY: number } {
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return { cov: sxy / (n - 1), varX: sxx / (n - 1), varY: syy / (n - 1) };
}
