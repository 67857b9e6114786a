// Indicators over HTTP: the stock detail's `indicators` (computed on demand before the job runs,
// at the same bar as the history it answers) and the chart series route.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { computeIndicatorSet, INDICATOR_NAMES } from '../../../src/domain/indicators/index.ts';
import { columnsOf } from '../../../src/domain/scanner/index.ts';
import { INDICATOR_WIRE_NAMES, WIRE_NAMES } from '../../../src/services/indicators/names.ts';
import { market, MARKET_NOW } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

const log = pino({ level: 'silent' });

interface Daily { date: string; open: number; high: number; low: number; close: number; volume: number }
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe(`the stock detail's indicators (${SCALE})`, () => {
  const m = market();

  it('carries every indicator at the newest bar of its history, computed before any job ran', async () => {
    const answer = await m.server.call('GET', '/api/market/stock/AAPL');
    expect(answer.status).toBe(200);
    const { indicators, historicalData } = answer.body.data as { indicators: Record<string, number | string | null>; historicalData: Daily[] };
    expect(Object.keys(indicators).sort()).toEqual(['asOf', 'close', ...INDICATOR_WIRE_NAMES].sort());
    const last = historicalData.at(-1)!;
    expect(indicators.asOf).toBe(last.date);
    expect(indicators.close).toBe(last.close);
    // Checked against the history in the same answer.
    expect(indicators.sma20).toBeCloseTo(mean(historicalData.slice(-20).map((bar) => bar.close)), 6);
    expect(indicators.sma50).toBeCloseTo(mean(historicalData.slice(-50).map((bar) => bar.close)), 6);
    expect(indicators.bollingerMiddle).toBe(indicators.sma20);
    expect(indicators.bollingerLower as number).toBeLessThan(indicators.bollingerMiddle as number);
    expect(indicators.bollingerUpper as number).toBeGreaterThan(indicators.bollingerMiddle as number);
    for (const name of ['rsi', 'stochK', 'stochD', 'mfi', 'adx']) {
      expect(indicators[name] as number, name).toBeGreaterThanOrEqual(0);
      expect(indicators[name] as number, name).toBeLessThanOrEqual(100);
    }
    expect(indicators.williamsR as number).toBeLessThanOrEqual(0);
    expect(indicators.macdHistogram).toBeCloseTo((indicators.macd as number) - (indicators.macdSignal as number), 7);
    // The whole set is the domain's over the stored bars, and it was stored.
    const at = new Date(`${last.date}T00:00:00Z`);
    const bars = (await m.server.app.repositories.prices.bars('AAPL', '1d', new Date(0), at)).slice(-400);
    const expected = computeIndicatorSet(columnsOf(bars));
    for (const [wire, name] of Object.entries(WIRE_NAMES)) expect(indicators[wire] as number, wire).toBeCloseTo(expected[name], 7);
    const stored = await m.server.app.repositories.indicators.at('AAPL', at);
    expect(stored!.values.rsi14).toBe(indicators.rsi);
    // The first answer's quote stored today's bar: asked again, the history ends with it, and so do the indicators.
    const again = (await m.server.call('GET', '/api/market/stock/AAPL')).body.data;
    expect(again.indicators.asOf).toBe(again.historicalData.at(-1).date);
    expect(again.indicators.close).toBe(again.historicalData.at(-1).close);
  });

  it('follows today\'s bar as quotes move it, staying at the history\'s last bar', async () => {
    const { app } = m.server;
    await app.services.ingest.fetchActive(100, log);
    const first = (await m.server.call('GET', '/api/market/stock/MSFT')).body.data;
    expect(first.indicators.asOf).toBe('2026-11-24');
    expect(first.indicators.close).toBe(first.historicalData.at(-1).close);
    m.clock.set(new Date(MARKET_NOW.getTime() + 20 * 60_000));
    try {
      await app.services.ingest.fetchActive(100, log);
      const later = (await m.server.call('GET', '/api/market/stock/MSFT')).body.data;
      expect(later.historicalData.at(-1).close).not.toBe(first.historicalData.at(-1).close);
      expect(later.indicators.close).toBe(later.historicalData.at(-1).close);
      expect(later.indicators.sma20).toBeCloseTo(mean(later.historicalData.slice(-20).map((bar: Daily) => bar.close)), 6);
    } finally {
      m.clock.set(MARKET_NOW);
    }
  });

  it('answers null for indicators the history is too short for', async () => {
    const { stocks, prices } = m.server.app.repositories;
    await stocks.upsertProfile({ symbol: 'SHRT', name: 'Short History', exchange: 'TEST', marketCap: 1e9 }, false);
    const days = ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
    await prices.upsertBars('SHRT', '1d', days.map((day, i) => ({ timestamp: new Date(`${day}T00:00:00Z`), open: 10 + i, high: 11 + i, low: 9 + i, close: 10.5 + i, adjustedClose: null, volume: 1000 })), 'csv');
    const answer = await m.server.call('GET', '/api/market/stock/SHRT?start=2026-11-01');
    expect(answer.status).toBe(200);
    const { indicators } = answer.body.data;
    expect(indicators).toMatchObject({ asOf: '2026-11-20', close: 19.5, sma20: null, sma50: null, sma200: null, ema12: null, rsi: null, macd: null, adx: null, williamsR: null });
    // TA-Lib's OBV starts at the first bar's volume; ten rising closes add the other nine.
    expect(indicators.obv).toBe(10 * 1000);
  });
});

