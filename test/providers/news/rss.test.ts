// The RSS/Atom reader (@rowanmanning/feed-parser over fetch) against a local server answering with
// recorded-shape feeds (see recorded-news.ts).
import { describe, expect, it } from 'vitest';
import { articleFromFeedItem } from '../../../src/domain/news/index.ts';
import { DEFAULT_NEWS_FEEDS, feedUrl, isPerSymbolFeed, outletOfFeedTitle, YAHOO_HEADLINE_FEED } from '../../../src/providers/news/feeds.ts';
import { createRssReader } from '../../../src/providers/news/rss.ts';
import { ProviderError, type CallPolicy } from '../../../src/providers/outside-call.ts';
import { useRecordedNews, xml } from './recorded-news.ts';

const server = useRecordedNews();
const FAST: CallPolicy = { timeoutMs: 2_000, retries: 2, backoffBaseMs: 5, backoffCapMs: 20 };

function reader(policy: CallPolicy = FAST) {
  const logs: string[] = [];
  return { rss: createRssReader({ policy, log: { warn: (_obj, msg) => logs.push(msg) } }), logs };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const NOW = new Date('2026-11-24T15:00:00Z');

describe('RSS and Atom feeds', () => {
  it('reads Yahoo\'s per-symbol feed: every item, tagged with the symbol, named after the outlet', async () => {
    const url = feedUrl(`${server.url}/rss/headline?s={symbol}&region=US&lang=en-US`, 'AAPL');
    const items = await reader().rss.read({ url, symbols: ['AAPL'], source: 'Yahoo Finance' });
    expect(items).toHaveLength(6);
    expect(items.every((item) => item.source === 'Yahoo Finance' && item.symbols?.join() === 'AAPL')).toBe(true);
    expect(items[0]).toMatchObject({
      title: 'Apple beats estimates as iPhone sales climb',
      url: 'https://finance.yahoo.com/news/apple-beats-estimates-iphone-sales-213000123.html?.tsrc=rss',
      publishedAt: new Date('2026-11-23T21:30:00Z'),
    });
    expect(server.requestsTo('/rss/headline')[0]?.query.get('s')).toBe('AAPL');
    expect(server.requestsTo('/rss/headline')[0]?.headers['user-agent']).toBeTruthy();
  });

  it('gives items the news domain cleans: HTML and entities gone, tracking parameters dropped, no-link items refused', async () => {
    const items = await reader().rss.read({ url: `${server.url}/rss/headline?s=AAPL` });
    const articles = items.map((item) => articleFromFeedItem(item, { now: NOW }));
    expect(articles.filter((a) => a === null)).toHaveLength(1);
    const rally = articles.find((a) => a?.title.startsWith('Microsoft and Apple'));
    expect(rally?.description).toBe('Shares of Microsoft and Apple rose as chipmakers recovered from last week\'s selloff.');
    expect(rally?.url).toBe('https://finance.yahoo.com/news/microsoft-apple-lead-tech-rally-140000789.html');
    expect(articles.find((a) => a?.title.includes('EU antitrust'))?.description).toContain('€1.8 billion');
  });

  it('names the outlet a feed\'s title names when no source is given (Yahoo\'s titles name the symbol)', async () => {
    const items = await reader().rss.read({ url: `${server.url}/rss/headline?s=MSFT` });
    expect(new Set(items.map((item) => item.source))).toEqual(new Set(['Yahoo Finance']));
  });

  it('reads Atom: summary as description, published (else updated) as the date', async () => {
    const items = await reader().rss.read({ url: `${server.url}/atom/markets.xml` });
    expect(items.map((item) => [item.title, item.publishedAt])).toEqual([
      ['Nvidia shares jump after record data-center revenue', new Date('2026-11-24T13:00:00Z')],
      ['Fed holds rates steady as inflation cools', new Date('2026-11-24T12:00:00Z')],
    ]);
    expect(articleFromFeedItem(items[0]!)?.description).toBe('The chipmaker’s data-center sales rose 60% from a year earlier.');
    expect(items[0]?.source).toBe('Markets');
  });

  it('returns nothing for a feed without items', async () => {
    expect(await reader().rss.read({ url: `${server.url}/rss/headline?s=ZZZZ` })).toEqual([]);
  });

  it('calls a page that is no feed (an HTML error page with 200) a bad answer, without asking again', async () => {
    server.override = () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><head><title>Will be right back</title></head><body>Our engineers are working on it.</body></html>' });
    const error = await failure(reader().rss.read({ url: `${server.url}/rss/headline?s=AAPL` }));
    expect(error.provider).toBe('rss');
    expect(error.failure).toBe('bad_response');
    expect(server.requestsTo('/rss/headline')).toHaveLength(1);
  });

  it('keeps the complete items of a truncated feed and drops the cut one', async () => {
    server.override = () => xml(200, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
      <item><title>Apple beats estimates</title><link>https://finance.yahoo.com/news/apple-beats-1.html</link><pubDate>Tue, 24 Nov 2026 10:00:00 +0000</pubDate></item>
      <item><title>Microsoft cuts jo`);
    const items = await reader().rss.read({ url: `${server.url}/rss/headline?s=AAPL` });
    const articles = items.map((item) => articleFromFeedItem(item, { now: NOW })).filter((a) => a !== null);
    expect(articles.map((a) => a.title)).toEqual(['Apple beats estimates']);
  });

  it('retries a 5xx and reads the feed when the server recovers', async () => {
    let calls = 0;
    server.override = (request) => (request.path === '/rss/headline' && ++calls <= 2 ? { status: 502, body: 'Bad Gateway' } : undefined);
    expect(await reader().rss.read({ url: `${server.url}/rss/headline?s=MSFT` })).toHaveLength(3);
    expect(server.requestsTo('/rss/headline')).toHaveLength(3);
  });

  it('fails as unavailable after three 5xx answers, logging one line', async () => {
    server.override = () => ({ status: 500, body: 'Internal Server Error' });
    const { rss, logs } = reader();
    const error = await failure(rss.read({ url: `${server.url}/rss/headline?s=MSFT` }));
    expect(error.failure).toBe('unavailable');
    expect(server.requestsTo('/rss/headline')).toHaveLength(3);
    expect(logs).toHaveLength(1);
  });

  it('fails at once on a 404', async () => {
    const error = await failure(reader().rss.read({ url: `${server.url}/no/such/feed.xml` }));
    expect(error.failure).toBe('bad_response');
    expect(server.seen).toHaveLength(1);
  });

  it('fails at once on a 401 (a feed behind a login), in one log line', async () => {
    server.override = () => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="feeds"' }, body: 'Unauthorized' });
    const { rss, logs } = reader();
    const error = await failure(rss.read({ url: `${server.url}/rss/headline?s=MSFT` }));
    expect(error.provider).toBe('rss');
    expect(server.requestsTo('/rss/headline')).toHaveLength(1);
    expect(logs).toHaveLength(1);
  });

  it('waits out a short Retry-After on 429 and then reads the feed', async () => {
    let calls = 0;
    server.override = (request) => (request.path === '/rss/headline' && ++calls === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' } : undefined);
    const started = Date.now();
    expect(await reader().rss.read({ url: `${server.url}/rss/headline?s=MSFT` })).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(server.requestsTo('/rss/headline')).toHaveLength(2);
  });

  it('fails as rate-limited, passing the wait on, when Retry-After is longer than a call may wait', async () => {
    server.override = () => ({ status: 429, headers: { 'retry-after': '3600' }, body: 'Too Many Requests' });
    const error = await failure(reader().rss.read({ url: `${server.url}/rss/headline?s=MSFT` }));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(3600);
    expect(server.requestsTo('/rss/headline')).toHaveLength(1);
  });

  it('times out an attempt that gets no answer, and each retry too', async () => {
    server.override = () => 'hang';
    const error = await failure(reader({ timeoutMs: 150, retries: 1, backoffBaseMs: 5 }).rss.read({ url: `${server.url}/rss/headline?s=AAPL` }));
    expect(error.failure).toBe('timeout');
    expect(server.requestsTo('/rss/headline')).toHaveLength(2);
  });
});

describe('feed settings', () => {
  it('reads Yahoo\'s per-symbol headlines by default, with share classes as Yahoo spells them', () => {
    expect(DEFAULT_NEWS_FEEDS).toEqual([YAHOO_HEADLINE_FEED]);
    expect(isPerSymbolFeed(YAHOO_HEADLINE_FEED)).toBe(true);
    expect(feedUrl(YAHOO_HEADLINE_FEED, 'BRK.B')).toBe('https://feeds.finance.yahoo.com/rss/2.0/headline?s=BRK-B&region=US&lang=en-US');
    expect(outletOfFeedTitle('Yahoo! Finance: BRK-B News')).toBe('Yahoo Finance');
    expect(outletOfFeedTitle(' Markets ')).toBe('Markets');
    expect(outletOfFeedTitle('')).toBeNull();
  });
});
