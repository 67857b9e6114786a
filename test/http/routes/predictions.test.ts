// The prediction routes over HTTP on both scales: the stored prediction (computed on demand,
// published, refreshed after an hour), too little history as a 404 that says so, and the two
// POST routes on bars the client sends, with every kind of bad body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionDateOf, type Bar } from '../../../src/domain/market/bar.ts';
import { manualClock } from '../../../src/domain/time.ts';
import { MAX_CLIENT_BARS, MIN_PREDICTION_BARS } from '../../../src/services/predictions/index.ts';
import { fixtureText, GEMINI_KEY, json, useRecordedNews } from '../../providers/news/recorded-news.ts';
import { startServer, type TestServer } from '../../support/http.ts';
import { market } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';
import { syntheticBars } from '../../services/forecast/synthetic-bars.ts';
import { nextPrediction } from '../../services/predictions/published.ts';

const MODELS = ['lstm', 'randomWalk', 'drift', 'holt'];
const TERMS = ['shortTerm', 'mediumTerm', 'longTerm'] as const;

interface Term { period: string; targetPrice: number; change: number; confidence: number; trend: string; low: number; high: number; model: string; backtest: { mase: number; beatsRandomWalk: boolean; reason: string; basis: string } }

function expectTerms(terms: Record<(typeof TERMS)[number], Term>, currentPrice: number): void {
  expect(TERMS.map((name) => terms[name].period)).toEqual(['7 days', '30 days', '90 days']);
  for (const name of TERMS) {
    const term = terms[name];
    expect(term.low).toBeGreaterThan(0);
    expect(term.low).toBeLessThanOrEqual(term.targetPrice);
    expect(term.targetPrice).toBeLessThanOrEqual(term.high);
    expect(term.change).toBeCloseTo((term.targetPrice / currentPrice - 1) * 100, 0);
    expect(MODELS).toContain(term.model);
    expect(term.backtest.beatsRandomWalk).toBe(term.backtest.mase !== null && term.backtest.mase < 1);
    expect(term.backtest.basis).toContain('walk-forward backtest');
  }
}

// No provider: the history is exactly what a test stores. Shared by the describes below, each on its own symbols.
const clock = manualClock(new Date('2026-03-02T15:00:00Z'));
let server: TestServer;
beforeAll(async () => { server = await startServer({}, { provider: { provider: null, reason: 'test' }, clock }); });
afterAll(async () => { await server?.close(); });

const wire = (bars: readonly Bar[]) => bars.map((bar) => ({ date: sessionDateOf(bar), open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume }));

describe(`GET /api/market/predictions/{symbol} on the simulated market (${SCALE})`, () => {
  const m = market();

  it('computes a prediction on demand, stores and publishes it, serves it for an hour, then computes a new one', async () => {
    const { server } = m;
    const published = await nextPrediction(server.app.infra.bus, 'MSFT');
    const first = await server.call('GET', '/api/market/predictions/msft');
    expect(first.status).toBe(200);
    const data = first.body.data;
    expect(data).toMatchObject({ symbol: 'MSFT', currency: 'USD', predictedAt: m.clock.now().toISOString(), model: { name: 'stockmind-lstm', source: 'shipped' } });
    expectTerms(data, data.currentPrice);
    expect(data.technicalIndicators).toMatchObject({ rsi: expect.any(Number), macd: expect.any(Number), sma20: expect.any(Number), sma50: expect.any(Number), volatility: expect.any(Number) });
    expect(data.note).toContain('7 days:');
    expect(data.note).toContain('90 days:');
    expect((await published.message).data).toMatchObject({ symbol: 'MSFT', predictedAt: data.predictedAt });
    await published.close();

    const stored = await server.app.repositories.predictions.latest('MSFT');
    expect(stored?.predictedAt.toISOString()).toBe(data.predictedAt);

    m.clock.advance(30 * 60_000);
    const again = await server.call('GET', '/api/market/predictions/MSFT/');
    expect(again.body.data.predictedAt).toBe(data.predictedAt);

    m.clock.advance(45 * 60_000);
    const later = await server.call('GET', '/api/market/predictions/MSFT');
    expect(later.status).toBe(200);
    expect(later.body.data.predictedAt).toBe(m.clock.now().toISOString());
  }, 60_000);

  it('answers 404 for a symbol nobody knows and 400 for one that cannot be a symbol', async () => {
    const unknown = await m.server.call('GET', '/api/market/predictions/NOSUCH');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 'error', success: false, code: 404 });
    const malformed = await m.server.call('GET', '/api/market/predictions/%24%24%24');
    expect(malformed.status).toBe(400);
  });
});

