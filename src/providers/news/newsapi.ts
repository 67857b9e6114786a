// NewsAPI (newsapi.org) /v2/everything: articles matching a query, newest first, as feed items.
// The key goes in the X-Api-Key header, so it never appears in a URL or a log line.
import type { FeedItem } from '../../domain/news/index.ts';
import { callOutside, checkedFetch, classifyHttpError, type CallPolicy, type Verdict } from '../outside-call.ts';
import type { CallOverrides, ProviderLog } from './port.ts';

/** NewsAPI refuses a `q` longer than this. */
export const NEWSAPI_MAX_QUERY = 500;
/** Most articles one request returns. */
export const NEWSAPI_MAX_PAGE_SIZE = 100;

const DEFAULT_POLICY: CallPolicy = { timeoutMs: 10_000, retries: 2 };

export interface NewsApiOptions {
  apiKey: string;
  /** https://newsapi.org unless a test or a proxy says otherwise. */
  baseUrl?: string;
  fetch?: typeof fetch;
  policy?: CallPolicy;
  log?: ProviderLog;
}

export interface NewsApiQuery {
  /** Words, "quoted phrases", AND/OR/NOT; at most NEWSAPI_MAX_QUERY characters. */
  q: string;
  /** The oldest article wanted. */
  from?: Date;
  pageSize?: number;
}

export interface NewsApiClient {
  readonly name: 'newsapi';
  everything(query: NewsApiQuery, options?: CallOverrides): Promise<FeedItem[]>;
}

/** A 200 whose body is not the article list NewsAPI documents. */
class UnexpectedBody extends Error {}

interface NewsApiArticle {
  source?: { id?: string | null; name?: string | null } | null;
  title?: unknown;
  description?: unknown;
  url?: unknown;
  urlToImage?: unknown;
  publishedAt?: unknown;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function itemsOf(body: unknown): FeedItem[] {
  const answer = body as { status?: unknown; articles?: unknown; code?: unknown; message?: unknown } | null;
  if (answer === null || typeof answer !== 'object') throw new UnexpectedBody('not a JSON object');
  if (answer.status !== 'ok') throw new UnexpectedBody(`status ${String(answer.status)}${answer.code ? ` (${String(answer.code)})` : ''}`);
  if (!Array.isArray(answer.articles)) throw new UnexpectedBody('no articles array');
  return (answer.articles as NewsApiArticle[]).filter((a) => a !== null && typeof a === 'object').map((article) => ({
    title: str(article.title),
    description: str(article.description),
    url: str(article.url),
    source: str(article.source?.name),
    publishedAt: str(article.publishedAt),
    urlToImage: str(article.urlToImage),
  }));
}

function classify(error: unknown): Verdict<FeedItem[]> {
  if (error instanceof UnexpectedBody) return { fail: 'bad_response', retry: false, detail: `unexpected answer: ${error.message}` };
  return classifyHttpError(error);
}

export function createNewsApi(options: NewsApiOptions): NewsApiClient {
  const base = (options.baseUrl ?? 'https://newsapi.org').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  return {
    name: 'newsapi',
    everything(query, overrides = {}) {
      const params = new URLSearchParams({
        q: query.q,
        language: 'en',
        sortBy: 'publishedAt',
        pageSize: String(Math.min(query.pageSize ?? NEWSAPI_MAX_PAGE_SIZE, NEWSAPI_MAX_PAGE_SIZE)),
      });
      if (query.from) params.set('from', query.from.toISOString().slice(0, 19));
      const url = `${base}/v2/everything?${params.toString()}`;
      return callOutside({
        provider: 'newsapi', op: 'everything', target: query.q.length > 60 ? `${query.q.slice(0, 57)}...` : query.q,
        attempt: async (signal) => {
          const response = await checkedFetch(url, { headers: { 'X-Api-Key': options.apiKey, accept: 'application/json' }, signal }, fetchImpl);
          return itemsOf(await response.json());
        },
        classify,
      }, { policy: overrides.policy ?? options.policy ?? DEFAULT_POLICY, log: options.log, signal: overrides.signal });
    },
  };
}

/**
 * NewsAPI queries that together ask for every term (company names), each as an exact phrase,
 * OR-ed into as few queries as fit NEWSAPI_MAX_QUERY characters.
 */
export function newsApiQueries(terms: readonly string[], maxLength = NEWSAPI_MAX_QUERY): string[] {
  const queries: string[] = [];
  let current = '';
  for (const term of new Set(terms.map((t) => t.replace(/["\s]+/g, ' ').trim()).filter(Boolean))) {
    const phrase = `"${term}"`;
    if (phrase.length > maxLength) continue;
    const joined = current === '' ? phrase : `${current} OR ${phrase}`;
    if (joined.length <= maxLength) current = joined;
    else {
      queries.push(current);
      current = phrase;
    }
  }
  if (current !== '') queries.push(current);
  return queries;
}
