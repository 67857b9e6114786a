// Normalisation: z-scores per feature and per horizon target, fitted on the training windows
// only (never on validation or test data) and saved with the model, so a forecast is scaled
// exactly as training was.
import type { WindowSet } from './windows.ts';

export interface Normaliser {
  featureMean: number[];
  featureStd: number[];
  targetMean: number[];
  targetStd: number[];
}

/**
 * Normalised features are clipped to ±CLIP: a one-day volume spike of 30 standard deviations
 * would otherwise saturate the LSTM's gates for the whole window.
 */
export const CLIP = 6;

/** Means and standard deviations of the training windows' features and targets. */
export function fitNormaliser(train: WindowSet): Normaliser {
  if (train.count === 0) throw new RangeError('fitNormaliser: no training windows');
  const features = moments(train.inputs, train.featureCount);
  const targets = moments(train.targets, train.horizons.length);
  return { featureMean: features.mean, featureStd: features.std, targetMean: targets.mean, targetStd: targets.std };
}

/** Mean and sample standard deviation of each of `width` interleaved columns, NaNs skipped. */
function moments(values: Float64Array, width: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(width);
  const count = new Float64Array(width);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    const k = i % width;
    sum[k] = sum[k]! + value;
    count[k] = count[k]! + 1;
  }
  const mean = Array.from(sum, (s, k) => s / count[k]!);
  const squares = new Float64Array(width);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const k = i % width;
    if (Number.isFinite(value)) squares[k] = squares[k]! + (value - mean[k]!) ** 2;
  }
  // A constant column keeps a unit scale instead of dividing by zero.
  const std = Array.from(squares, (s, k) => {
    const sd = Math.sqrt(s / Math.max(count[k]! - 1, 1));
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}

/** Windows' features as model input: z-scored, clipped, float32. */
export function normaliseInputs(set: WindowSet, normaliser: Normaliser): Float32Array {
  const f = set.featureCount;
  if (normaliser.featureMean.length !== f) throw new RangeError(`normaliser has ${normaliser.featureMean.length} features, windows have ${f}`);
  const out = new Float32Array(set.inputs.length);
  for (let i = 0; i < out.length; i++) {
    const z = (set.inputs[i]! - normaliser.featureMean[i % f]!) / normaliser.featureStd[i % f]!;
    out[i] = Math.max(-CLIP, Math.min(CLIP, z));
  }
  return out;
}

/** Targets as model output: z-scored per horizon, float32. */
export function normaliseTargets(set: WindowSet, normaliser: Normaliser): Float32Array {
  const h = set.horizons.length;
  const out = new Float32Array(set.targets.length);
  for (let i = 0; i < out.length; i++) out[i] = (set.targets[i]! - normaliser.targetMean[i % h]!) / normaliser.targetStd[i % h]!;
  return out;
}

/** A model output for horizon index `j` back in standardised-return units. */
export function denormaliseTarget(value: number, j: number, normaliser: Normaliser): number {
  return value * normaliser.targetStd[j]! + normaliser.targetMean[j]!;
}
