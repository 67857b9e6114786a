// The yahoo adapter end to end: the real yahoo-finance2 client (cookie + crumb flow, query building,
// response parsing) runs against a local node:http server that answers with recorded Yahoo responses.
// The only seam is the `fetch` option: it sends https://*.yahoo.com/<path>?<query> to the local
// server, keeping path and query, and tells the server which Yahoo host was asked (x-yahoo-host).
//
// Fixtures (test/fixtures/yahoo/), with where their values come from:
// - crumb-flow.json: the Set-Cookie headers of finance.yahoo.com/quote/AAPL and the crumb body of
//   /v1/test/getcrumb as recorded in gadicc/yahoo-finance2 tests/fixtures/http/getCrumb-*.json (HTML trimmed).
// - quote-AAPL-MSFT-BRKS.json: AAPL is the recorded v7 quote row (quote-AAPL.json, 2026-10-02 close);
//   MSFT is built from the MSFT chart meta recorded at the same instant (no open, no market cap);
//   BRKS is the recorded row for a delisted symbol (quoteType NONE).
// - chart-MSFT-1d-…json: the first six sessions of the recorded MSFT 2021-02-01..2022-01-31 daily answer.
// - chart-AAPL-1m-…json: recorded AAPL meta; minute bars constructed around the recorded open, with one
//   all-null minute as Yahoo sends for a minute without trades. chart-MSFT-1d-weekend.json: the
//   no-session shape (meta only, quote [{}]), which the library turns into no bars.
// - quoteSummary-price-assetProfile-AAPL.json: recorded price and assetProfile modules (officers trimmed).
// - search-AAPL.json: recorded v1 search for "AAPL" (2026-03-04; news emptied: we ask newsCount=0);
//   search-empty.json: the same envelope without quotes.
// - error-*.json: Yahoo's error bodies as quoted verbatim in public bug reports (chart 404 "No data
//   found, symbol may be delisted", quoteSummary 404 "Quote not found for symbol", 401 "Invalid Crumb").

import { beforeAll, describe, expect, it } from 'vitest';
import YahooFinance from 'yahoo-finance2';
import { ExtendedCookieJar } from 'yahoo-finance2/lib/cookieJar';
import { getCrumbClear } from 'yahoo-finance2/lib/getCrumb';
import { ProviderError } from '../../../src/providers/outside-call.ts';
import { CRUMB, failures, fixture, json, jsonFile, provider, providerError, requestsTo, toLocalServer, useRecordedYahoo, yahoo } from './recorded-yahoo.ts';

useRecordedYahoo();

// ---- tests ----

