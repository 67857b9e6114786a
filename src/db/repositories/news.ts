// The news store: one row per article (unique canonical URL), its symbol links, and its one
// sentiment. Every write is an insert that ignores what is already there, so a feed read twice,
// or by two workers at once, stores each article, link and analysis once.
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { SentimentLabel } from '../../domain/sentiment/labels.ts';
import type { Db } from '../client.ts';
import { newsArticles, newsArticleSymbols, sentiments } from '../schema/index.ts';

export interface NewArticle {
  title: string;
  description: string;
  url: string;
  source: string | null;
  urlToImage: string | null;
  publishedAt: Date;
}

/** What syndicated-copy detection needs of a stored article. */
export interface StoredHeadline {
  id: string;
  url: string;
  title: string;
  source: string | null;
  publishedAt: Date;
}

export interface ArticleLink {
  articleId: string;
  symbol: string;
  publishedAt: Date;
}

export interface StoredSentiment {
  label: SentimentLabel;
  score: number;
  confidence: number | null;
  analysis: string | null;
  analyser: string;
  analyserVersion: string;
}

export interface NewSentiment extends StoredSentiment {
  articleId: string;
}

export interface SymbolArticle extends NewArticle {
  id: string;
  /** Every symbol the article is linked to, sorted. */
  symbols: string[];
  /** Null only for an article stored by a run that stopped before analysing it. */
  sentiment: StoredSentiment | null;
}

/** Analysed articles of a symbol over a span, by label. */
export interface SentimentTally {
  positive: number;
  neutral: number;
  negative: number;
  /** Sum of the scores, for the average. */
  scoreSum: number;
}

export interface DailyTally extends SentimentTally {
  /** UTC date, YYYY-MM-DD. */
  date: string;
}

const emptyTally = (): SentimentTally => ({ positive: 0, neutral: 0, negative: 0, scoreSum: 0 });

function addTo(tally: SentimentTally, label: string, n: number, sum: string | null): void {
  if (label === 'positive' || label === 'neutral' || label === 'negative') tally[label] += n;
  tally.scoreSum += Number(sum ?? 0);
}

export class NewsRepository {
  constructor(private readonly db: Db) {}

  /** The stored articles among these canonical URLs. */
  async byUrls(urls: readonly string[]): Promise<{ id: string; url: string; publishedAt: Date }[]> {
    if (urls.length === 0) return [];
    return this.db.select({ id: newsArticles.id, url: newsArticles.url, publishedAt: newsArticles.publishedAt })
      .from(newsArticles).where(inArray(newsArticles.url, [...urls]));
  }

  /** Articles published in [from, to), for finding copies of new ones. */
  async headlinesBetween(from: Date, to: Date, limit = 20_000): Promise<StoredHeadline[]> {
    return this.db.select({ id: newsArticles.id, url: newsArticles.url, title: newsArticles.title, source: newsArticles.source, publishedAt: newsArticles.publishedAt })
      .from(newsArticles)
      .where(and(gte(newsArticles.publishedAt, from), lt(newsArticles.publishedAt, to)))
      .orderBy(asc(newsArticles.publishedAt)).limit(limit);
  }

  /**
   * Stores new articles with their links in one transaction. Answers the ids of the articles this
   * call inserted, by URL; an article another writer stored first gets its links, not a new row.
   */
  async store(articles: readonly { article: NewArticle; symbols: readonly string[] }[]): Promise<Map<string, string>> {
    if (articles.length === 0) return new Map();
    return this.db.transaction(async (tx) => {
      const inserted = await tx.insert(newsArticles)
        .values(articles.map(({ article }) => ({ ...article, description: article.description === '' ? null : article.description })))
        .onConflictDoNothing({ target: newsArticles.url })
        .returning({ id: newsArticles.id, url: newsArticles.url });
      const ids = new Map(inserted.map((row) => [row.url, row.id]));
      const missing = articles.filter(({ article }) => !ids.has(article.url)).map(({ article }) => article.url);
      const existing = new Map<string, { id: string; publishedAt: Date }>();
      if (missing.length > 0) {
        const rows = await tx.select({ id: newsArticles.id, url: newsArticles.url, publishedAt: newsArticles.publishedAt })
          .from(newsArticles).where(inArray(newsArticles.url, missing));
        for (const row of rows) existing.set(row.url, row);
      }
      const links: ArticleLink[] = [];
      for (const { article, symbols } of articles) {
        const id = ids.get(article.url);
        const stored = existing.get(article.url);
        const articleId = id ?? stored?.id;
        if (articleId === undefined) continue;
        for (const symbol of symbols) links.push({ articleId, symbol, publishedAt: stored?.publishedAt ?? article.publishedAt });
      }
      await NewsRepository.insertLinks(tx, links);
      return ids;
    });
  }

  /** Links stored articles to more symbols (links already there stay as they are). */
  async link(links: readonly ArticleLink[]): Promise<void> {
    await NewsRepository.insertLinks(this.db, links);
  }

  private static async insertLinks(db: Db, links: readonly ArticleLink[]): Promise<void> {
    if (links.length === 0) return;
    await db.insert(newsArticleSymbols).values([...links]).onConflictDoNothing();
  }

  /** Stores analyses; an article analysed already keeps its first one. Answers how many were stored. */
  async saveSentiments(rows: readonly NewSentiment[]): Promise<number> {
    if (rows.length === 0) return 0;
    const stored = await this.db.insert(sentiments).values(rows.map((row) => ({
      articleId: row.articleId,
      aiSentiment: row.label,
      aiScore: row.score.toFixed(4),
      confidence: row.confidence === null ? null : row.confidence.toFixed(4),
      analysis: row.analysis,
      analyser: row.analyser,
      analyserVersion: row.analyserVersion,
    }))).onConflictDoNothing({ target: sentiments.articleId }).returning({ id: sentiments.id });
    return stored.length;
  }

