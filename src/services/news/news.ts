// News use cases: the scheduled fetch_and_analyze_news (the top symbols' feeds and NewsAPI, stored
// once per story, linked to every symbol it mentions, each new article analysed once, then each
// symbol's sentiment aggregated and published), and a symbol's news and sentiment for the routes,
// fetched on demand when the stored news is older than the schedule's period.
import type { Cache } from '../../adapters/cache.ts';
import type { NewsRepository, StoredSentiment, SymbolArticle } from '../../db/repositories/news.ts';
import {
  articleFromFeedItem, compileSymbolLinker, groupDuplicates, SYNDICATION_WINDOW_MS,
  type DedupeCandidate, type FeedItem, type ListedCompany, type NewsArticle, type SymbolLinker,
} from '../../domain/news/index.ts';
import type { SentimentLabel } from '../../domain/sentiment/index.ts';
import { DAY_MS, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { StockCatalog } from '../market/catalog.ts';
import { ON_DEMAND_WAIT_MS } from '../market/gateway.ts';
import { describeAggregate, marketLabelOf, type DailySentiment, type MarketLabel, type SentimentAggregate, type SentimentAggregates } from '../sentiment/aggregate.ts';
import { offlineSentiment, type ArticleText, type SentimentAnalyser } from '../sentiment/analyser.ts';
import type { Company, NewsSources, SourceFailure } from './sources.ts';

/** The schedule's period: stored news younger than this is not fetched again for a reader. */
export const FRESH_SECONDS = 30 * 60;
/** After every source failed, a reader's request tries again this much later, not at once. */
const RETRY_FAILED_SECONDS = 5 * 60;
/** Items older than this are history, not news: not stored, not analysed. */
export const MAX_ARTICLE_AGE_MS = 30 * DAY_MS;
/** Articles a run stored but did not analyse (it stopped in between), picked up by the next run. */
const LEFTOVERS_PER_RUN = 200;

const freshKey = (symbol: string) => `news:fresh:${symbol}`;
/** Until when a symbol's stored news counts as fresh, by the service's clock (the cache's TTL only cleans up). */
interface FreshMarker {
  until: number;
}

interface Candidate extends DedupeCandidate {
  article: NewsArticle;
  publishedAt: Date;
  symbols: string[];
  /** Set on stored articles taking part in copy detection. */
  storedId?: string;
}

export interface IngestSummary {
  items: number;
  /** Items with no usable title or link, or older than MAX_ARTICLE_AGE_MS. */
  unusable: number;
  /** Items about none of the known companies. */
  unlinked: number;
  /** Items that were copies of another item or of a stored article. */
  duplicates: number;
  /** Articles stored by this call, to analyse. */
  newArticles: ({ id: string } & ArticleText)[];
  /** Every symbol that got an article (new, or a stored one newly linked). */
  touched: Set<string>;
}

export interface NewsRunSummary extends Record<string, unknown> {
  symbols: number;
  requests: number;
  failedRequests: number;
  skippedRequests: number;
  items: number;
  newArticles: number;
  duplicates: number;
  analysed: number;
  /** Of those, analysed by the LLM (the rest by the offline model). */
  byLlm: number;
  published: number;
}

export interface ArticleSentimentView {
  score: number;
  label: MarketLabel;
  sentiment: SentimentLabel;
  explanation: string;
  confidence: number | null;
  /** "name@version" of the analyser. */
  analyser: string;
}

export interface NewsArticleView {
  title: string;
  description: string;
  url: string;
  source: string | null;
  publishedAt: string;
  urlToImage: string | null;
  symbols: string[];
  sentiment: ArticleSentimentView;
}

export interface OverallSentiment {
  label: MarketLabel;
  score: number;
  bullish: number;
  neutral: number;
  bearish: number;
  totalArticles: number;
  windowDays: number;
}

export type RefreshState = 'fresh' | 'fetched' | 'failed' | 'no_sources';

export interface SymbolNews {
  symbol: string;
  news: NewsArticleView[];
  overallSentiment: OverallSentiment;
  /** Whether the sources were asked now: fresh (recently), fetched, failed, or no_sources configured. */
  refresh: RefreshState;
  message: string;
}

export interface SymbolSentiment extends SentimentAggregate {
  analysis: string;
  daily: DailySentiment[];
  refresh: RefreshState;
  message: string;
}

interface Refresh {
  state: RefreshState;
  failures: SourceFailure[];
}

function articleSentimentView(article: SymbolArticle): ArticleSentimentView {
  const stored: StoredSentiment = article.sentiment ?? offlineSentiment(article);
  return {
    score: stored.score, label: marketLabelOf(stored.label), sentiment: stored.label, explanation: stored.analysis ?? '',
    confidence: stored.confidence, analyser: `${stored.analyser}@${stored.analyserVersion}`,
  };
}

export class NewsService {
  /** The universe compiled once; companies outside it get a small linker of their own per call. */
  private readonly universeLinker: SymbolLinker;
  private readonly universeNames: Map<string, string>;

  constructor(
    private readonly repo: NewsRepository,
    private readonly catalog: StockCatalog,
    private readonly sources: NewsSources,
    private readonly analyser: SentimentAnalyser,
    private readonly aggregates: SentimentAggregates,
    private readonly cache: Cache,
    private readonly clock: Clock,
    universe: readonly ListedCompany[],
  ) {
    this.universeLinker = compileSymbolLinker(universe);
    this.universeNames = new Map(universe.map((company) => [company.symbol, company.name]));
  }

  /** fetch_and_analyze_news: the largest `limit` active symbols' news, stored, analysed, aggregated and published. */
  async fetchAndAnalyze(limit: number, log: Log): Promise<NewsRunSummary> {
    const symbols = await this.catalog.active(limit);
    const companies = await this.companies(symbols);
    const gathered = await this.sources.gather(companies, log, { generalFeeds: true });
    const ingest = await this.ingest(gathered.items, companies, log);
    await Promise.all([...gathered.fetchedSymbols].map((symbol) => this.markFresh(symbol, FRESH_SECONDS)));
    // The new articles, and any an earlier run stored without analysing.
    const pending = await this.repo.unanalysed(ingest.newArticles.length + LEFTOVERS_PER_RUN);
    const analysed = await this.analyseAndStore(pending, log, false);
    const publishTo = new Set([...symbols, ...ingest.touched]);
    for (const symbol of publishTo) await this.aggregates.publish(symbol);
    return {
      symbols: symbols.length, requests: gathered.requests, failedRequests: gathered.failures.length, skippedRequests: gathered.skipped,
      items: ingest.items, newArticles: ingest.newArticles.length, duplicates: ingest.duplicates,
      analysed: analysed.stored, byLlm: analysed.byLlm, published: publishTo.size,
    };
  }

  /** A symbol's news, newest first, each article with its sentiment, and the 7-day verdict. */
  async symbolNews(raw: string, options: { companyName?: string; limit: number }, log: Log): Promise<SymbolNews> {
    const stock = await this.catalog.resolve(raw, { waitMs: ON_DEMAND_WAIT_MS });
    const refresh = await this.refresh({ symbol: stock.symbol, name: stock.name, aliases: options.companyName ? [options.companyName] : [] }, log);
    const [articles, aggregate] = await Promise.all([this.repo.forSymbol(stock.symbol, options.limit), this.aggregates.aggregate(stock.symbol)]);
    const { label, score, bullish, neutral, bearish, totalArticles, windowDays } = aggregate;
    return {
      symbol: stock.symbol,
      news: articles.map((article) => ({
        title: article.title, description: article.description, url: article.url, source: article.source,
        publishedAt: article.publishedAt.toISOString(), urlToImage: article.urlToImage, symbols: article.symbols,
        sentiment: articleSentimentView(article),
      })),
      overallSentiment: { label, score, bullish, neutral, bearish, totalArticles, windowDays },
      refresh: refresh.state,
      message: this.message(stock.symbol, refresh, articles.length),
    };
  }

  /** A symbol's 7-day sentiment verdict with its daily series over `days` days. */
  async symbolSentiment(raw: string, options: { days: number }, log: Log): Promise<SymbolSentiment> {
    const stock = await this.catalog.resolve(raw, { waitMs: ON_DEMAND_WAIT_MS });
    const refresh = await this.refresh({ symbol: stock.symbol, name: stock.name }, log);
    const [aggregate, daily, stored] = await Promise.all([
      this.aggregates.aggregate(stock.symbol), this.aggregates.daily(stock.symbol, options.days), this.repo.countForSymbol(stock.symbol),
    ]);
    return { ...aggregate, analysis: describeAggregate(aggregate), daily, refresh: refresh.state, message: this.message(stock.symbol, refresh, stored) };
  }

  /**
   * Stores what the items say: one article per story (copies within the items and copies of
   * stored articles are folded into one), linked to every known symbol it is about.
   */
  async ingest(items: readonly FeedItem[], companies: readonly Company[], log: Log): Promise<IngestSummary> {
    const now = this.clock.now();
    const summary: IngestSummary = { items: items.length, unusable: 0, unlinked: 0, duplicates: 0, newArticles: [], touched: new Set() };
    const link = this.linkerFor(companies);
    const candidates: Candidate[] = [];
    for (const item of items) {
      const article = articleFromFeedItem(item, { now });
      const publishedAt = article?.publishedAt ?? now;
      if (article === null || now.getTime() - publishedAt.getTime() > MAX_ARTICLE_AGE_MS) {
        summary.unusable += 1;
        continue;
      }
      const symbols = [...new Set([...article.symbols.filter((symbol) => link.known.has(symbol)), ...link.symbols(`${article.title}\n${article.description}`)])].sort();
      if (symbols.length === 0) {
        summary.unlinked += 1;
        continue;
      }
      candidates.push({ url: article.url, title: article.title, source: article.source, publishedAt, symbols, article });
    }

    // Copies among the items: one story each, with every copy's symbols.
    const stories = groupDuplicates(candidates).map(({ kept, duplicates, symbols }) => ({ kept, members: [kept, ...duplicates], symbols }));
    summary.duplicates += candidates.length - stories.length;

    // Stories stored already, under one of their copies' URLs.
    const storedByUrl = new Map((await this.repo.byUrls(stories.flatMap((story) => story.members.map((m) => m.url)))).map((row) => [row.url, row]));
    const links: { articleId: string; symbol: string; publishedAt: Date }[] = [];
    const fresh: Candidate[] = [];
    for (const story of stories) {
      const stored = story.members.map((m) => storedByUrl.get(m.url)).find((row) => row !== undefined);
      if (stored) for (const symbol of story.symbols) links.push({ articleId: stored.id, symbol, publishedAt: stored.publishedAt });
      else fresh.push({ ...story.kept, symbols: story.symbols });
    }

    // Syndicated copies of stored articles: near-identical headlines published around the same time.
    const toStore: Candidate[] = [];
    if (fresh.length > 0) {
      const times = fresh.map((c) => c.publishedAt.getTime());
      const stored = await this.repo.headlinesBetween(new Date(Math.min(...times) - SYNDICATION_WINDOW_MS), new Date(Math.max(...times) + SYNDICATION_WINDOW_MS + 1));
      const storedCandidates: Candidate[] = stored.map((row) => ({
        url: row.url, title: row.title, source: row.source, publishedAt: row.publishedAt, symbols: [], storedId: row.id,
        article: { title: row.title, description: '', url: row.url, source: row.source, publishedAt: row.publishedAt, urlToImage: null, symbols: [] },
      }));
      for (const group of groupDuplicates([...storedCandidates, ...fresh])) {
        const members = [group.kept, ...group.duplicates];
        const original = members.find((m) => m.storedId !== undefined);
        const newcomers = members.filter((m) => m.storedId === undefined);
        if (newcomers.length === 0) continue;
        if (original?.storedId) {
          summary.duplicates += newcomers.length;
          for (const symbol of new Set(newcomers.flatMap((m) => m.symbols))) links.push({ articleId: original.storedId, symbol, publishedAt: original.publishedAt });
        } else {
          const kept = newcomers.includes(group.kept) ? group.kept : newcomers[0]!;
          summary.duplicates += newcomers.length - 1;
          toStore.push({ ...kept, symbols: [...new Set(newcomers.flatMap((m) => m.symbols))].sort() });
        }
      }
    }

    await this.repo.link(links);
    const ids = await this.repo.store(toStore.map(({ article, publishedAt, symbols }) => ({
      article: { title: article.title, description: article.description, url: article.url, source: article.source, urlToImage: article.urlToImage, publishedAt },
      symbols,
    })));
    for (const candidate of toStore) {
      const id = ids.get(candidate.url);
      // Another writer stored it a moment ago: its links were added, its analysis is that writer's.
      if (id === undefined) summary.duplicates += 1;
      else summary.newArticles.push({ id, title: candidate.article.title, description: candidate.article.description });
    }
    for (const { symbol } of links) summary.touched.add(symbol);
    for (const candidate of toStore) for (const symbol of candidate.symbols) summary.touched.add(symbol);
    log.debug({ ...summary, newArticles: summary.newArticles.length, touched: summary.touched.size }, 'news stored');
    return summary;
  }

  /** Analyses articles (the LLM first, the offline model for the rest) and stores one sentiment each. */
  private async analyseAndStore(articles: readonly ({ id: string } & ArticleText)[], log: Log, onDemand: boolean): Promise<{ stored: number; byLlm: number }> {
    if (articles.length === 0) return { stored: 0, byLlm: 0 };
    const { results, byLlm } = await this.analyser.analyse(articles, log, { onDemand });
    const stored = await this.repo.saveSentiments(results.map((result, i) => ({
      articleId: articles[i]!.id, label: result.label, score: result.score, confidence: result.confidence,
      analysis: result.analysis, analyser: result.analyser, analyserVersion: result.analyserVersion,
    })));
    return { stored, byLlm };
  }

  /** Reads the sources for one company unless that was done within FRESH_SECONDS, storing and analysing what is new. */
  private async refresh(company: Company, log: Log): Promise<Refresh> {
    if (!this.sources.configured) return { state: 'no_sources', failures: [] };
    if (!(await this.claimRefresh(company.symbol))) return { state: 'fresh', failures: [] };
    const gathered = await this.sources.gather([company], log, { onDemand: true });
    const ingest = await this.ingest(gathered.items, [company], log);
    await this.analyseAndStore(ingest.newArticles, log, true);
    if (ingest.newArticles.length > 0) for (const symbol of ingest.touched) await this.aggregates.publish(symbol);
    const answered = gathered.requests - gathered.failures.filter((f) => f.kind !== 'budget').length;
    if (answered <= 0) {
      await this.markFresh(company.symbol, RETRY_FAILED_SECONDS);
      return { state: 'failed', failures: gathered.failures };
    }
    return { state: 'fetched', failures: gathered.failures };
  }

  /** True when this caller should read the sources now (and others should not for a while). */
  private async claimRefresh(symbol: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const marker: FreshMarker = { until: now + FRESH_SECONDS * 1000 };
    if (await this.cache.add(freshKey(symbol), marker, FRESH_SECONDS)) return true;
    const current = await this.cache.get<FreshMarker>(freshKey(symbol));
    if (current !== null && current.until > now) return false;
    await this.cache.set(freshKey(symbol), marker, FRESH_SECONDS);
    return true;
  }

  private async markFresh(symbol: string, seconds: number): Promise<void> {
    await this.cache.set(freshKey(symbol), { until: this.clock.now().getTime() + seconds * 1000 } satisfies FreshMarker, seconds);
  }

  private message(symbol: string, refresh: Refresh, stored: number): string {
    const what = stored === 0 ? `nothing is stored for ${symbol} yet` : `showing the ${symbol} news stored so far`;
    if (refresh.state === 'no_sources') return `No news source is configured (set NEWS_API_KEY, or NEWS_FEEDS): ${what}.`;
    if (refresh.state === 'failed') return `The news sources (${this.sources.names.join(', ')}) are unavailable right now: ${what}.`;
    if (stored === 0) return `No news about ${symbol} from ${this.sources.names.join(' or ')} yet.`;
    return '';
  }

  /** Names of the companies (the universe's, else the stored stock's). */
  private async companies(symbols: readonly string[]): Promise<Company[]> {
    const companies: Company[] = [];
    for (const symbol of symbols) {
      const name = this.universeNames.get(symbol) ?? (await this.catalog.get(symbol))?.name ?? symbol;
      companies.push({ symbol, name });
    }
    return companies;
  }

  /** Which known symbols a text mentions: the universe's, and the given companies' by their stored names. */
  private linkerFor(companies: readonly Company[]): { known: Set<string>; symbols(text: string): string[] } {
    const outside = companies.filter((company) => !this.universeNames.has(company.symbol) && company.name !== company.symbol);
    const extra = outside.length > 0 ? compileSymbolLinker(outside.map(({ symbol, name }) => ({ symbol, name }))) : null;
    const known = new Set([...this.universeNames.keys(), ...companies.map((company) => company.symbol)]);
    return {
      known,
      symbols: (text) => {
        const found = this.universeLinker.link(text);
        return extra ? [...found, ...extra.link(text)] : found;
      },
    };
  }
}
