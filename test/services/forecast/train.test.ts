import { describe, expect, it } from 'vitest';
import { prepareSeries } from '../../../src/domain/forecast/backtest.ts';
import { fitNormaliser } from '../../../src/domain/forecast/normalise.ts';
import { HORIZONS } from '../../../src/domain/forecast/spec.ts';
import { concatWindows } from '../../../src/domain/forecast/windows.ts';
import { isoDate } from '../../../src/domain/time.ts';
import { splitWindows, trainForecastModel } from '../../../src/services/forecast/train.ts';
import type { TrainingEvent } from '../../../src/services/forecast/train.ts';
import { syntheticBars } from './synthetic-bars.ts';

// Three symbols of 700 weekdays from 2015-01-05; the last ~250 bars follow the training window.
const data = [1, 2, 3].map((seed) => ({ symbol: `S${seed}`, bars: syntheticBars(700, seed) }));
const trainThrough = isoDate(data[0]!.bars[449]!.timestamp);
// Validation must span more than the 90-day horizon: 35 % of 450 bars leaves ~65 origins.
const tiny = { seed: 7, trainThrough, units: 4, epochs: 2, stride: 4, backtestStep: 10, validationShare: 0.35 };

describe('training windows', () => {
  const series = data.map(({ symbol, bars }) => prepareSeries(symbol, bars));
  const split = splitWindows(series, { trainThrough, validationShare: 0.35, stride: 1 });
  const longest = Math.max(...HORIZONS);

  it('keeps every training target before validation starts, and every validation target inside the training window', () => {
    expect(split.train.count).toBeGreaterThan(0);
    expect(split.validation.count).toBeGreaterThan(0);
    series.forEach((one, i) => {
      for (const t of split.trainOrigins[i]!) expect(one.prices.dates[t + longest]! < split.validationFrom).toBe(true);
      for (const t of split.validationOrigins[i]!) {
        expect(one.prices.dates[t]! >= split.validationFrom).toBe(true);
        expect(one.prices.dates[t + longest]! <= trainThrough).toBe(true);
      }
    });
  });
});

describe('a trained model', async () => {
  const events: TrainingEvent[] = [];
  const model = await trainForecastModel(data, { ...tiny, onEvent: (event) => events.push(event) });

  it('is fitted on the training windows only: its normalisation ignores validation', () => {
    const split = splitWindows(data.map(({ symbol, bars }) => prepareSeries(symbol, bars)), { trainThrough, validationShare: 0.35, stride: tiny.stride });
    expect(model.normaliser).toEqual(fitNormaliser(split.train));
    const both = concatWindows([split.train, split.validation], split.train.window, split.train.featureCount, HORIZONS);
    expect(model.normaliser.featureMean).not.toEqual(fitNormaliser(both).featureMean);
  });

  it('records its training window and a backtest on the dates after it, for the LSTM and every baseline', () => {
    const { training, backtest } = model.manifest;
    expect(training.to <= trainThrough).toBe(true);
    expect(training.symbols).toEqual(['S1', 'S2', 'S3']);
    expect(backtest.from > trainThrough).toBe(true);
    for (const h of HORIZONS) {
      const at = backtest.horizons[String(h)]!;
      expect(Object.keys(at.models).sort()).toEqual(['drift', 'holt', 'lstm', 'randomWalk']);
      expect(at.models['randomWalk']!.mase).toBeCloseTo(1, 9);
      expect(at.residualPercentiles).toHaveLength(99);
      expect([...at.residualPercentiles].sort((a, b) => a - b)).toEqual(at.residualPercentiles);
    }
  });

  it('reports progress per batch, per epoch and through the backtest', () => {
    const data = events.find((e) => e.kind === 'data');
    expect(data).toBeDefined();
    const batches = events.filter((e) => e.kind === 'batch').length;
    const epochs = events.filter((e) => e.kind === 'epoch').length;
    expect(epochs).toBe(model.manifest.training.epochs);
    expect(batches).toBe(epochs * (data as Extract<TrainingEvent, { kind: 'data' }>).batchesPerEpoch);
    expect(events.at(-1)).toEqual({ kind: 'backtest', done: 3, total: 3 });
  });

  it('is reproducible: the same data and seed give the same weights', async () => {
    const again = await trainForecastModel(data, tiny);
    expect(again.manifest.version.split('.')[1]).toBe(model.manifest.version.split('.')[1]);
    const other = await trainForecastModel(data, { ...tiny, seed: 8 });
    expect(other.manifest.version.split('.')[1]).not.toBe(model.manifest.version.split('.')[1]);
  });

  it('stops early once validation stops improving, and keeps the best epoch\'s weights', async () => {
    const seen: TrainingEvent[] = [];
    const stopped = await trainForecastModel(data, { ...tiny, epochs: 200, patience: 2, onEvent: (event) => seen.push(event) });
    const epochs = seen.filter((e): e is Extract<TrainingEvent, { kind: 'epoch' }> => e.kind === 'epoch');
    const { training } = stopped.manifest;
    expect(training.epochs).toBe(epochs.length);
    expect(training.epochs).toBeLessThan(200);
    // It ran exactly `patience` epochs past the best one, none of which improved on it.
    expect(training.epochs - training.bestEpoch).toBe(2);
    expect(epochs.slice(-2).every((e) => !e.improved)).toBe(true);
    expect(training.validationLoss).toBe(Math.min(...epochs.map((e) => e.validationLoss)));
  }, 60_000);

  it('refuses a training window with no history after it to backtest on', async () => {
    await expect(trainForecastModel(data, { ...tiny, trainThrough: '2030-01-01' })).rejects.toThrow(/No validation windows|No bars after/);
  });
});