describe(`GET /api/market/predictions/{symbol} from stored history only (${SCALE})`, () => {
  beforeAll(async () => {
    const { prices } = server.app.repositories;
    await prices.upsertBars('AAPL', '1d', syntheticBars(12, 1, '2026-02-02'), 'csv');
    await prices.upsertBars('NVDA', '1d', syntheticBars(45, 2, '2025-12-22'), 'csv');
  });

  it('answers too little history with a 404 that says how much there is, and stores nothing', async () => {
    const answer = await server.call('GET', '/api/market/predictions/AAPL');
    expect(answer.status).toBe(404);
    expect(answer.body.message).toContain('No prediction for AAPL: not enough price history');
    expect(answer.body.message).toContain(`at least ${MIN_PREDICTION_BARS} daily bars, only 12 are available`);
    expect(answer.body.errors.history).toHaveLength(1);
    expect(await server.app.repositories.predictions.latest('AAPL')).toBeNull();

    const none = await server.call('GET', '/api/market/predictions/JPM');
    expect(none.status).toBe(404);
    expect(none.body.message).toContain('none are stored');
  });

  it('serves a short history with the random walk, saying why', async () => {
    const answer = await server.call('GET', '/api/market/predictions/NVDA');
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(TERMS.map((name) => data[name].model)).toEqual(['randomWalk', 'randomWalk', 'randomWalk']);
    expect(data.shortTerm).toMatchObject({ change: 0, confidence: 50, trend: 'Sideways' });
    expect(data.shortTerm.targetPrice).toBeCloseTo(data.currentPrice, 2);
    expect(data.shortTerm.backtest.reason).toContain('the LSTM needs at least');
    expect(data.note).toContain('the random walk (no change) serves');
  });
});

describe(`POST /api/market/statistical-prediction (${SCALE})`, () => {
  const post = (body: unknown) => server.call('POST', '/api/market/statistical-prediction', { body });

  it('answers in API_CONTRACT\'s shape: terms, indicators, signals, outlook, currency', async () => {
    const bars = syntheticBars(400, 21);
    const answer = await post({ symbol: 'msft', historicalData: wire(bars), extra: 'ignored' });
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ symbol: 'MSFT', currency: 'USD', asOf: sessionDateOf(bars.at(-1)!), currentPrice: bars.at(-1)!.close });
    expectTerms(data.predictions, data.currentPrice);
    expect(data.technicalIndicators).toMatchObject({ rsi: expect.any(Number), macd: expect.any(Number), sma20: expect.any(Number), sma50: expect.any(Number), volatility: expect.any(Number) });
    for (const signal of ['macd', 'rsi', 'maCross', 'bollinger']) expect(['Bullish', 'Bearish', 'Neutral']).toContain(data.signals[signal]);
    expect(data.overallOutlook).toMatchObject({ sentiment: expect.stringMatching(/^(Bullish|Bearish|Neutral)$/), riskLevel: expect.stringMatching(/^(Low|Medium|High)$/), sentimentSource: 'forecast' });
    expect(data.overallOutlook.bullishScore).toBeGreaterThanOrEqual(0);
    expect(data.overallOutlook.bullishScore).toBeLessThanOrEqual(100);
    // Nothing is stored from a client's bars.
    expect(await server.app.repositories.predictions.latest('MSFT')).toBeNull();
  });

  it('serves the random walk to fewer bars than the LSTM needs, and says so', async () => {
    const answer = await post({ symbol: 'SYN', historicalData: wire(syntheticBars(40, 22)) });
    expect(answer.status).toBe(200);
    const { predictions, note } = answer.body.data;
    expect(TERMS.map((name) => predictions[name].model)).toEqual(['randomWalk', 'randomWalk', 'randomWalk']);
    expect(note).toMatch(/^Baselines served every horizon: the LSTM needs at least \d+ daily bars, got 40/);
  });

  it('refuses fewer than 30 bars with a clear message', async () => {
    const answer = await post({ symbol: 'SYN', historicalData: wire(syntheticBars(29, 23)) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 'error', success: false, code: 400 });
    expect(answer.body.message).toBe('At least 30 daily bars are needed for a prediction; historicalData has 29.');
    expect(answer.body.errors.historicalData).toHaveLength(1);
  });

  it('refuses non-numeric prices, naming the field', async () => {
    const sent: Record<string, unknown>[] = wire(syntheticBars(40, 24));
    sent[3] = { ...sent[3], close: '101.5' };
    const answer = await post({ symbol: 'SYN', historicalData: sent });
    expect(answer.status).toBe(400);
    expect(answer.body.errors['historicalData.3.close']).toEqual(['Must be a number.']);
  });

  it('refuses unsorted and duplicate dates, naming the bar', async () => {
    const unsorted = wire(syntheticBars(40, 25)).reverse();
    const first = await post({ symbol: 'SYN', historicalData: unsorted });
    expect(first.status).toBe(400);
    expect(first.body.message).toContain('oldest first');
    expect(Object.keys(first.body.errors)).toEqual(['historicalData.1.date']);

    const repeated = wire(syntheticBars(40, 26));
    repeated[12] = { ...repeated[12]!, date: repeated[11]!.date };
    const second = await post({ symbol: 'SYN', historicalData: repeated });
    expect(second.status).toBe(400);
    expect(second.body.message).toContain(`historicalData[12] repeats the date ${repeated[11]!.date}`);
  });

  it('refuses bars that are not prices, a missing symbol and a missing history', async () => {
    const broken = wire(syntheticBars(40, 27));
    broken[5] = { ...broken[5]!, high: broken[5]!.low / 2 };
    expect((await post({ symbol: 'SYN', historicalData: broken })).body.message).toContain('historicalData[5]');
    const noSymbol = await post({ historicalData: wire(syntheticBars(40, 28)) });
    expect(noSymbol.status).toBe(400);
    expect(noSymbol.body.errors.symbol).toEqual(['This field is required.']);
    const noBars = await post({ symbol: 'SYN' });
    expect(noBars.status).toBe(400);
    expect(noBars.body.errors.historicalData).toEqual(['This field is required.']);
    expect((await post({ symbol: '$$$', historicalData: wire(syntheticBars(40, 29)) })).body.errors.symbol).toBeDefined();
  });

  it(`refuses more than ${MAX_CLIENT_BARS} bars (400), and a body past the 1 MB limit (413)`, async () => {
    const many = wire(syntheticBars(MAX_CLIENT_BARS + 1_000, 30));
    const tooMany = await post({ symbol: 'SYN', historicalData: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.historicalData[0]).toContain(`${MAX_CLIENT_BARS}`);
    const huge = await post({ symbol: 'SYN', historicalData: wire(syntheticBars(12_000, 31)) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ status: 'error', code: 413 });
  });
});

