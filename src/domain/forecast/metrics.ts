// Forecast accuracy, on prices: each function takes parallel arrays (one entry per forecast).

function requireSameLength(name: string, ...arrays: ArrayLike<number>[]): number {
  const n = arrays[0]!.length;
  if (arrays.some((a) => a.length !== n)) throw new RangeError(`${name}: arrays of different lengths`);
  return n;
}

/** Mean absolute error. */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = requireSameLength('mae', actual, predicted);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(actual[i]! - predicted[i]!);
  return n === 0 ? Number.NaN : sum / n;
}

/** Mean absolute percentage error, in percent of the actual price. */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = requireSameLength('mape', actual, predicted);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs((actual[i]! - predicted[i]!) / actual[i]!);
  return n === 0 ? Number.NaN : (100 * sum) / n;
}

/**
 * Mean absolute scaled error: absolute errors divided by `scale`, the random walk's MAE on the
 * same series at the same horizon (so below 1 beats the random walk, above 1 loses to it).
 */
export function mase(actual: ArrayLike<number>, predicted: ArrayLike<number>, scale: number): number {
  return mae(actual, predicted) / scale;
}

/**
 * Share of forecasts whose predicted change from `origin` has the sign of the actual change.
 * Forecasts of no change at all (the random walk's) call no direction and are left out; NaN when
 * no forecast called one.
 */
export function directionalAccuracy(origin: ArrayLike<number>, actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = requireSameLength('directionalAccuracy', origin, actual, predicted);
  let called = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const predictedSign = Math.sign(predicted[i]! - origin[i]!);
    if (predictedSign === 0) continue;
    called += 1;
    if (predictedSign === Math.sign(actual[i]! - origin[i]!)) right += 1;
  }
  return called === 0 ? Number.NaN : right / called;
}

/** Share of actual values inside [low, high]. */
export function coverage(actual: ArrayLike<number>, low: ArrayLike<number>, high: ArrayLike<number>): number {
  const n = requireSameLength('coverage', actual, low, high);
  let inside = 0;
  for (let i = 0; i < n; i++) if (actual[i]! >= low[i]! && actual[i]! <= high[i]!) inside += 1;
  return n === 0 ? Number.NaN : inside / n;
}
