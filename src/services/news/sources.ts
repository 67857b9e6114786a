// Where headlines come from: the configured RSS/Atom feeds (per-symbol ones read for each company)
// and NewsAPI (company names OR-ed into as few queries as fit, within a daily request budget).
// A failing source never stops the others; a feed host that keeps failing is left alone for the
// rest of the run instead of being asked for every remaining symbol.
import type { Cache } from '../../adapters/cache.ts';
import { companyNameAliases, type FeedItem } from '../../domain/news/index.ts';
import { DAY_MS, isoDate, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import { feedUrl, isPerSymbolFeed } from '../../providers/news/feeds.ts';
import { newsApiQueries, type NewsApiClient } from '../../providers/news/newsapi.ts';
import type { RssReader } from '../../providers/news/rss.ts';
import { ProviderError, type CallPolicy } from '../../providers/outside-call.ts';

/** A person is waiting: one attempt, and not long. */
export const ON_DEMAND_POLICY: CallPolicy = { timeoutMs: 5_000, retries: 0 };
/** Feed requests in flight at once. */
const CONCURRENCY = 4;
/** Final failures in a row after which a feed host is skipped for the rest of the run. */
const HOST_FAILURES_TO_SKIP = 3;
/** How far back NewsAPI is asked. */
const NEWSAPI_LOOKBACK_MS = 7 * DAY_MS;

export interface Company {
  symbol: string;
  name: string;
  /** Other names to search for (the web client sends its own companyName). */
  aliases?: readonly string[];
}

export interface SourceFailure {
  source: string;
  target: string;
  kind: string;
  message: string;
}

export interface Gathered {
  items: FeedItem[];
  /** Requests made. */
  requests: number;
  failures: SourceFailure[];
  /** Requests not made: a failing host, or NewsAPI's daily budget spent. */
  skipped: number;
  /** Symbols whose per-symbol feeds were all read. */
  fetchedSymbols: Set<string>;
}

export interface GatherOptions {
  /** A person is waiting: tighter timeouts, no retries. */
  onDemand?: boolean;
  /** Also read the feeds that are not per symbol (the job does; a route does not). */
  generalFeeds?: boolean;
}

export interface NewsSourceSettings {
  feeds: readonly string[];
  /** NewsAPI requests allowed per UTC day across every process. */
  newsApiDailyRequests: number;
}

interface Task {
  source: string;
  host: string;
  target: string;
  symbol?: string;
  run(): Promise<FeedItem[]>;
}

/** Runs tasks `limit` at a time, in order of start. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export class NewsSources {
  constructor(
    private readonly rss: RssReader | null,
    private readonly newsApi: NewsApiClient | null,
    private readonly counters: Cache,
    private readonly clock: Clock,
    private readonly settings: NewsSourceSettings,
  ) {}

  /** Whether any source is configured at all (no key and NEWS_FEEDS=off: none). */
  get configured(): boolean {
    return this.newsApi !== null || (this.rss !== null && this.settings.feeds.length > 0);
  }

  /** The names of the configured sources, for messages. */
  get names(): string[] {
    return [...(this.rss && this.settings.feeds.length > 0 ? ['RSS'] : []), ...(this.newsApi ? ['NewsAPI'] : [])];
  }

  /** Every item the sources have about the companies (and, for the job, the general feeds' items). */
  async gather(companies: readonly Company[], log: Log, options: GatherOptions = {}): Promise<Gathered> {
    const gathered: Gathered = { items: [], requests: 0, failures: [], skipped: 0, fetchedSymbols: new Set() };
    const overrides = options.onDemand ? { policy: ON_DEMAND_POLICY } : {};
    const tasks: Task[] = [];
    const rss = this.rss;
    if (rss) {
      for (const feed of this.settings.feeds) {
        if (!isPerSymbolFeed(feed)) {
          if (options.generalFeeds) tasks.push({ source: 'rss', host: hostOf(feed), target: feed, run: () => rss.read({ url: feed }, overrides) });
          continue;
        }
        for (const company of companies) {
          const url = feedUrl(feed, company.symbol);
          tasks.push({ source: 'rss', host: hostOf(feed), target: url, symbol: company.symbol, run: () => rss.read({ url, symbols: [company.symbol] }, overrides) });
        }
      }
    }

    const failedSymbols = new Set<string>();
    const failuresInARow = new Map<string, number>();
    await pool(tasks, CONCURRENCY, async (task) => {
      if ((failuresInARow.get(task.host) ?? 0) >= HOST_FAILURES_TO_SKIP) {
        gathered.skipped += 1;
        if (task.symbol) failedSymbols.add(task.symbol);
        return;
      }
      gathered.requests += 1;
      try {
        gathered.items.push(...await task.run());
        failuresInARow.set(task.host, 0);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        if (task.symbol) failedSymbols.add(task.symbol);
        gathered.failures.push({ source: task.source, target: task.target, kind: error.failure, message: error.message });
        const inARow = (failuresInARow.get(task.host) ?? 0) + 1;
        failuresInARow.set(task.host, inARow);
        if (inARow === HOST_FAILURES_TO_SKIP) log.warn({ host: task.host }, `news feeds at ${task.host} failed ${inARow} times in a row: skipped for the rest of this run`);
      }
    });
    if (rss && this.settings.feeds.some(isPerSymbolFeed)) {
      for (const company of companies) if (!failedSymbols.has(company.symbol)) gathered.fetchedSymbols.add(company.symbol);
    }

    if (this.newsApi) await this.askNewsApi(this.newsApi, companies, gathered, log, overrides);
    return gathered;
  }

  private async askNewsApi(client: NewsApiClient, companies: readonly Company[], gathered: Gathered, log: Log, overrides: { policy?: CallPolicy }): Promise<void> {
    const terms = companies.flatMap((company) => [companyNameAliases(company.name).at(-1) ?? company.name, ...(company.aliases ?? [])]);
    const queries = newsApiQueries(terms);
    const now = this.clock.now();
    for (const [i, q] of queries.entries()) {
      // One shared count per UTC day, so every worker together stays within the plan.
      const used = await this.counters.increment(`newsapi:requests:${isoDate(now)}`, 2 * 86_400);
      if (used > this.settings.newsApiDailyRequests) {
        gathered.skipped += queries.length - i;
        gathered.failures.push({ source: 'newsapi', target: 'everything', kind: 'budget', message: `NewsAPI's daily budget of ${this.settings.newsApiDailyRequests} requests is spent` });
        log.warn({ budget: this.settings.newsApiDailyRequests }, 'NewsAPI daily request budget spent: skipped until 00:00 UTC');
        return;
      }
      gathered.requests += 1;
      try {
        gathered.items.push(...await client.everything({ q, from: new Date(now.getTime() - NEWSAPI_LOOKBACK_MS) }, overrides));
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        gathered.failures.push({ source: 'newsapi', target: 'everything', kind: error.failure, message: error.message });
        // A bad key or a rate limit will not be better for the next query of this run.
        if (error.failure !== 'timeout' && error.failure !== 'bad_response') {
          gathered.skipped += queries.length - i - 1;
          return;
        }
      }
    }
  }
}