describe(`POST /api/market/ai-prediction (${SCALE})`, () => {
  const withGemini: Record<string, string> = { GEMINI_API_KEY: GEMINI_KEY, GEMINI_BASE_URL: '{server}/gemini' };
  const gemini = useRecordedNews((request) => {
    if (request.path.endsWith(':generateContent') && request.headers['x-goog-api-key'] === GEMINI_KEY) return json(200, fixtureText('gemini/generateContent-narrative.json'));
    return undefined;
  }, withGemini);
  let narrated: TestServer;
  beforeAll(async () => { narrated = await startServer(withGemini, { provider: { provider: null, reason: 'test' } }); });
  afterAll(async () => { await narrated?.close(); });
  const bars = wire(syntheticBars(300, 41));

  it('without a Gemini key, narrates our own forecast and says that no language model wrote it', async () => {
    const answer = await server.call('POST', '/api/market/ai-prediction', { body: { symbol: 'AAPL', historicalData: bars } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.narrator).toBe('stockmind');
    const text: string = answer.body.data.prediction;
    expect(text).toContain(`AAPL last closed at ${bars.at(-1)!.close.toFixed(2)} USD`);
    expect(text).toContain('7 days:');
    expect(text).toContain('no language model was used (no Gemini key is set)');
  });

  it('with a key, returns Gemini\'s narrative of our numbers, saying so', async () => {
    const answer = await narrated.call('POST', '/api/market/ai-prediction', { body: { symbol: 'AAPL', historicalData: bars } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.narrator).toBe('gemini');
    expect(answer.body.data.prediction).toMatch(/^Apple's shares have risen about 12%/);
    expect(answer.body.data.prediction).toContain('(Written by Gemini, gemini-2.5-flash, from StockMind\'s forecast');
    // Gemini was given our facts to narrate.
    const [asked] = gemini.requestsTo('/gemini/');
    expect(asked!.body).toContain(`AAPL last closed at ${bars.at(-1)!.close.toFixed(2)} USD`);
  });

  it('falls back to our own narrative when Gemini fails', async () => {
    gemini.override = (request) => (request.path.endsWith(':generateContent') ? json(500, fixtureText('gemini/error-500-internal.json')) : undefined);
    const answer = await narrated.call('POST', '/api/market/ai-prediction', { body: { symbol: 'AAPL', historicalData: bars } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.narrator).toBe('stockmind');
    expect(answer.body.data.prediction).toContain('Gemini did not answer');
  });

  it('refuses the same bad bodies as statistical-prediction', async () => {
    const few = await server.call('POST', '/api/market/ai-prediction', { body: { symbol: 'AAPL', historicalData: bars.slice(0, 10) } });
    expect(few.status).toBe(400);
    expect(few.body.message).toContain('At least 30 daily bars');
    const text = bars.map((bar, i) => (i === 2 ? { ...bar, open: 'n/a' } : bar));
    expect((await server.call('POST', '/api/market/ai-prediction', { body: { symbol: 'AAPL', historicalData: text } })).body.errors['historicalData.2.open']).toEqual(['Must be a number.']);
  });
});
