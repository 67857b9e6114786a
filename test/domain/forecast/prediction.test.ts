import { describe, expect, it } from 'vitest';
import { predictionTerms, trendOf, TREND_CONFIDENCE } from '../../../src/domain/forecast/prediction.ts';
import type { HorizonForecast, PriceForecast } from '../../../src/domain/forecast/prediction.ts';

const horizon = (days: number, target: number, confidence: number): HorizonForecast => ({
  days, target, change: target - 100, changePercent: target - 100, low: target * 0.9, high: target * 1.1, confidence,
});

describe('prediction terms', () => {
  it('calls a trend only when the backtest backs the direction often enough', () => {
    expect(trendOf(horizon(7, 103, TREND_CONFIDENCE))).toBe('Uptrend');
    expect(trendOf(horizon(7, 97, 0.8))).toBe('Downtrend');
    expect(trendOf(horizon(7, 103, TREND_CONFIDENCE - 0.01))).toBe('Sideways');
    expect(trendOf(horizon(7, 100, 0.9))).toBe('Sideways');
  });

  it('maps 7, 30 and 90 days to short, medium and long term, in percent', () => {
    const forecast: PriceForecast = {
      symbol: 'X',
      asOf: '2020-01-10',
      lastClose: 100,
      horizons: { 7: horizon(7, 101.234, 0.55), 30: horizon(30, 104, 0.7), 90: horizon(90, 92, 0.65) },
      model: { name: 'm', version: 'v', trainedThrough: '2014-12-31', source: 'shipped' },
      backtest: {},
    };
    const terms = predictionTerms(forecast);
    expect(terms.shortTerm).toEqual({ period: '7 days', targetPrice: 101.23, change: 1.23, confidence: 55, trend: 'Sideways', low: 91.11, high: 111.36 });
    expect(terms.mediumTerm.trend).toBe('Uptrend');
    expect(terms.longTerm).toMatchObject({ period: '90 days', change: -8, trend: 'Downtrend', confidence: 65 });
  });
});
