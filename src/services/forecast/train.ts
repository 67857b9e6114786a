// Training: windows from many symbols, a time-ordered validation split, seeded shuffling and
// initialisers, early stopping on the validation loss, then a walk-forward backtest on the dates
// after the training window, whose residuals give the served intervals.
import { createHash } from 'node:crypto';
import type { Scalar } from '@tensorflow/tfjs';
import type { Bar } from '../../domain/market/bar.ts';
import { addDays, isoDate, parseIsoDate } from '../../domain/time.ts';
import { Rng } from '../../domain/simulation/random.ts';
import { BASELINES } from '../../domain/forecast/baselines.ts';
import { baselineForecaster, prepareSeries, summarise, walkForward } from '../../domain/forecast/backtest.ts';
import type { BacktestPoint, PreparedSeries, SeriesForecaster } from '../../domain/forecast/backtest.ts';
import { residualPercentiles } from '../../domain/forecast/calibration.ts';
import { CODE_SPEC, MANIFEST_FORMAT } from '../../domain/forecast/manifest.ts';
import type { ForecastManifest } from '../../domain/forecast/manifest.ts';
import { fitNormaliser, normaliseInputs, normaliseTargets } from '../../domain/forecast/normalise.ts';
import { FORECAST_WINDOW, HORIZONS, MIN_FORECAST_BARS } from '../../domain/forecast/spec.ts';
import { concatWindows, makeWindows, windowOrigins } from '../../domain/forecast/windows.ts';
import type { WindowSet } from '../../domain/forecast/windows.ts';
import { LstmForecaster } from './forecaster.ts';
import { buildNetwork, pinballLoss, repeatTargets } from './model.ts';
import { tensorflow } from './tf.ts';

export interface SeriesBars {
  symbol: string;
  /** Daily bars, oldest first. */
  bars: readonly Bar[];
}

export interface TrainingOptions {
  seed: number;
  /** Last session of the training window; the backtest runs on the bars after it. */
  trainThrough: string;
  /** First session read (default: each series' first bar). */
  from?: string;
  /** Most epochs (default 30); early stopping usually ends sooner. */
  epochs?: number;
  /** Epochs without a better validation loss before stopping (default 3). */
  patience?: number;
  /** LSTM units (default 32). */
  units?: number;
  batchSize?: number;
  learningRate?: number;
  /** Every stride-th origin becomes a training window (default 4: neighbouring windows overlap almost entirely). */
  stride?: number;
  /** Last part of the training window used for validation, in time (default 0.2). */
  validationShare?: number;
  /** Every step-th origin is backtested (default 5). */
  backtestStep?: number;
  onEvent?: (event: TrainingEvent) => void;
}

export type TrainingEvent =
  | { kind: 'data'; symbols: number; windows: number; validationWindows: number; batchesPerEpoch: number; epochs: number }
  | { kind: 'batch'; epoch: number; batch: number; loss: number }
  | { kind: 'epoch'; epoch: number; trainLoss: number; validationLoss: number; improved: boolean }
  | { kind: 'backtest'; done: number; total: number };

export const MODEL_NAME = 'stockmind-lstm';