  /** Articles with no analysis yet (a run stopped between storing and analysing), oldest first. */
  async unanalysed(limit: number): Promise<{ id: string; title: string; description: string }[]> {
    const rows = await this.db.select({ id: newsArticles.id, title: newsArticles.title, description: newsArticles.description })
      .from(newsArticles).leftJoin(sentiments, eq(sentiments.articleId, newsArticles.id))
      .where(isNull(sentiments.id)).orderBy(asc(newsArticles.createdAt)).limit(limit);
    return rows.map((row) => ({ ...row, description: row.description ?? '' }));
  }

  /** The symbols linked to these articles. */
  async symbolsOf(articleIds: readonly string[]): Promise<Map<string, string[]>> {
    const bySymbol = new Map<string, string[]>();
    if (articleIds.length === 0) return bySymbol;
    const rows = await this.db.select({ articleId: newsArticleSymbols.articleId, symbol: newsArticleSymbols.symbol })
      .from(newsArticleSymbols).where(inArray(newsArticleSymbols.articleId, [...articleIds]))
      .orderBy(asc(newsArticleSymbols.symbol));
    for (const row of rows) bySymbol.set(row.articleId, [...(bySymbol.get(row.articleId) ?? []), row.symbol]);
    return bySymbol;
  }

  /** A symbol's articles, newest first, each with its sentiment and all its symbols. */
  async forSymbol(symbol: string, limit: number): Promise<SymbolArticle[]> {
    const rows = await this.db.select({
      id: newsArticles.id, title: newsArticles.title, description: newsArticles.description, url: newsArticles.url,
      source: newsArticles.source, urlToImage: newsArticles.urlToImage, publishedAt: newsArticleSymbols.publishedAt,
      label: sentiments.aiSentiment, score: sentiments.aiScore, confidence: sentiments.confidence, analysis: sentiments.analysis,
      analyser: sentiments.analyser, analyserVersion: sentiments.analyserVersion,
    }).from(newsArticleSymbols)
      .innerJoin(newsArticles, eq(newsArticles.id, newsArticleSymbols.articleId))
      .leftJoin(sentiments, eq(sentiments.articleId, newsArticleSymbols.articleId))
      .where(eq(newsArticleSymbols.symbol, symbol))
      .orderBy(desc(newsArticleSymbols.publishedAt), asc(newsArticles.id))
      .limit(limit);
    const symbols = await this.symbolsOf(rows.map((row) => row.id));
    return rows.map((row) => ({
      id: row.id, title: row.title, description: row.description ?? '', url: row.url, source: row.source,
      urlToImage: row.urlToImage, publishedAt: row.publishedAt, symbols: symbols.get(row.id) ?? [symbol],
      sentiment: row.label === null || row.score === null || row.analyser === null || row.analyserVersion === null ? null : {
        label: row.label as SentimentLabel, score: Number(row.score), confidence: row.confidence === null ? null : Number(row.confidence),
        analysis: row.analysis, analyser: row.analyser, analyserVersion: row.analyserVersion,
      },
    }));
  }

  /** How many articles a symbol has stored. */
  async countForSymbol(symbol: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(newsArticleSymbols).where(eq(newsArticleSymbols.symbol, symbol));
    return row?.n ?? 0;
  }

  /** The analysed articles of a symbol published in [from, to), by label. */
  async tally(symbol: string, from: Date, to: Date): Promise<SentimentTally> {
    const rows = await this.db.select({ label: sentiments.aiSentiment, n: count(), sum: sql<string | null>`sum(${sentiments.aiScore})` })
      .from(newsArticleSymbols).innerJoin(sentiments, eq(sentiments.articleId, newsArticleSymbols.articleId))
      .where(and(eq(newsArticleSymbols.symbol, symbol), gte(newsArticleSymbols.publishedAt, from), lt(newsArticleSymbols.publishedAt, to)))
      .groupBy(sentiments.aiSentiment);
    const tally = emptyTally();
    for (const row of rows) addTo(tally, row.label, row.n, row.sum);
    return tally;
  }

  /** The same per UTC day, for the days that have any (oldest first). */
  async dailyTally(symbol: string, from: Date, to: Date): Promise<DailyTally[]> {
    const day = sql<string>`to_char(${newsArticleSymbols.publishedAt} at time zone 'UTC', 'YYYY-MM-DD')`;
    const rows = await this.db.select({ date: day, label: sentiments.aiSentiment, n: count(), sum: sql<string | null>`sum(${sentiments.aiScore})` })
      .from(newsArticleSymbols).innerJoin(sentiments, eq(sentiments.articleId, newsArticleSymbols.articleId))
      .where(and(eq(newsArticleSymbols.symbol, symbol), gte(newsArticleSymbols.publishedAt, from), lt(newsArticleSymbols.publishedAt, to)))
      .groupBy(day, sentiments.aiSentiment)
      .orderBy(day);
    const byDay = new Map<string, DailyTally>();
    for (const row of rows) {
      let tally = byDay.get(row.date);
      if (tally === undefined) byDay.set(row.date, tally = { date: row.date, ...emptyTally() });
      addTo(tally, row.label, row.n, row.sum);
    }
    return [...byDay.values()];
  }
}
