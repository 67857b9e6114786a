// A local node:http server answering as Yahoo with recorded responses, for the yahoo adapter's tests.
// The only seam is the `fetch` option: it sends https://*.yahoo.com/<path>?<query> to the local
// server, keeping path and query, and tells the server which Yahoo host was asked (x-yahoo-host).
// Fixtures: see test/providers/market/yahoo.test.ts.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { MarketDataProvider } from '../../../src/providers/market/port.ts';
import { ProviderError } from '../../../src/providers/outside-call.ts';
import { createYahooProvider } from '../../../src/providers/market/yahoo.ts';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/yahoo/${name}`, import.meta.url), 'utf8'));
}
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/yahoo/${name}`, import.meta.url), 'utf8');
}

interface RecordedReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}
const crumbFlow = fixture('crumb-flow.json') as { quotePage: RecordedReply; getcrumb: RecordedReply };
export const CRUMB = crumbFlow.getcrumb.body;
const quoteRows = (fixture('quote-AAPL-MSFT-BRKS.json') as { quoteResponse: { result: Array<Record<string, unknown>> } })
  .quoteResponse.result;
const aaplRow = quoteRows.find((row) => row.symbol === 'AAPL');

// ---- the local "Yahoo" ----

export interface Seen {
  host: string;
  path: string;
  query: URLSearchParams;
  cookie: string;
}
export type Reply = { status: number; headers?: Record<string, string | string[]>; body: string } | 'hang';
export type Override = (req: Seen) => Reply | undefined;

let server: Server;
let baseUrl: string;
/** What the local Yahoo was asked, since the test began; `override` answers before the recordings. */
export const yahoo: { seen: Seen[]; override: Override | undefined; logs: Array<{ obj: Record<string, unknown>; msg: string }> } = { seen: [], override: undefined, logs: [] };
const hanging: ServerResponse[] = [];

export const json = (status: number, body: unknown): Reply => ({
  status,
  headers: { 'content-type': 'application/json;charset=utf-8' },
  body: JSON.stringify(body),
});
export const jsonFile = (status: number, name: string): Reply => ({
  status,
  headers: { 'content-type': 'application/json;charset=utf-8' },
  body: fixtureText(name),
});

function route(req: Seen): Reply {
  const { path, query } = req;
  if (req.host === 'finance.yahoo.com' && path === '/quote/AAPL') return crumbFlow.quotePage;
  if (path === '/v1/test/getcrumb') {
    // Stand-in: only a client that kept the cookies gets the crumb.
    return req.cookie.includes('A3=') ? crumbFlow.getcrumb : { status: 403, body: 'Forbidden' };
  }
  const needsCrumb = path === '/v7/finance/quote' || path.startsWith('/v10/finance/quoteSummary/');
  if (needsCrumb && (query.get('crumb') !== CRUMB || !req.cookie.includes('A3='))) {
    return jsonFile(401, 'error-invalid-crumb.json');
  }
  if (path === '/v7/finance/quote') {
    const rows = (query.get('symbols') ?? '').split(',').flatMap((symbol) => {
      const row = quoteRows.find((r) => r.symbol === symbol);
      if (row) return [row];
      // Synthetic symbols for the batching test answer like AAPL under their own name.
      return /^T\d{3}$/.test(symbol) ? [{ ...aaplRow, symbol }] : [];
    });
    return json(200, { quoteResponse: { result: rows, error: null } });
  }
  if (path === '/v8/finance/chart/MSFT' && query.get('interval') === '1d') {
    const weekend = Number(query.get('period1')) === Date.UTC(2021, 1, 6) / 1000;
    return jsonFile(200, weekend ? 'chart-MSFT-1d-weekend.json' : 'chart-MSFT-1d-2021-02-01-to-2021-02-09.json');
  }
  if (path === '/v8/finance/chart/AAPL' && query.get('interval') === '1m') return jsonFile(200, 'chart-AAPL-1m-2026-10-02.json');
  if (path.startsWith('/v8/finance/chart/')) return jsonFile(404, 'error-chart-not-found.json');
  if (path === '/v10/finance/quoteSummary/AAPL') return jsonFile(200, 'quoteSummary-price-assetProfile-AAPL.json');
  if (path.startsWith('/v10/finance/quoteSummary/')) return jsonFile(404, 'error-quoteSummary-not-found.json');
  if (path === '/v1/finance/search') {
    return jsonFile(200, query.get('q') === 'AAPL' ? 'search-AAPL.json' : 'search-empty.json');
  }
  return { status: 404, body: 'Not Found' };
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://local');
  const cookie = req.headers.cookie;
  const host = req.headers['x-yahoo-host'];
  const info: Seen = {
    host: typeof host === 'string' ? host : '',
    path: url.pathname,
    query: url.searchParams,
    cookie: typeof cookie === 'string' ? cookie : '',
  };
  yahoo.seen.push(info);
  const reply = yahoo.override?.(info) ?? route(info);
  if (reply === 'hang') {
    hanging.push(res);
    return;
  }
  res.writeHead(reply.status, reply.headers ?? { 'content-type': 'text/plain' });
  res.end(reply.body);
}

/** What the provider gets as `fetch`: Yahoo's URL, answered by the local server. */
export const toLocalServer: typeof fetch = (input, init) => {
  const original = new URL(input instanceof Request ? input.url : String(input));
  if (!original.hostname.endsWith('.yahoo.com')) {
    return Promise.reject(new Error(`unexpected host ${original.hostname}`));
  }
  const headers = new Headers(init?.headers);
  headers.set('x-yahoo-host', original.hostname);
  return fetch(new URL(original.pathname + original.search, baseUrl), { ...init, headers });
};

/** Starts the local Yahoo for the calling test file, with the state reset before each test. */
export function useRecordedYahoo(): void {
  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    yahoo.seen = [];
    yahoo.override = undefined;
    yahoo.logs = [];
  });
  afterEach(() => {
    for (const res of hanging.splice(0)) res.destroy();
  });
}

export function provider(opts: { timeoutMs?: number; retries?: number } = {}): MarketDataProvider {
  return createYahooProvider({
    timeoutMs: opts.timeoutMs ?? 2_000,
    retries: opts.retries ?? 2,
    fetch: toLocalServer,
    logger: { warn: (obj, msg) => yahoo.logs.push({ obj: obj as Record<string, unknown>, msg }) },
  });
}

export const requestsTo = (prefix: string) => yahoo.seen.filter((s) => s.path.startsWith(prefix));
export const failures = () => yahoo.logs.filter((l) => l.msg.includes('failed'));

export async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

