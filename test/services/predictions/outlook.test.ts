import { describe, expect, it } from 'vitest';
import { dailyBarTimestamp, type Bar } from '../../../src/domain/market/bar.ts';
import { addDays } from '../../../src/domain/time.ts';
import {
  annualisedVolatility, bullishScoreOf, riskLevelOf, sentimentOfLabel, sentimentOfScore, signalsOf, technicalIndicators,
  type Signals, type TechnicalIndicators,
} from '../../../src/services/predictions/outlook.ts';

const closesToBars = (closes: readonly number[]): Bar[] => closes.map((close, i) => ({
  timestamp: dailyBarTimestamp(addDays('2024-01-01', i)), open: close, high: close * 1.01, low: close * 0.99, close, adjustedClose: null, volume: 1_000,
}));

const NEUTRAL: Signals = { macd: 'Neutral', rsi: 'Neutral', maCross: 'Neutral', bollinger: 'Neutral' };
const BULLISH: Signals = { macd: 'Bullish', rsi: 'Bullish', maCross: 'Bullish', bollinger: 'Bullish' };

describe('technical indicators of the last bar', () => {
  it('computes volatility as the annualised sample deviation of the last 20 log returns', () => {
    // Alternating +1 % / −1 % moves: every log return is ±ln(1.01), mean ≈ 0.
    const closes = [100];
    for (let i = 0; i < 40; i++) closes.push(closes.at(-1)! * (i % 2 === 0 ? 1.01 : 1 / 1.01));
    const returns = closes.slice(-21).slice(1).map((c, i) => Math.log(c / closes.slice(-21)[i]!));
    const mean = returns.reduce((a, b) => a + b, 0) / 20;
    const expected = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 19 * 252) * 100;
    expect(annualisedVolatility(Float64Array.from(closes))).toBeCloseTo(expected, 10);
    expect(technicalIndicators(closesToBars(closes)).volatility).toBeCloseTo(expected, 2);
  });

  it('leaves out what the series is too short for', () => {
    const short = technicalIndicators(closesToBars(Array.from({ length: 30 }, (_, i) => 100 + i)));
    expect(short.sma20).not.toBeNull();
    expect(short.sma50).toBeNull();
    expect(short.macd).toBeNull();
    expect(annualisedVolatility(Float64Array.from([1, 2, 3]))).toBeNaN();
  });

  it('reads a steady rise as bullish MACD and moving averages, and overbought RSI', () => {
    const rising = technicalIndicators(closesToBars(Array.from({ length: 120 }, (_, i) => 100 * 1.01 ** i)));
    const signals = signalsOf(rising, 100 * 1.01 ** 119);
    expect(signals.maCross).toBe('Bullish');
    expect(rising.rsi!).toBeGreaterThan(70);
    expect(signals.rsi).toBe('Bearish');
  });
});

describe('signals', () => {
  const base: TechnicalIndicators = { rsi: 50, macd: 0.5, macdSignal: 0.2, macdHistogram: 0.3, sma20: 101, sma50: 100, bollingerUpper: 110, bollingerLower: 90, volatility: 20 };

  it('follow each rule', () => {
    expect(signalsOf(base, 100)).toEqual({ macd: 'Bullish', rsi: 'Neutral', maCross: 'Bullish', bollinger: 'Neutral' });
    expect(signalsOf({ ...base, rsi: 25, macdHistogram: -0.1, sma20: 99 }, 85)).toEqual({ macd: 'Bearish', rsi: 'Bullish', maCross: 'Bearish', bollinger: 'Bullish' });
    expect(signalsOf({ ...base, rsi: 75 }, 115)).toMatchObject({ rsi: 'Bearish', bollinger: 'Bearish' });
  });

  it('are neutral where an indicator is missing', () => {
    expect(signalsOf({ ...base, rsi: null, macdHistogram: null, sma50: null, bollingerLower: null }, 50)).toEqual(NEUTRAL);
  });
});

describe('risk level', () => {
  it('bands annualised volatility', () => {
    expect(riskLevelOf(15)).toBe('Low');
    expect(riskLevelOf(30)).toBe('Medium');
    expect(riskLevelOf(60)).toBe('High');
    expect(riskLevelOf(null)).toBe('Medium');
  });
});

describe('bullish score', () => {
  const up = { change: 3, confidence: 80 };
  const down = { change: -3, confidence: 80 };

  it('is 50 when nothing leans, and stays within 0–100 at the extremes', () => {
    expect(bullishScoreOf([{ change: 0, confidence: 50 }], NEUTRAL, null)).toBe(50);
    expect(bullishScoreOf([{ change: 5, confidence: 100 }], BULLISH, 1)).toBe(100);
    expect(bullishScoreOf([{ change: -5, confidence: 100 }], { macd: 'Bearish', rsi: 'Bearish', maCross: 'Bearish', bollinger: 'Bearish' }, -1)).toBe(0);
  });

  it('rises with an upward forecast, bullish signals and good news, and mirrors a downward one', () => {
    const neutral = bullishScoreOf([up, up, up], NEUTRAL, null);
    expect(neutral).toBeGreaterThan(50);
    expect(bullishScoreOf([down, down, down], NEUTRAL, null)).toBe(100 - neutral);
    expect(bullishScoreOf([up], BULLISH, null)).toBeGreaterThan(bullishScoreOf([up], NEUTRAL, null));
    expect(bullishScoreOf([up], NEUTRAL, 0.8)).toBeGreaterThan(bullishScoreOf([up], NEUTRAL, null));
    expect(bullishScoreOf([up], NEUTRAL, -0.8)).toBeLessThan(bullishScoreOf([up], NEUTRAL, null));
  });

  it('reads a forecast the backtest doubts (confidence under 50) as leaning the other way', () => {
    expect(bullishScoreOf([{ change: 2, confidence: 40 }], NEUTRAL, null)).toBeLessThan(50);
  });
});

describe('overall sentiment', () => {
  it('from the score, or from a news label', () => {
    expect([sentimentOfScore(70), sentimentOfScore(50), sentimentOfScore(30)]).toEqual(['Bullish', 'Neutral', 'Bearish']);
    expect(['positive', 'Bullish', 'negative', 'Bearish', 'neutral', 'Neutral'].map(sentimentOfLabel)).toEqual(['Bullish', 'Bullish', 'Bearish', 'Bearish', 'Neutral', 'Neutral']);
  });
});
