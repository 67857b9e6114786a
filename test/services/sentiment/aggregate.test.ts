// aggregate_sentiment's arithmetic: the 7-day verdict, its labels, the 0–100 scale and the daily series.
import { describe, expect, it } from 'vitest';
import type { DailyTally } from '../../../src/db/repositories/news.ts';
import { aggregateOf, dailySeries, describeAggregate, LEAN_THRESHOLD, leanOf, marketLabelOf } from '../../../src/services/sentiment/aggregate.ts';

const AT = new Date('2026-11-24T15:00:00Z');

describe('the 7-day verdict', () => {
  it('averages the scores and counts bullish, neutral and bearish articles', () => {
    const aggregate = aggregateOf('AAPL', { positive: 3, neutral: 1, negative: 1, scoreSum: 3 * 0.8 - 0.6 }, AT);
    expect(aggregate).toMatchObject({ symbol: 'AAPL', bullish: 3, neutral: 1, bearish: 1, totalArticles: 5, windowDays: 7, timestamp: AT.toISOString() });
    expect(aggregate.score).toBeCloseTo((3 * 0.8 - 0.6) / 5, 4);
    expect(aggregate.label).toBe('Bullish');
    expect(aggregate.sentiment).toBe('positive');
    expect(aggregate.sentimentScore).toBe(Math.round(((3 * 0.8 - 0.6) / 5 + 1) * 50));
  });

  it('calls a weak or mixed average Neutral, and a clearly negative one Bearish', () => {
    expect(aggregateOf('X', { positive: 1, neutral: 0, negative: 1, scoreSum: 0.7 - 0.6 }, AT).label).toBe('Neutral');
    expect(aggregateOf('X', { positive: 0, neutral: 2, negative: 2, scoreSum: -1.4 }, AT).label).toBe('Bearish');
  });

  it('is Neutral at 50 with no articles', () => {
    expect(aggregateOf('X', { positive: 0, neutral: 0, negative: 0, scoreSum: 0 }, AT)).toMatchObject({ label: 'Neutral', score: 0, sentimentScore: 50, totalArticles: 0 });
  });

  it('maps -1..1 onto the client\'s 0..100', () => {
    expect(aggregateOf('X', { positive: 1, neutral: 0, negative: 0, scoreSum: 1 }, AT).sentimentScore).toBe(100);
    expect(aggregateOf('X', { positive: 0, neutral: 0, negative: 1, scoreSum: -1 }, AT).sentimentScore).toBe(0);
  });

  it('labels leans at the threshold, both ways', () => {
    expect([leanOf(LEAN_THRESHOLD), leanOf(LEAN_THRESHOLD - 0.001), leanOf(-LEAN_THRESHOLD), leanOf(0)]).toEqual(['positive', 'neutral', 'negative', 'neutral']);
    expect(['positive', 'neutral', 'negative'].map((l) => marketLabelOf(l as 'positive'))).toEqual(['Bullish', 'Neutral', 'Bearish']);
  });

  it('says what it means in a sentence', () => {
    expect(describeAggregate(aggregateOf('AAPL', { positive: 2, neutral: 1, negative: 0, scoreSum: 1.5 }, AT)))
      .toBe('Bullish: average score +0.50 over 3 articles in the last 7 days (2 bullish, 1 neutral, 0 bearish).');
    expect(describeAggregate(aggregateOf('AAPL', { positive: 0, neutral: 0, negative: 0, scoreSum: 0 }, AT))).toBe('No analysed news about AAPL in the last 7 days.');
  });
});

describe('the daily series', () => {
  it('has every day up to today, oldest first, with empty days as null scores', () => {
    const tallies: DailyTally[] = [
      { date: '2026-11-21', positive: 2, neutral: 0, negative: 0, scoreSum: 1.6 },
      { date: '2026-11-24', positive: 0, neutral: 1, negative: 1, scoreSum: -0.7 },
    ];
    const series = dailySeries(tallies, '2026-11-24', 5);
    expect(series.map((day) => day.date)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
    expect(series.map((day) => day.articles)).toEqual([0, 2, 0, 0, 2]);
    expect(series.map((day) => day.score)).toEqual([null, 0.8, null, null, -0.35]);
    expect(series.map((day) => day.label)).toEqual([null, 'Bullish', null, null, 'Bearish']);
  });

  it('ignores tallies outside the span', () => {
    const series = dailySeries([{ date: '2026-10-01', positive: 5, neutral: 0, negative: 0, scoreSum: 4 }], '2026-11-24', 3);
    expect(series.every((day) => day.articles === 0)).toBe(true);
  });
});