/** A seeded Fisher–Yates permutation of 0…count−1. */
function shuffled(count: number, random: Rng): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** First index whose date is on or after `date` (the length when none is). */
function firstOnOrAfter(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Split {
  train: WindowSet;
  validation: WindowSet;
  from: string;
  validationFrom: string;
  /** Origins (bar indices) of each series' training and validation windows, in series order. */
  trainOrigins: number[][];
  validationOrigins: number[][];
}

/**
 * Training and validation windows. Validation origins are the last `share` of the window in time;
 * a training window's targets all end before validation begins, and a validation window's end by
 * `trainThrough`, so neither sees the other's future nor the backtest's.
 */
export function splitWindows(series: readonly PreparedSeries[], options: { trainThrough: string; from?: string; validationShare: number; stride: number }): Split {
  const longest = Math.max(...HORIZONS);
  const firstDates = series.map((s) => s.prices.dates[0]).filter((d): d is string => d !== undefined).sort();
  const from = options.from ?? firstDates[0];
  if (from === undefined) throw new RangeError('No bars to train on');
  const span = (parseIsoDate(options.trainThrough) - parseIsoDate(from)) / 86_400_000;
  const validationFrom = addDays(from, Math.round(span * (1 - options.validationShare)));
  const train: WindowSet[] = [];
  const validation: WindowSet[] = [];
  const trainOrigins: number[][] = [];
  const validationOrigins: number[][] = [];
  for (const one of series) {
    const { dates, close } = one.prices;
    const start = firstOnOrAfter(dates, from);
    const validationStart = firstOnOrAfter(dates, validationFrom);
    const end = firstOnOrAfter(dates, addDays(options.trainThrough, 1)) - 1;
    const trainAt = windowOrigins(one.features, FORECAST_WINDOW, { lookAhead: 0, from: start + MIN_FORECAST_BARS - 1, to: validationStart - 1 - longest, stride: options.stride });
    const validationAt = windowOrigins(one.features, FORECAST_WINDOW, { lookAhead: 0, from: Math.max(validationStart, start + MIN_FORECAST_BARS - 1), to: end - longest, stride: options.stride });
    train.push(makeWindows(one.features, close, trainAt, FORECAST_WINDOW, HORIZONS));
    validation.push(makeWindows(one.features, close, validationAt, FORECAST_WINDOW, HORIZONS));
    trainOrigins.push(trainAt);
    validationOrigins.push(validationAt);
  }
  const f = CODE_SPEC.features.length;
  return {
    train: concatWindows(train, FORECAST_WINDOW, f, HORIZONS),
    validation: concatWindows(validation, FORECAST_WINDOW, f, HORIZONS),
    from,
    validationFrom,
    trainOrigins,
    validationOrigins,
  };
}

/** Trains a model on the bars up to `trainThrough` and backtests it on the bars after. */
export async function trainForecastModel(data: readonly SeriesBars[], options: TrainingOptions): Promise<LstmForecaster> {
  const started = performance.now();
  const tf = await tensorflow();
  const emit = options.onEvent ?? (() => {});
  const epochs = options.epochs ?? 30;
  const patience = options.patience ?? 3;
  const batchSize = options.batchSize ?? 128;
  const stride = options.stride ?? 4;
  const units = options.units ?? 32;
  const horizons = [...HORIZONS];
  const h = horizons.length;
  const f = CODE_SPEC.features.length;
  const perWindow = FORECAST_WINDOW * f;

  // A series cut at `from` so that nothing before it is read, features included.
  const series = data.map(({ symbol, bars }) => {
    const kept = options.from === undefined ? bars : bars.filter((bar) => isoDate(bar.timestamp) >= options.from!);
    return prepareSeries(symbol, kept);
  });
  const split = splitWindows(series, { trainThrough: options.trainThrough, from: options.from, validationShare: options.validationShare ?? 0.2, stride });
  if (split.train.count === 0) throw new RangeError(`No training windows before ${split.validationFrom}: each symbol needs ${MIN_FORECAST_BARS + Math.max(...horizons)} bars of it at least`);
  if (split.validation.count === 0) throw new RangeError(`No validation windows between ${split.validationFrom} and ${options.trainThrough}`);

  const normaliser = fitNormaliser(split.train);
  const trainX = normaliseInputs(split.train, normaliser);
  const trainY = repeatTargets(normaliseTargets(split.train, normaliser));
  const validationX = tf.tensor3d(normaliseInputs(split.validation, normaliser), [split.validation.count, FORECAST_WINDOW, f]);
  const validationY = tf.tensor2d(repeatTargets(normaliseTargets(split.validation, normaliser)), [split.validation.count, h * 3]);

  const network = buildNetwork(tf, { window: FORECAST_WINDOW, features: f, horizons: h, units, seed: options.seed });
  const loss = pinballLoss(tf, h);
  network.compile({ optimizer: tf.train.adam(options.learningRate ?? 1e-3), loss });

  const batches = Math.ceil(split.train.count / batchSize);
  emit({ kind: 'data', symbols: series.length, windows: split.train.count, validationWindows: split.validation.count, batchesPerEpoch: batches, epochs });
  const random = new Rng(options.seed, 0x5eed_f0ca, 0x57_2024, 1);
  const batchX = new Float32Array(batchSize * perWindow);
  const batchY = new Float32Array(batchSize * h * 3);
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, trainLoss: Number.NaN, weights: network.getWeights().map((w) => w.clone()) };
  let epochsRun = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    epochsRun = epoch;
    const order = shuffled(split.train.count, random);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const size = Math.min(batchSize, split.train.count - b * batchSize);
      for (let i = 0; i < size; i++) {
        const s = order[b * batchSize + i]!;
        batchX.set(trainX.subarray(s * perWindow, (s + 1) * perWindow), i * perWindow);
        batchY.set(trainY.subarray(s * h * 3, (s + 1) * h * 3), i * h * 3);
      }
      const x = tf.tensor3d(batchX.subarray(0, size * perWindow), [size, FORECAST_WINDOW, f]);
      const y = tf.tensor2d(batchY.subarray(0, size * h * 3), [size, h * 3]);
      const batchLoss = (await network.trainOnBatch(x, y)) as number;
      x.dispose();
      y.dispose();
      lossSum += batchLoss * size;
      emit({ kind: 'batch', epoch, batch: b + 1, loss: batchLoss });
    }
    const evaluated = network.evaluate(validationX, validationY, { batchSize: 2048 }) as Scalar;
    const validationLoss = (await evaluated.data())[0]!;
    evaluated.dispose();
    const trainLoss = lossSum / split.train.count;
    const improved = validationLoss < best.loss;
    emit({ kind: 'epoch', epoch, trainLoss, validationLoss, improved });
    if (improved) {
      for (const w of best.weights) w.dispose();
      best = { loss: validationLoss, epoch, trainLoss, weights: network.getWeights().map((w) => w.clone()) };
    } else if (epoch - best.epoch >= patience) {
      break;
    }
  }
  network.setWeights(best.weights);
  for (const w of best.weights) w.dispose();
  validationX.dispose();
  validationY.dispose();
  const trainingSeconds = (performance.now() - started) / 1000;

  const weightBytes = Buffer.concat(network.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer)));
  const createdAt = new Date().toISOString();
  const lastDates = series.map((s) => s.prices.dates[firstOnOrAfter(s.prices.dates, addDays(options.trainThrough, 1)) - 1]).filter((d): d is string => d !== undefined).sort();
  const manifest: ForecastManifest = {
    format: MANIFEST_FORMAT,
    name: MODEL_NAME,
    version: `${createdAt.slice(0, 10)}.${createHash('sha256').update(weightBytes).digest('hex').slice(0, 8)}`,
    createdAt,
    tfjsVersion: tf.version.tfjs,
    ...CODE_SPEC,
    network: { units, seed: options.seed },
    training: {
      symbols: series.map((s) => s.symbol),
      from: split.from,
      to: lastDates[lastDates.length - 1] ?? options.trainThrough,
      validationFrom: split.validationFrom,
      windows: split.train.count,
      validationWindows: split.validation.count,
      stride,
      epochs: epochsRun,
      bestEpoch: best.epoch,
      trainLoss: best.trainLoss,
      validationLoss: best.loss,
      seconds: Math.round(trainingSeconds * 10) / 10,
    },
    backtest: { from: '', to: '', symbols: [], step: 0, horizons: {} },
  };
  const model = new LstmForecaster(tf, network, normaliser, manifest, 'memory');
  manifest.backtest = await backtestForManifest(model, series, options.trainThrough, options.backtestStep ?? 5, emit);
  return model;
}