describe('yahoo provider against recorded Yahoo responses', () => {
  it('describes itself', () => {
    const p = provider();
    expect(p.name).toBe('yahoo');
    expect(p.testSymbol).toBe('AAPL');
    expect(p.maxSymbolsPerRequest).toBe(50);
    expect(p.rateLimit).toEqual({ requests: 2000, perMs: 3_600_000 });
  });

  it('splits 120 symbols into batches of 50, 50 and 20', async () => {
    const symbols = Array.from({ length: 120 }, (_, i) => `T${String(i).padStart(3, '0')}`);
    const quotes = await provider().quotes(symbols);

    expect(quotes.map((q) => q.symbol)).toEqual(symbols);
    const batches = requestsTo('/v7/finance/quote').map((s) => (s.query.get('symbols') ?? '').split(','));
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(symbols);
    // The crumb is reused, not fetched per batch.
    expect(requestsTo('/v1/test/getcrumb').length).toBeLessThanOrEqual(1);
    expect(requestsTo('/v7/finance/quote').every((s) => s.query.get('crumb') === CRUMB)).toBe(true);
  });

  it('returns daily history oldest first at 00:00 UTC, with adjusted closes', async () => {
    const bars = await provider().history('MSFT', {
      interval: '1d',
      from: new Date('2021-02-01T00:00:00Z'),
      to: new Date('2021-02-09T00:00:00Z'),
    });

    expect(bars.map((b) => b.timestamp.toISOString().slice(0, 10))).toEqual([
      '2021-02-01',
      '2021-02-02',
      '2021-02-03',
      '2021-02-04',
      '2021-02-05',
      '2021-02-08',
    ]);
    expect(bars[0]).toEqual({
      timestamp: new Date('2021-02-01T00:00:00Z'),
      open: 235.05999755859375,
      high: 242.5,
      low: 232.42999267578125,
      close: 239.64999389648438,
      adjustedClose: 228.5040283203125,
      volume: 33314200,
    });
    const request = requestsTo('/v8/finance/chart/MSFT')[0];
    expect(request?.query.get('interval')).toBe('1d');
    expect(request?.query.get('period1')).toBe(String(Date.UTC(2021, 1, 1) / 1000));
    expect(request?.query.get('period2')).toBe(String(Date.UTC(2021, 1, 9) / 1000));
  });

  it('drops a daily bar the store would refuse (high below low, a zero close), keeping the others', async () => {
    const answer = fixture('chart-MSFT-1d-2021-02-01-to-2021-02-09.json') as { chart: { result: Array<{ indicators: { quote: Array<Record<string, number[]>> } }> } };
    const quote = answer.chart.result[0]!.indicators.quote[0]!;
    quote.high![1] = quote.low![1]! - 1;
    quote.close![3] = 0;
    yahoo.override = (req) => (req.path.startsWith('/v8/finance/chart/') ? json(200, answer) : undefined);
    const bars = await provider().history('MSFT', { interval: '1d', from: new Date('2021-02-01T00:00:00Z'), to: new Date('2021-02-09T00:00:00Z') });
    expect(bars.map((b) => b.timestamp.toISOString().slice(0, 10))).toEqual(['2021-02-01', '2021-02-03', '2021-02-05', '2021-02-08']);
  });

  it('returns minute bars, dropping the all-null minute, without adjusted closes', async () => {
    const bars = await provider().history('AAPL', {
      interval: '1m',
      from: new Date('2026-10-02T13:30:00Z'),
      to: new Date('2026-10-02T13:36:00Z'),
    });

    expect(bars.map((b) => b.timestamp.toISOString().slice(11, 16))).toEqual(['13:30', '13:31', '13:32', '13:34', '13:35']);
    expect(bars[0]).toEqual({
      timestamp: new Date('2026-10-02T13:30:00Z'),
      open: 333.2050018310547,
      high: 333.8999938964844,
      low: 332.95001220703125,
      close: 333.489990234375,
      adjustedClose: null,
      volume: 1284312,
    });
    const request = requestsTo('/v8/finance/chart/AAPL')[0];
    expect(request?.query.get('interval')).toBe('1m');
    expect(request?.query.get('includePrePost')).toBe('false');
  });

  it('asks for 1m bars at most 7 days at a time', async () => {
    const from = new Date('2026-09-25T00:00:00Z');
    const to = new Date('2026-10-05T00:00:00Z');
    const bars = await provider().history('AAPL', { interval: '1m', from, to });

    const windows = requestsTo('/v8/finance/chart/AAPL').map((s) => [Number(s.query.get('period1')), Number(s.query.get('period2'))]);
    const sevenDays = 7 * 24 * 3600;
    expect(windows).toEqual([
      [from.getTime() / 1000, from.getTime() / 1000 + sevenDays],
      [from.getTime() / 1000 + sevenDays, to.getTime() / 1000],
    ]);
    // Both windows got the same recorded minutes here; they are merged, not repeated.
    expect(bars).toHaveLength(5);
  });

  it('returns no bars for a range without sessions', async () => {
    const bars = await provider().history('MSFT', {
      interval: '1d',
      from: new Date('2021-02-06T00:00:00Z'),
      to: new Date('2021-02-08T00:00:00Z'),
    });
    expect(bars).toEqual([]);
  });

  it('returns a company profile from quoteSummary price + assetProfile', async () => {
    const profile = await provider().profile('AAPL');

    expect(profile).toEqual({
      symbol: 'AAPL',
      name: 'Apple Inc.',
      sector: 'Technology',
      industry: 'Consumer Electronics',
      marketCap: 4869931925504,
      exchange: 'NasdaqGS',
      currency: 'USD',
    });
    const request = requestsTo('/v10/finance/quoteSummary/AAPL')[0];
    expect(request?.query.get('modules')).toBe('price,assetProfile');
    expect(request?.query.get('crumb')).toBe(CRUMB);
  });

  it('searches, keeping equities and ETFs only', async () => {
    const p = provider();
    const matches = await p.search('AAPL', 10);

    // Options and the Crunchbase entry (no symbol) are dropped; Yahoo's order is kept.
    expect(matches).toEqual([
      { symbol: 'AAPL', name: 'Apple Inc.', exchange: 'NASDAQ', type: 'EQUITY' },
      { symbol: 'AAPY.DE', name: 'IncomeShares Apple (AAPL) Options ETP', exchange: 'XETRA', type: 'EQUITY' },
      { symbol: 'AAPW', name: 'Roundhill AAPL WeeklyPay ETF', exchange: 'BATS Trading', type: 'ETF' },
      { symbol: 'AAPU', name: 'Direxion Daily AAPL Bull 2X Shares', exchange: 'NASDAQ', type: 'ETF' },
    ]);
    const request = requestsTo('/v1/finance/search')[0];
    expect(request?.query.get('q')).toBe('AAPL');
    expect(request?.query.get('newsCount')).toBe('0');

    expect((await p.search('AAPL', 2)).map((m) => m.symbol)).toEqual(['AAPL', 'AAPY.DE']);
  });

  it('treats unknown and delisted symbols as absent, not as errors, and does not retry them', async () => {
    const p = provider();
    expect(await p.quotes(['ZZZZNOTREAL'])).toEqual([]);
    expect(await p.history('ZZZZNOTREAL', { interval: '1d', from: new Date('2024-01-02'), to: new Date('2024-01-10') })).toEqual([]);
    expect(await p.profile('ZZZZNOTREAL')).toBeNull();
    expect(await p.search('zzzznotreal', 5)).toEqual([]);

    expect(requestsTo('/v8/finance/chart/')).toHaveLength(1);
    expect(requestsTo('/v10/finance/quoteSummary/')).toHaveLength(1);
    expect(failures()).toEqual([]);
  });

  it('retries an HTTP 500 and then succeeds', async () => {
    let charts = 0;
    yahoo.override = (req) => {
      if (!req.path.startsWith('/v8/finance/chart/')) return undefined;
      charts++;
      return charts === 1 ? { status: 500, headers: { 'content-type': 'text/html' }, body: '<html>Internal Server Error</html>' } : undefined;
    };
    const bars = await provider({ retries: 2 }).history('MSFT', {
      interval: '1d',
      from: new Date('2021-02-01T00:00:00Z'),
      to: new Date('2021-02-09T00:00:00Z'),
    });

    expect(bars).toHaveLength(6);
    expect(charts).toBe(2);
    expect(failures()).toEqual([]);
  });

  it('gives up on 429 after the bounded retries with a rate_limited ProviderError', async () => {
    yahoo.override = (req) => (req.path === '/v7/finance/quote' ? { status: 429, body: 'Too Many Requests\r\n' } : undefined);
    const err = await providerError(provider({ retries: 2 }).quotes(['AAPL']));

    expect(err.failure).toBe('rate_limited');
    expect(err.provider).toBe('yahoo');
    expect(requestsTo('/v7/finance/quote')).toHaveLength(3);
    expect(failures()).toHaveLength(1);
    expect(failures()[0]?.obj).toMatchObject({ op: 'quotes', kind: 'rate_limited', attempts: 3, status: 429 });
  });

  it('times out a server that never answers, within the timeout budget', async () => {
    yahoo.override = (req) => (req.path.startsWith('/v8/finance/chart/') ? 'hang' : undefined);
    const timeoutMs = 200;
    const retries = 1;
    const started = performance.now();
    const err = await providerError(
      provider({ timeoutMs, retries }).history('MSFT', { interval: '1d', from: new Date('2021-02-01'), to: new Date('2021-02-09') }),
    );
    const elapsed = performance.now() - started;

    expect(err.failure).toBe('timeout');
    expect(requestsTo('/v8/finance/chart/')).toHaveLength(retries + 1);
    // Two attempts of 200 ms plus one backoff (at most 300 ms), with slack for a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual((retries + 1) * timeoutMs - 20);
    expect(elapsed).toBeLessThan((retries + 1) * timeoutMs + 300 + 700);
    expect(failures()[0]?.obj).toMatchObject({ op: 'history', kind: 'timeout', attempts: 2 });
  });

  it('reports unparsable JSON as bad_response without retrying', async () => {
    yahoo.override = (req) =>
      req.path === '/v7/finance/quote'
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"quoteResponse":{"result":[{"symbol":"AAPL",' }
        : undefined;
    const err = await providerError(provider({ retries: 2 }).quotes(['AAPL']));

    expect(err.failure).toBe('bad_response');
    expect(requestsTo('/v7/finance/quote')).toHaveLength(1);
    expect(failures()).toHaveLength(1);
  });

  it('reports well-formed JSON of the wrong shape as bad_response', async () => {
    yahoo.override = (req) => (req.path.startsWith('/v8/finance/chart/') ? json(200, { chart: { result: [{ meta: {} }], error: null } }) : undefined);
    const err = await providerError(
      provider().history('MSFT', { interval: '1d', from: new Date('2021-02-01'), to: new Date('2021-02-09') }),
    );
    expect(err.failure).toBe('bad_response');
    expect(requestsTo('/v8/finance/chart/')).toHaveLength(1);
  });

  it('fetches a fresh crumb when Yahoo rejects the one it has', async () => {
    let quotes = 0;
    yahoo.override = (req) => {
      if (req.path !== '/v7/finance/quote') return undefined;
      quotes++;
      return quotes === 1 ? jsonFile(401, 'error-invalid-crumb.json') : undefined;
    };
    const result = await provider().quotes(['AAPL']);

    expect(result.map((q) => q.symbol)).toEqual(['AAPL']);
    // After the 401 the adapter dropped crumb and cookies; the retry went through the whole flow again.
    expect(yahoo.seen.slice(-4).map((s) => s.path)).toEqual(['/v7/finance/quote', '/quote/AAPL', '/v1/test/getcrumb', '/v7/finance/quote']);
    expect(failures()).toEqual([]);
  });

  it("stops at once when the caller's signal aborts", async () => {
    yahoo.override = (req) => (req.path.startsWith('/v8/finance/chart/') ? 'hang' : undefined);
    const controller = new AbortController();
    const pending = provider({ timeoutMs: 5_000 }).history(
      'MSFT',
      { interval: '1d', from: new Date('2021-02-01'), to: new Date('2021-02-09') },
      controller.signal,
    );
    setTimeout(() => controller.abort(), 50);

    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).not.toBeInstanceOf(ProviderError);
    expect((err as Error).name).toBe('AbortError');
    expect(requestsTo('/v8/finance/chart/')).toHaveLength(1);
  });
});

describe('the fixtures against yahoo-finance2 itself', () => {
  // The adapter runs with validateResult: false; this checks the hand-assembled fixtures still have
  // the shape the library's own schemas describe, by calling the library with validation on.
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, dir() {} };
  const cookieJar = new ExtendedCookieJar();
  const yf = () =>
    new YahooFinance({ fetch: toLocalServer, cookieJar, logger: quiet, versionCheck: false, suppressNotices: ['yahooSurvey'] });

  // The library's crumb is process-wide; start this client's crumb flow from scratch with its own jar.
  beforeAll(() => getCrumbClear(cookieJar));

  it('passes the quote, chart and quoteSummary schemas', async () => {
    const client = yf();
    const quotes = await client.quote(['AAPL', 'MSFT', 'BRKS']);
    expect(quotes.map((q) => q.symbol)).toEqual(['AAPL', 'MSFT']);
    const daily = await client.chart('MSFT', { period1: '2021-02-01', period2: '2021-02-09', interval: '1d' });
    expect(daily.quotes).toHaveLength(6);
    const minutes = await client.chart('AAPL', { period1: new Date('2026-10-02T13:30:00Z'), period2: new Date('2026-10-02T13:36:00Z'), interval: '1m' });
    expect(minutes.quotes).toHaveLength(6);
    const summary = await client.quoteSummary('AAPL', { modules: ['price', 'assetProfile'] });
    expect(summary.price?.symbol).toBe('AAPL');
  });

  it("rejects Yahoo's current search answer (lower-case typeDisp), which is why the adapter validates itself", async () => {
    const err = await yf()
      .search('AAPL')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as Error).name).toBe('FailedYahooValidationError');
  });
});