describe(`indicator series (${SCALE})`, () => {
  const m = market();

  it('answers the named series aligned on the dates of the range, warmed up before it', async () => {
    // A year of history first (the route itself fills only the range it shows).
    await m.server.call('GET', '/api/market/stock/NVDA');
    const answer = await m.server.call('GET', '/api/market/indicators/nvda/?names=RSI,macd,sma20&from=2026-05-01&to=2026-11-24');
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ symbol: 'NVDA', interval: '1d', from: '2026-05-01', to: '2026-11-24' });
    expect(Object.keys(data.series).sort()).toEqual(['macd', 'rsi', 'sma20']);
    const stored = await m.server.app.repositories.prices.bars('NVDA', '1d', new Date(0), new Date('2026-11-24T23:59:59Z'));
    const closes = new Map<string, number>(stored.map((bar) => [bar.timestamp.toISOString().slice(0, 10), bar.close]));
    expect(data.dates).toEqual([...closes.keys()].filter((date) => date >= '2026-05-01'));
    for (const name of ['rsi', 'macd', 'sma20']) {
      expect(data.series[name]).toHaveLength(data.dates.length);
      // Bars before the range feed the warm-up: the first point already has a value.
      expect(data.series[name][0], name).not.toBeNull();
    }
    const at = data.dates.length - 1;
    const sma20 = mean(data.dates.slice(-20).map((date: string) => closes.get(date)!));
    expect(data.series.sma20[at]).toBeCloseTo(sma20, 6);
    // The last point is the latest set, as the stock detail and the job give it.
    const latest = await m.server.app.services.indicators.latest('NVDA');
    expect(latest!.asOf).toBe(data.dates[at]);
    expect(data.series.rsi[at]).toBeCloseTo(latest!.rsi!, 6);
    expect(data.series.macd[at]).toBeCloseTo(latest!.macd!, 6);
  });

  it('computes weekly series on weeks made from the daily bars', async () => {
    await m.server.call('GET', '/api/market/stock/AMZN?period=5y');
    const answer = await m.server.call('GET', '/api/market/indicators/AMZN?names=sma20&interval=1w&from=2025-01-01&to=2026-11-24');
    expect(answer.status).toBe(200);
    const { dates, series } = answer.body.data;
    // One date per week: the week's last session, Mondays apart at least.
    for (let i = 1; i < dates.length; i += 1) expect(Date.parse(dates[i]) - Date.parse(dates[i - 1])).toBeGreaterThanOrEqual(3 * 86_400_000);
    const weekOf = (date: string) => {
      const day = new Date(`${date}T00:00:00Z`);
      return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    };
    const stored = await m.server.app.repositories.prices.bars('AMZN', '1d', new Date(0), new Date('2026-11-24T23:59:59Z'));
    const weekClose = new Map<string, number>();
    for (const bar of stored) weekClose.set(weekOf(bar.timestamp.toISOString().slice(0, 10)), bar.close);
    const lastTwenty = [...weekClose.values()].slice(-20);
    expect(series.sma20.at(-1)).toBeCloseTo(mean(lastTwenty), 6);
    expect(dates.at(-1)).toBe(stored.at(-1)!.timestamp.toISOString().slice(0, 10));
  });

  it('computes the session VWAP on 1-minute bars', async () => {
    const { app } = m.server;
    const start = MARKET_NOW.getTime();
    for (let minute = 0; minute < 3; minute += 1) {
      m.clock.set(new Date(start + minute * 60_000));
      await app.services.ingest.fetchActive(100, log);
    }
    m.clock.set(MARKET_NOW);
    const minutes = await app.repositories.prices.bars('JPM', '1m', new Date('2026-11-24T14:30:00Z'), new Date('2026-11-24T21:00:00Z'));
    expect(minutes.length).toBeGreaterThanOrEqual(3);
    const answer = await m.server.call('GET', '/api/market/indicators/JPM?names=vwap&interval=1m&from=2026-11-24&to=2026-11-24');
    expect(answer.status).toBe(200);
    const { dates, series } = answer.body.data;
    expect(dates).toEqual(minutes.map((bar) => bar.timestamp.toISOString()));
    let priceVolume = 0;
    let volume = 0;
    minutes.forEach((bar, i) => {
      priceVolume += ((bar.high + bar.low + bar.close) / 3) * bar.volume;
      volume += bar.volume;
      if (volume > 0) expect(series.vwap[i]).toBeCloseTo(priceVolume / volume, 6);
    });
  });

  it('refuses unknown names, reversed and malformed dates, vwap on daily bars, and unknown symbols', async () => {
    const names = await m.server.call('GET', '/api/market/indicators/AAPL?names=rsi,bogus');
    expect(names.status).toBe(400);
    expect(names.body.message).toContain('bogus');
    expect(names.body.errors.names[0]).toContain('williamsR');
    const reversed = await m.server.call('GET', '/api/market/indicators/AAPL?from=2026-06-01&to=2026-05-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors.to).toBeDefined();
    const malformed = await m.server.call('GET', '/api/market/indicators/AAPL?from=05/01/2026');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain('YYYY-MM-DD');
    expect((await m.server.call('GET', '/api/market/indicators/AAPL?names=vwap')).status).toBe(400);
    expect((await m.server.call('GET', '/api/market/indicators/AAPL?interval=5m')).status).toBe(400);
    expect((await m.server.call('GET', '/api/market/indicators/NOSUCH')).status).toBe(404);
    expect(INDICATOR_NAMES.length).toBe(INDICATOR_WIRE_NAMES.length);
  });
});
