// RSS and Atom feeds, read with @rowanmanning/feed-parser (lenient: a truncated feed still gives
// its complete items), as feed items. Anything that is no feed at all (an HTML error page, JSON)
// is a bad answer, not an empty feed.
import { parseFeed } from '@rowanmanning/feed-parser';
import type { FeedItem } from '../../domain/news/index.ts';
import { callOutside, checkedFetch, classifyHttpError, type CallPolicy, type Verdict } from '../outside-call.ts';
import { outletOfFeedTitle } from './feeds.ts';
import type { CallOverrides, ProviderLog } from './port.ts';

const DEFAULT_POLICY: CallPolicy = { timeoutMs: 10_000, retries: 2 };
/** Some publishers refuse requests without a browser-like Accept or a User-Agent. */
const ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';

export interface RssReaderOptions {
  fetch?: typeof fetch;
  policy?: CallPolicy;
  log?: ProviderLog;
  userAgent?: string;
}

export interface FeedRequest {
  url: string;
  /** Symbols every item of the feed is about (a per-symbol feed's symbol). */
  symbols?: readonly string[];
  /** The outlet to name for the items (default: the one the feed's title names). */
  source?: string;
}

export interface RssReader {
  readonly name: 'rss';
  read(feed: FeedRequest, options?: CallOverrides): Promise<FeedItem[]>;
}

/** A 200 whose body is no RSS or Atom document. */
class NotAFeed extends Error {}

function classify(error: unknown): Verdict<FeedItem[]> {
  if (error instanceof NotAFeed) return { fail: 'bad_response', retry: false, detail: `not a feed: ${error.message}` };
  return classifyHttpError(error);
}

function itemsOf(xml: string, feed: FeedRequest): FeedItem[] {
  let parsed;
  try {
    parsed = parseFeed(xml);
  } catch (error) {
    throw new NotAFeed((error as Error).message, { cause: error });
  }
  const source = feed.source ?? outletOfFeedTitle(parsed.title);
  return parsed.items.map((item) => ({
    title: item.title,
    // Atom's summary and RSS's description; the full content only when there is no teaser.
    description: item.description ?? item.content,
    url: item.url,
    source,
    publishedAt: item.published ?? item.updated,
    urlToImage: item.image?.url ?? item.mediaImages[0]?.url ?? null,
    symbols: feed.symbols ?? [],
  }));
}

export function createRssReader(options: RssReaderOptions = {}): RssReader {
  const fetchImpl = options.fetch ?? fetch;
  const headers = { accept: ACCEPT, 'user-agent': options.userAgent ?? 'Mozilla/5.0 (compatible; StockMind news reader)' };
  return {
    name: 'rss',
    read(feed, overrides = {}) {
      return callOutside({
        provider: 'rss', op: 'feed', target: hostOf(feed.url),
        attempt: async (signal) => {
          const response = await checkedFetch(feed.url, { headers, signal }, fetchImpl);
          return itemsOf(await response.text(), feed);
        },
        classify,
      }, { policy: overrides.policy ?? options.policy ?? DEFAULT_POLICY, log: options.log, signal: overrides.signal });
    },
  };
}

/** For log lines: the feed's host, path and the start of its query (where a per-symbol feed names the symbol). */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}${parsed.search ? `?${parsed.search.slice(1, 40)}` : ''}`;
  } catch {
    return url.slice(0, 80);
  }
}