/** The models every backtest compares: the LSTM and each baseline. */
export function backtestModels(model: LstmForecaster): Record<string, SeriesForecaster> {
  return {
    lstm: model.seriesForecaster(),
    randomWalk: baselineForecaster(BASELINES.randomWalk),
    drift: baselineForecaster(BASELINES.drift),
    holt: baselineForecaster(BASELINES.holt),
  };
}

async function backtestForManifest(
  model: LstmForecaster,
  series: readonly PreparedSeries[],
  after: string,
  step: number,
  emit: (event: TrainingEvent) => void,
): Promise<ForecastManifest['backtest']> {
  const points: BacktestPoint[] = [];
  const models = backtestModels(model);
  for (const [i, one] of series.entries()) {
    points.push(...(await walkForward([one], models, { horizons: HORIZONS, after, minHistory: MIN_FORECAST_BARS, step })));
    emit({ kind: 'backtest', done: i + 1, total: series.length });
  }
  const lstmPoints = points.filter((p) => p.model === 'lstm');
  if (lstmPoints.length === 0) throw new RangeError(`No bars after ${after} to backtest on: keep some history after the training window (intervals come from that backtest)`);
  const rows = summarise(points);
  const horizons: ForecastManifest['backtest']['horizons'] = {};
  for (const horizon of HORIZONS) {
    const at = lstmPoints.filter((p) => p.horizon === horizon);
    if (at.length === 0) throw new RangeError(`No ${horizon}-day backtest forecasts after ${after}: keep at least ${horizon + 1} bars after the training window`);
    const models: Record<string, ReturnType<typeof summarise>[number]> = {};
    for (const row of rows.filter((r) => r.horizon === horizon)) models[row.model] = row;
    horizons[String(horizon)] = {
      models: Object.fromEntries(Object.entries(models).map(([name, { model: _m, horizon: _h, ...scores }]) => [name, scores])),
      residualPercentiles: residualPercentiles(at),
    };
  }
  const dates = lstmPoints.map((p) => p.date).sort();
  return {
    from: dates[0]!,
    to: dates[dates.length - 1]!,
    symbols: [...new Set(lstmPoints.map((p) => p.symbol))],
    step,
    horizons,
  };
}
