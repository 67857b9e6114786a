import { describe, expect, it } from 'vitest';
import { InsufficientHistory } from '../../../src/domain/forecast/errors.ts';
import { CODE_SPEC } from '../../../src/domain/forecast/manifest.ts';
import { MIN_FORECAST_BARS } from '../../../src/domain/forecast/spec.ts';
import { loadServedForecastModel } from '../../../src/services/forecast/store.ts';
import { readCsvSeries } from '../../../src/services/forecast/series.ts';
import type { PriceForecast } from '../../../src/domain/forecast/prediction.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../../support/shared-data.ts';
import { syntheticBars } from './synthetic-bars.ts';

const model = await loadServedForecastModel(null);

function expectUsable(forecast: PriceForecast): void {
  for (const h of CODE_SPEC.horizons) {
    const at = forecast.horizons[h]!;
    for (const value of [at.target, at.change, at.changePercent, at.low, at.high, at.confidence]) expect(Number.isFinite(value)).toBe(true);
    expect(at.low).toBeGreaterThan(0);
    expect(at.low).toBeLessThan(at.target);
    expect(at.target).toBeLessThan(at.high);
    expect(Number.isFinite(forecast.backtest[h]!.mase)).toBe(true);
    expect(Number.isFinite(forecast.backtest[h]!.directionalAccuracy)).toBe(true);
  }
}

describe('the shipped model', () => {
  it('loads when the user has trained none, and reads what this code computes', () => {
    expect(model.source).toBe('shipped');
    expect(model.manifest.features).toEqual(CODE_SPEC.features);
    expect(model.manifest.training.symbols.length).toBeGreaterThanOrEqual(10);
    expect(model.manifest.backtest.from > model.manifest.training.to).toBe(true);
  });

  it('forecasts finite prices with 80 % intervals and its backtest record', () => {
    const forecast = model.forecast(syntheticBars(500, 5), 'SYN');
    expectUsable(forecast);
    expect(forecast.model).toMatchObject({ name: model.manifest.name, version: model.manifest.version, source: 'shipped' });
  });

  it('refuses too little history', () => {
    expect(() => model.forecast(syntheticBars(MIN_FORECAST_BARS - 1, 5))).toThrow(InsufficientHistory);
  });
});

const AAPL = ['ohlcv', 'daily_huge_stock_market_2000-2017', 'AAPL.csv'];
const REAL_TITLE = 'the shipped model on real bars';

describe.skipIf(!hasSharedData(...AAPL))(hasSharedData(...AAPL) ? REAL_TITLE : `${REAL_TITLE}: ${NO_SHARED_DATA}`, () => {
  it('forecasts AAPL from its last 500 daily bars', async () => {
    const [aapl] = await readCsvSeries(sharedData(...AAPL));
    const bars = aapl!.bars.slice(-500);
    const forecast = model.forecast(bars, 'AAPL');
    expectUsable(forecast);
    expect(forecast.asOf).toBe('2017-11-10');
    // A week ahead stays within a plausible band of a large-cap's price.
    expect(Math.abs(forecast.horizons[7]!.changePercent)).toBeLessThan(20);
  });
});
