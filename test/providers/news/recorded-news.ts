// A local node:http server answering as the news sources and Gemini do, with the recorded-shape
// fixtures of test/fixtures/news and test/fixtures/gemini, for the provider, service, job and
// route tests: the real client code (fetch, @rowanmanning/feed-parser, @google/genai) talks to it.
//
// Fixtures, and where their shapes come from:
// - yahoo-headline-*.xml: Yahoo Finance's per-symbol RSS 2.0 headline feed
//   (feeds.finance.yahoo.com/rss/2.0/headline?s=SYMBOL): channel elements in Yahoo's alphabetical
//   order, `guid isPermaLink="false"`, `?.tsrc=rss` on every link, RFC 822 dates. The headlines are
//   written for these tests (dated around the test clock, 2026-11-24) and link to realistic
//   article URLs, since canonical URLs refuse local hosts. The AAPL feed holds an item older than
//   30 days and one without a link; the MSFT feed holds the AAPL feed's tech-rally story again
//   (other tracking parameters) and Reuters' syndicated copy of it under another URL.
// - atom-markets.xml: an Atom 1.0 feed (a general feed, not per symbol): one entry about Nvidia,
//   one about no company.
// - newsapi-*.json: NewsAPI's /v2/everything answer and its documented error bodies
//   (apiKeyInvalid 401, rateLimited 429, unexpectedError 500), with NewsAPI's habits: a
//   "[Removed]" article, titles signed " - Outlet", a copy of an RSS story under CNBC's URL.
// - ../gemini/*.json: generateContent answers in Gemini's REST shape (candidates, usageMetadata,
//   modelVersion) and its error bodies (429 RESOURCE_EXHAUSTED with RetryInfo, 500 INTERNAL,
//   400 API_KEY_INVALID).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
}

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Reply = { status: number; headers?: Record<string, string>; body: string } | 'hang';
export type Route = (request: Seen) => Reply | undefined;

export const xml = (status: number, body: string): Reply => ({ status, headers: { 'content-type': 'application/rss+xml; charset=utf-8' }, body });
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
});

export const API_KEY = 'test-newsapi-key';
export const GEMINI_KEY = 'test-gemini-key';

/** Yahoo's per-symbol feed for any symbol: the recorded AAPL and MSFT feeds, an empty channel for the others. */
export function yahooFeed(symbol: string): Reply {
  if (symbol === 'AAPL' || symbol === 'MSFT') return xml(200, fixtureText(`news/yahoo-headline-${symbol}.xml`));
  return xml(200, fixtureText('news/yahoo-headline-empty.xml').replaceAll('{symbol}', symbol));
}

/** NewsAPI's /v2/everything: Apple's articles when the query names Apple, none otherwise; 401 without the key. */
export function newsApi(request: Seen): Reply {
  if (request.headers['x-api-key'] !== API_KEY) return json(401, fixtureText('news/newsapi-error-apiKeyInvalid.json'));
  return json(200, fixtureText((request.query.get('q') ?? '').includes('"Apple"') ? 'news/newsapi-everything-apple.json' : 'news/newsapi-everything-empty.json'));
}

/** A generateContent answer in Gemini's shape carrying `text`. */
export function geminiAnswer(text: string, model = 'gemini-2.5-flash'): Reply {
  const recorded = JSON.parse(fixtureText('gemini/generateContent-sentiment.json')) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }>; modelVersion: string };
  recorded.candidates[0]!.content.parts[0]!.text = text;
  recorded.modelVersion = model;
  return json(200, recorded);
}

/** The texts a sentiment request carries, as the Gemini client sent them. */
export function geminiTexts(request: Seen): Array<{ id: number; text: string }> {
  const body = JSON.parse(request.body) as { contents: Array<{ parts: Array<{ text: string }> }> };
  return (JSON.parse(body.contents[0]!.parts[0]!.text) as { texts: Array<{ id: number; text: string }> }).texts;
}

/** A stand-in for the model: a verdict per text from a few keywords, in Gemini's answer shape. */
export function geminiByKeywords(request: Seen): Reply {
  const results = geminiTexts(request).map(({ id, text }) => {
    const negative = /\b(fine|cuts?|slows?|falls?|miss(es)?)\b/i.test(text);
    const positive = /\b(beats?|raises?|jump|lifts?|rally)\b/i.test(text);
    const sentiment = negative ? 'negative' : positive ? 'positive' : 'neutral';
    return { id, sentiment, score: sentiment === 'positive' ? 0.7 : sentiment === 'negative' ? -0.7 : 0, confidence: 0.9, analysis: `Keyword verdict: ${sentiment}.` };
  });
  return geminiAnswer(JSON.stringify({ results }));
}

/**
 * The usual routes: /rss/headline?s=SYMBOL (Yahoo), /atom/markets.xml, /newsapi/v2/everything,
 * /gemini/v1beta/models/<model>:generateContent (keyword verdicts).
 */
export function standardRoute(request: Seen): Reply | undefined {
  if (request.path === '/rss/headline') return yahooFeed(request.query.get('s') ?? '');
  if (request.path === '/atom/markets.xml') return { status: 200, headers: { 'content-type': 'application/atom+xml' }, body: fixtureText('news/atom-markets.xml') };
  if (request.path === '/newsapi/v2/everything') return newsApi(request);
  if (request.path.startsWith('/gemini/') && request.path.endsWith(':generateContent')) {
    if (request.headers['x-goog-api-key'] !== GEMINI_KEY) return json(400, fixtureText('gemini/error-400-api-key-invalid.json'));
    return geminiByKeywords(request);
  }
  return undefined;
}

export interface RecordedServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** What was asked since the test began. */
  seen: Seen[];
  /** Answers before the route (and before the standard routes); undefined falls through. */
  override: Route | undefined;
  requestsTo(path: string): Seen[];
}

/**
 * Starts the local server for the calling test file (state reset before each test). `{server}` in
 * the values of each `envs` object becomes the server's address before the describe blocks' own
 * beforeAll hooks run, so an app started there can be pointed at it.
 */
export function useRecordedNews(route: Route = standardRoute, ...envs: Record<string, string>[]): RecordedServer {
  let server: Server;
  const hanging: ServerResponse[] = [];
  const state: RecordedServer = {
    url: '', seen: [], override: undefined,
    requestsTo: (path) => state.seen.filter((s) => s.path === path || s.path.startsWith(path)),
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const seen: Seen = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      state.seen.push(seen);
      const reply = state.override?.(seen) ?? route(seen) ?? { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(reply.status, reply.headers ?? { 'content-type': 'text/plain' });
      res.end(reply.body);
    });
  };
  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const env of envs) {
      for (const [name, value] of Object.entries(env)) env[name] = value.replaceAll('{server}', state.url);
    }
  });
  afterAll(async () => {
    for (const res of hanging.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    state.seen = [];
    state.override = undefined;
  });
  afterEach(() => {
    for (const res of hanging.splice(0)) res.destroy();
  });
  return state;
}
