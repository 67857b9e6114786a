import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/domain/errors.ts';
import { prepareSeries } from '../../../src/domain/forecast/backtest.ts';
import { InsufficientHistory } from '../../../src/domain/forecast/errors.ts';
import { MIN_FORECAST_BARS } from '../../../src/domain/forecast/spec.ts';
import { isoDate } from '../../../src/domain/time.ts';
import { findForecastModel, ForecastModelError, loadForecastModel, saveForecastModel, userModelDir } from '../../../src/services/forecast/store.ts';
import { trainForecastModel } from '../../../src/services/forecast/train.ts';
import { syntheticBars } from './synthetic-bars.ts';

const data = [11, 12].map((seed) => ({ symbol: `S${seed}`, bars: syntheticBars(650, seed) }));
const trainThrough = isoDate(data[0]!.bars[449]!.timestamp);
const scratch = await mkdtemp(join(tmpdir(), 'stockmind-forecast-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('saving and loading a model', async () => {
  const model = await trainForecastModel(data, { seed: 3, trainThrough, units: 4, epochs: 1, stride: 5, backtestStep: 10, validationShare: 0.35 });
  const dir = join(scratch, 'round-trip');
  await saveForecastModel(dir, model);
  const bars = syntheticBars(300, 99);

  it('round-trips: the loaded model forecasts exactly what the saved one did', async () => {
    const loaded = await loadForecastModel(dir);
    expect(loaded.manifest).toEqual(JSON.parse(JSON.stringify(model.manifest)));
    expect(loaded.normaliser).toEqual(model.normaliser);
    const before = model.forecast(bars, 'X');
    const after = loaded.forecast(bars, 'X');
    expect(after.horizons).toEqual(before.horizons);
    expect(after.model.source).toBe('user');
    loaded.dispose();
  });

  it('forecasts each horizon with a target inside its 80 % interval and a confidence', () => {
    const forecast = model.forecast(bars, 'X');
    const last = bars.at(-1)!;
    expect(forecast.asOf).toBe(isoDate(last.timestamp));
    expect(forecast.lastClose).toBe(last.close);
    expect(Object.keys(forecast.horizons)).toEqual(['7', '30', '90']);
    for (const h of [7, 30, 90]) {
      const at = forecast.horizons[h]!;
      expect(at.days).toBe(h);
      expect(at.low).toBeLessThan(at.high);
      expect(at.change).toBeCloseTo(at.target - last.close, 9);
      expect(at.changePercent).toBeCloseTo((at.target / last.close - 1) * 100, 9);
      expect(at.confidence).toBeGreaterThanOrEqual(0);
      expect(at.confidence).toBeLessThanOrEqual(1);
      expect(forecast.backtest[h]!.beatsRandomWalk).toBe(forecast.backtest[h]!.mase < 1);
    }
    // Longer horizons are less certain.
    const width = (h: number) => Math.log(forecast.horizons[h]!.high / forecast.horizons[h]!.low);
    expect(width(90)).toBeGreaterThan(width(7));
  });

  it('says so when there is too little history, instead of guessing', () => {
    const short = bars.slice(-(MIN_FORECAST_BARS - 1));
    expect(() => model.forecast(short, 'X')).toThrow(InsufficientHistory);
    expect(() => model.forecast(short, 'X')).toThrow(`needs at least ${MIN_FORECAST_BARS} daily bars, got ${MIN_FORECAST_BARS - 1}`);
    expect(() => model.forecast(bars.slice(-MIN_FORECAST_BARS), 'X')).not.toThrow();
    const many = model.forecastMany([{ symbol: 'SHORT', bars: short }, { symbol: 'LONG', bars }]);
    expect(many.get('SHORT')).toBeInstanceOf(InsufficientHistory);
    expect(many.get('LONG')).toMatchObject({ symbol: 'LONG', lastClose: bars.at(-1)!.close });
  });

  it('answers a backtest for the horizons it asks for only', async () => {
    const series = prepareSeries('X', bars);
    const forecasts = await model.seriesForecaster()(series, [200, 250], [7]);
    expect(forecasts.map((at) => at.map((f) => f.horizon))).toEqual([[7], [7]]);
    expect(forecasts[0]![0]!.low).toBeLessThan(forecasts[0]![0]!.high);
  });

  it('refuses bars out of time order', () => {
    const scrambled = [...bars];
    [scrambled[10], scrambled[11]] = [scrambled[11]!, scrambled[10]!];
    expect(() => model.forecast(scrambled)).toThrow(InvalidInput);
  });

  it('refuses a model trained with other features or another window, saying why', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const otherWindow = join(scratch, 'other-window');
    await saveForecastModel(otherWindow, model);
    await writeFile(join(otherWindow, 'manifest.json'), JSON.stringify({ ...manifest, window: manifest.window * 2 }));
    await expect(loadForecastModel(otherWindow)).rejects.toThrow(ForecastModelError);
    await expect(loadForecastModel(otherWindow)).rejects.toThrow(`window is ${manifest.window * 2} days`);

    const otherFeatures = join(scratch, 'other-features');
    await saveForecastModel(otherFeatures, model);
    await writeFile(join(otherFeatures, 'manifest.json'), JSON.stringify({ ...manifest, features: ['logReturn', 'sentiment'] }));
    await expect(loadForecastModel(otherFeatures)).rejects.toThrow(/reads features \[logReturn, sentiment\]/);
  });

  it('finds the user model before the shipped one', async () => {
    const dataDir = join(scratch, 'data');
    const shipped = join(scratch, 'shipped');
    await saveForecastModel(shipped, model);
    expect(await findForecastModel(dataDir, shipped)).toEqual({ dir: shipped, source: 'shipped' });
    await saveForecastModel(userModelDir(dataDir), model);
    expect(await findForecastModel(dataDir, shipped)).toEqual({ dir: userModelDir(dataDir), source: 'user' });
    expect(await findForecastModel('memory://', shipped)).toEqual({ dir: shipped, source: 'shipped' });
    await expect(findForecastModel(join(scratch, 'none'), join(scratch, 'nowhere'))).rejects.toThrow(/No forecast model/);
  });
});
