// The NewsAPI client against a local server answering with NewsAPI's recorded shapes (see recorded-news.ts).
import { describe, expect, it } from 'vitest';
import { articleFromFeedItem } from '../../../src/domain/news/index.ts';
import { ProviderError, type CallPolicy } from '../../../src/providers/outside-call.ts';
import { createNewsApi, NEWSAPI_MAX_QUERY, newsApiQueries } from '../../../src/providers/news/newsapi.ts';
import { API_KEY, fixtureText, json, useRecordedNews } from './recorded-news.ts';

const server = useRecordedNews();
const FAST: CallPolicy = { timeoutMs: 2_000, retries: 2, backoffBaseMs: 5, backoffCapMs: 20 };

function client(options: { apiKey?: string; policy?: CallPolicy } = {}) {
  const logs: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const newsApi = createNewsApi({
    apiKey: options.apiKey ?? API_KEY, baseUrl: `${server.url}/newsapi`, policy: options.policy ?? FAST,
    log: { warn: (obj, msg) => logs.push({ obj: obj as Record<string, unknown>, msg }) },
  });
  return { newsApi, logs };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const everything = () => server.requestsTo('/newsapi/v2/everything');

describe('NewsAPI /v2/everything', () => {
  it('returns the articles as feed items, asking in English, newest first, with the key in a header only', async () => {
    const { newsApi } = client();
    const from = new Date('2026-11-17T15:00:00Z');
    const items = await newsApi.everything({ q: '"Apple" OR "Microsoft"', from });

    expect(items.map((item) => item.title)).toEqual([
      'Apple raises dividend and expands share buyback - Reuters',
      'Apple beats estimates as iPhone sales climb - CNBC',
      '[Removed]',
      'Five things to watch in markets this week',
    ]);
    expect(items[0]).toMatchObject({
      source: 'Reuters', url: 'https://www.reuters.com/business/apple-raises-dividend-expands-share-buyback-2026-11-24/',
      publishedAt: '2026-11-24T12:30:00Z', urlToImage: expect.stringContaining('reuters.com/resizer'),
    });
    const [request] = everything();
    expect(request?.query.get('q')).toBe('"Apple" OR "Microsoft"');
    expect(request?.query.get('language')).toBe('en');
    expect(request?.query.get('sortBy')).toBe('publishedAt');
    expect(request?.query.get('from')).toBe('2026-11-17T15:00:00');
    expect(request?.headers['x-api-key']).toBe(API_KEY);
    expect(JSON.stringify([...(request?.query ?? [])])).not.toContain(API_KEY);
  });

  it('gives items the news domain turns into articles: the outlet suffix gone, "[Removed]" dropped', async () => {
    const items = await client().newsApi.everything({ q: '"Apple"' });
    const articles = items.map((item) => articleFromFeedItem(item)).filter((a) => a !== null);
    expect(articles.map((a) => a.title)).toEqual([
      'Apple raises dividend and expands share buyback',
      'Apple beats estimates as iPhone sales climb',
      'Five things to watch in markets this week',
    ]);
  });

  it('returns nothing when nothing matches', async () => {
    expect(await client().newsApi.everything({ q: '"Nobody Inc"' })).toEqual([]);
  });

  it('fails at once on a bad key (401), saying what NewsAPI said, in one log line', async () => {
    const { newsApi, logs } = client({ apiKey: 'wrong' });
    const error = await failure(newsApi.everything({ q: '"Apple"' }));
    expect(error.provider).toBe('newsapi');
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('apiKeyInvalid');
    expect(everything()).toHaveLength(1);
    expect(logs.filter((l) => l.msg.includes('failed'))).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toContain('wrong');
  });

  it('waits out a short Retry-After on 429 and then answers', async () => {
    let calls = 0;
    server.override = (request) => {
      if (request.path !== '/newsapi/v2/everything') return undefined;
      calls += 1;
      return calls === 1 ? json(429, fixtureText('news/newsapi-error-rateLimited.json'), { 'retry-after': '1' }) : undefined;
    };
    const items = await client().newsApi.everything({ q: '"Apple"' });
    expect(items).toHaveLength(4);
    expect(everything()).toHaveLength(2);
  });

  it('gives up on 429 at once when Retry-After is longer than a call may wait, passing it on', async () => {
    server.override = () => json(429, fixtureText('news/newsapi-error-rateLimited.json'), { 'retry-after': '3600' });
    const error = await failure(client().newsApi.everything({ q: '"Apple"' }));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(3600);
    expect(everything()).toHaveLength(1);
  });

  it('says rate_limited with the server\'s Retry-After when 429 persists', async () => {
    server.override = () => json(429, fixtureText('news/newsapi-error-rateLimited.json'), { 'retry-after': '0' });
    const error = await failure(client().newsApi.everything({ q: '"Apple"' }));
    expect(error.failure).toBe('rate_limited');
    expect(everything()).toHaveLength(3);
  });

  it('retries a 5xx and answers when the server recovers', async () => {
    let calls = 0;
    server.override = (request) => {
      if (request.path !== '/newsapi/v2/everything') return undefined;
      calls += 1;
      return calls <= 2 ? json(500, fixtureText('news/newsapi-error-unexpectedError.json')) : undefined;
    };
    expect(await client().newsApi.everything({ q: '"Apple"' })).toHaveLength(4);
    expect(everything()).toHaveLength(3);
  });

  it('fails as unavailable after three 5xx answers', async () => {
    server.override = () => json(503, '<html><body>Service Unavailable</body></html>');
    const error = await failure(client().newsApi.everything({ q: '"Apple"' }));
    expect(error.failure).toBe('unavailable');
    expect(everything()).toHaveLength(3);
  });

  it('calls malformed JSON a bad answer, without asking again', async () => {
    server.override = () => json(200, '{"status":"ok","totalResults":4,"articles":[{"source":');
    const error = await failure(client().newsApi.everything({ q: '"Apple"' }));
    expect(error.failure).toBe('bad_response');
    expect(everything()).toHaveLength(1);
  });

  it('calls a 200 without an article list a bad answer', async () => {
    server.override = () => json(200, { status: 'error', code: 'unexpectedError', message: 'Try again.' });
    const error = await failure(client().newsApi.everything({ q: '"Apple"' }));
    expect(error.failure).toBe('bad_response');
    expect(error.message).toContain('unexpectedError');
  });

  it('times out an attempt that gets no answer, and each retry too', async () => {
    server.override = () => 'hang';
    const error = await failure(client({ policy: { timeoutMs: 150, retries: 1, backoffBaseMs: 5 } }).newsApi.everything({ q: '"Apple"' }));
    expect(error.failure).toBe('timeout');
    expect(error.message).toContain('no answer within 150 ms');
    expect(everything()).toHaveLength(2);
  });
});

describe('newsApiQueries', () => {
  it('ORs quoted names into as few queries as fit the length limit, each name once', () => {
    const names = Array.from({ length: 60 }, (_, i) => `Company Number ${i}`);
    const queries = newsApiQueries([...names, 'Company Number 0']);
    expect(queries.length).toBeGreaterThan(1);
    expect(queries.every((q) => q.length <= NEWSAPI_MAX_QUERY)).toBe(true);
    const asked = queries.flatMap((q) => q.split(' OR '));
    expect(asked).toEqual(names.map((name) => `"${name}"`));
    // Fewest queries: no two neighbours would have fitted together.
    for (let i = 1; i < queries.length; i++) expect(`${queries[i - 1]} OR ${queries[i]!.split(' OR ')[0]}`.length).toBeGreaterThan(NEWSAPI_MAX_QUERY);
  });

  it('keeps quotes out of the phrases it quotes', () => {
    expect(newsApiQueries(['Johnson "J&J" Johnson', ''])).toEqual(['"Johnson J&J Johnson"']);
  });
});
