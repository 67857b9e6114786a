// aggregate_sentiment(symbol): the last 7 days of a symbol's analysed news as one verdict (average
// score, bullish / neutral / bearish counts, overall label), its daily series, and the
// `sentiment_update` published on the symbol's bus channel.
import { roundTo } from '../../domain/market/quote.ts';
import type { Bus } from '../../adapters/bus.ts';
import type { DailyTally, NewsRepository, SentimentTally } from '../../db/repositories/news.ts';
import type { SentimentLabel } from '../../domain/sentiment/index.ts';
import { DAY_MS, isoDate, parseIsoDate, type Clock } from '../../domain/time.ts';
import { stockChannel } from '../market/quote-ingest.ts';

export const SENTIMENT_WINDOW_DAYS = 7;
/** An average score beyond ±this is a lean; within it, news is mixed or flat. */
export const LEAN_THRESHOLD = 0.1;

/** What the web client shows: "Bullish", "Bearish", "Neutral". */
export type MarketLabel = 'Bullish' | 'Neutral' | 'Bearish';

export function marketLabelOf(sentiment: SentimentLabel): MarketLabel {
  return sentiment === 'positive' ? 'Bullish' : sentiment === 'negative' ? 'Bearish' : 'Neutral';
}

export function leanOf(score: number): SentimentLabel {
  return score >= LEAN_THRESHOLD ? 'positive' : score <= -LEAN_THRESHOLD ? 'negative' : 'neutral';
}

export interface SentimentAggregate {
  symbol: string;
  /** The overall verdict, as the client shows it. */
  label: MarketLabel;
  /** The same as positive | neutral | negative. */
  sentiment: SentimentLabel;
  /** Average score of the window's articles, -1..1 (0 when there are none). */
  score: number;
  /** The score on the client's 0–100 scale (50 is neutral). */
  sentimentScore: number;
  bullish: number;
  neutral: number;
  bearish: number;
  totalArticles: number;
  windowDays: number;
  /** When the aggregate was computed. */
  timestamp: string;
}

export interface DailySentiment {
  /** UTC date. */
  date: string;
  /** Average score of the day's articles; null on a day without any. */
  score: number | null;
  label: MarketLabel | null;
  bullish: number;
  neutral: number;
  bearish: number;
  articles: number;
}

/** The verdict on a tally of articles. */
export function aggregateOf(symbol: string, tally: SentimentTally, at: Date, windowDays = SENTIMENT_WINDOW_DAYS): SentimentAggregate {
  const total = tally.positive + tally.neutral + tally.negative;
  const score = total === 0 ? 0 : roundTo(tally.scoreSum / total, 4);
  const sentiment = leanOf(score);
  return {
    symbol, label: marketLabelOf(sentiment), sentiment, score,
    sentimentScore: Math.round((score + 1) * 50),
    bullish: tally.positive, neutral: tally.neutral, bearish: tally.negative, totalArticles: total,
    windowDays, timestamp: at.toISOString(),
  };
}

/** Every UTC day from `days - 1` days before `today` to `today`, with the days that had no news empty. */
export function dailySeries(tallies: readonly DailyTally[], today: string, days: number): DailySentiment[] {
  const byDate = new Map(tallies.map((tally) => [tally.date, tally]));
  const end = parseIsoDate(today);
  return Array.from({ length: days }, (_, i) => {
    const date = isoDate(new Date(end - (days - 1 - i) * DAY_MS));
    const tally = byDate.get(date);
    const articles = tally === undefined ? 0 : tally.positive + tally.neutral + tally.negative;
    const score = tally === undefined || articles === 0 ? null : roundTo(tally.scoreSum / articles, 4);
    return {
      date, score, label: score === null ? null : marketLabelOf(leanOf(score)),
      bullish: tally?.positive ?? 0, neutral: tally?.neutral ?? 0, bearish: tally?.negative ?? 0, articles,
    };
  });
}

/** A sentence saying what the aggregate means. */
export function describeAggregate(aggregate: SentimentAggregate): string {
  if (aggregate.totalArticles === 0) return `No analysed news about ${aggregate.symbol} in the last ${aggregate.windowDays} days.`;
  const signed = `${aggregate.score >= 0 ? '+' : ''}${aggregate.score.toFixed(2)}`;
  const articles = `${aggregate.totalArticles} article${aggregate.totalArticles === 1 ? '' : 's'}`;
  return `${aggregate.label}: average score ${signed} over ${articles} in the last ${aggregate.windowDays} days (${aggregate.bullish} bullish, ${aggregate.neutral} neutral, ${aggregate.bearish} bearish).`;
}

export class SentimentAggregates {
  constructor(private readonly news: NewsRepository, private readonly bus: Bus, private readonly clock: Clock) {}

  /** aggregate_sentiment(symbol): the articles published in the last 7 days. */
  async aggregate(symbol: string): Promise<SentimentAggregate> {
    const now = this.clock.now();
    const from = new Date(now.getTime() - SENTIMENT_WINDOW_DAYS * DAY_MS);
    // A minute of slack: an article dated "now" by a feed running slightly ahead still counts.
    return aggregateOf(symbol, await this.news.tally(symbol, from, new Date(now.getTime() + 60_000)), now);
  }

  /** The symbol's daily series over the last `days` UTC days, today included. */
  async daily(symbol: string, days: number): Promise<DailySentiment[]> {
    const now = this.clock.now();
    const today = isoDate(now);
    const midnight = parseIsoDate(today);
    return dailySeries(await this.news.dailyTally(symbol, new Date(midnight - (days - 1) * DAY_MS), new Date(midnight + DAY_MS)), today, days);
  }

  /** Aggregates and publishes `{type: 'sentiment_update', data}` on the symbol's channel. */
  async publish(symbol: string): Promise<SentimentAggregate> {
    const aggregate = await this.aggregate(symbol);
    await this.bus.publish(stockChannel(symbol), { type: 'sentiment_update', data: aggregate });
    return aggregate;
  }
}
