// The network: one LSTM layer over the window, then a dense layer giving, per horizon, the 10 %,
// 50 % and 90 % quantiles of the standardised future return, trained with the pinball loss.
// Quantiles cannot cross: the head outputs the median and two gaps that softplus keeps positive.
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { QUANTILES } from '../../domain/forecast/spec.ts';
import type { Tf } from './tf.ts';

export interface NetworkShape {
  window: number;
  features: number;
  horizons: number;
  units: number;
  /** Seeds every initialiser, so the same data and seed give the same model. */
  seed: number;
}

const OUTPUTS_PER_HORIZON = 3;

export function buildNetwork(tf: Tf, shape: NetworkShape): LayersModel {
  const model = tf.sequential();
  // Glorot for the recurrent kernel too: tfjs's orthogonal initialiser warns (and is slow) above 2,000 weights.
  model.add(tf.layers.lstm({
    units: shape.units,
    inputShape: [shape.window, shape.features],
    kernelInitializer: tf.initializers.glorotUniform({ seed: shape.seed }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: shape.seed + 1 }),
  }));
  model.add(tf.layers.dense({
    units: shape.horizons * OUTPUTS_PER_HORIZON,
    kernelInitializer: tf.initializers.glorotUniform({ seed: shape.seed + 2 }),
  }));
  return model;
}

/** The three quantiles per horizon from the raw head, shape [batch, horizons, 3] in QUANTILES order. */
function quantilesOf(tf: Tf, raw: Tensor, horizons: number): Tensor {
  const parts = tf.reshape(raw, [-1, horizons, OUTPUTS_PER_HORIZON]);
  const [center, lowerGap, upperGap] = tf.split(parts, 3, 2) as [Tensor, Tensor, Tensor];
  return tf.concat([tf.sub(center, tf.softplus(lowerGap)), center, tf.add(center, tf.softplus(upperGap))], 2);
}

/**
 * Pinball loss per sample, averaged over horizons and quantiles. tfjs wants targets shaped like
 * the output, so yTrue is [batch, horizons × 3]: each horizon's target repeated for its three
 * quantiles (see repeatTargets).
 */
export function pinballLoss(tf: Tf, horizons: number): (yTrue: Tensor, yPred: Tensor) => Tensor {
  const taus = tf.tensor1d([...QUANTILES]);
  return (yTrue, yPred) => tf.tidy(() => {
    const predicted = quantilesOf(tf, yPred, horizons);
    const error = tf.sub(tf.reshape(yTrue, [-1, horizons, OUTPUTS_PER_HORIZON]), predicted);
    const loss = tf.maximum(tf.mul(taus, error), tf.mul(tf.sub(taus, 1), error));
    return tf.mean(loss, [1, 2]);
  });
}

/** Targets [count][horizons] as the loss reads them, [count][horizons × 3]. */
export function repeatTargets(targets: Float32Array): Float32Array {
  const out = new Float32Array(targets.length * OUTPUTS_PER_HORIZON);
  for (let i = 0; i < targets.length; i++) out.fill(targets[i]!, i * OUTPUTS_PER_HORIZON, (i + 1) * OUTPUTS_PER_HORIZON);
  return out;
}

/** Inputs [count][window][features] → quantiles [count][horizons][3], in batches. */
export function predictQuantiles(tf: Tf, model: LayersModel, inputs: Float32Array, count: number, shape: Omit<NetworkShape, 'units' | 'seed'>): Float32Array {
  const out = new Float32Array(count * shape.horizons * OUTPUTS_PER_HORIZON);
  const batch = 4096;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const stride = shape.window * shape.features;
    const values = tf.tidy(() => {
      const x = tf.tensor3d(inputs.subarray(start * stride, (start + size) * stride), [size, shape.window, shape.features]);
      return quantilesOf(tf, model.predict(x) as Tensor, shape.horizons).dataSync() as Float32Array;
    });
    out.set(values, start * shape.horizons * OUTPUTS_PER_HORIZON);
  }
  return out;
}
