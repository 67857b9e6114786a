// fetch_and_analyze_news on both scales, against recorded-shape feeds, NewsAPI and Gemini served
// locally: stories stored once, linked to every symbol, each analysed once, aggregates published.
import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Bus } from '../../src/adapters/bus.ts';
import { newsArticles, sentiments } from '../../src/db/schema/index.ts';
import { ANALYSER } from '../../src/domain/sentiment/index.ts';
import { jobHandlers } from '../../src/jobs/index.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { scheduledJob } from '../../src/jobs/schedule.ts';
import { leanOf, marketLabelOf } from '../../src/services/sentiment/aggregate.ts';
import { API_KEY, fixtureText, GEMINI_KEY, geminiTexts, json, useRecordedNews } from '../providers/news/recorded-news.ts';
import { market, MARKET_NOW, type Market } from '../support/market.ts';
import { SCALE } from '../support/scale.ts';

const JOB = scheduledJob('fetch_and_analyze_news')!;
const RSS = '{server}/rss/headline?s={symbol}&region=US&lang=en-US';

/** Every source of recorded-news.ts, for all 100 universe symbols (so the recorded AAPL and MSFT feeds are read). */
const env: Record<string, string> = {
  NEWS_FEEDS: `${RSS} {server}/atom/markets.xml`, NEWS_API_KEY: API_KEY, NEWS_API_BASE_URL: '{server}/newsapi', NEWS_SYMBOLS: '100',
};
const withGemini: Record<string, string> = { ...env, GEMINI_API_KEY: GEMINI_KEY, GEMINI_BASE_URL: '{server}/gemini' };
const server = useRecordedNews(undefined, env, withGemini);

async function run(m: Market) {
  const { app } = m.server;
  const handler = jobHandlers(app.services, app.infra.config)[JOB.name]!;
  return runJob(JOB, handler, { firedAt: m.clock.now(), log: app.infra.log });
}

/** The first message on a channel that `matches`, or a rejection after `ms`. */
function nextMessage(bus: Bus, channel: string, matches: (message: { type?: string; data?: Record<string, unknown> }) => boolean, ms = 10_000) {
  let stop: (() => Promise<void>) | undefined;
  const message = new Promise<{ type: string; data: Record<string, unknown> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing on ${channel} within ${ms} ms`)), ms);
    void bus.subscribe(channel, (raw) => {
      const candidate = raw as { type: string; data: Record<string, unknown> };
      if (!matches(candidate)) return;
      clearTimeout(timer);
      resolve(candidate);
    }).then((unsubscribe) => { stop = unsubscribe; });
  });
  return { message, ready: () => new Promise((r) => setTimeout(r, 50)), close: () => stop?.() ?? Promise.resolve() };
}

const newsOf = async (m: Market, symbol: string) => (await m.server.call('GET', `/api/market/news/${symbol}?limit=100`)).body.data;
const totals = async (m: Market) => {
  const { db } = m.server.app.infra.database;
  const [[articles], [analyses]] = await Promise.all([db.select({ n: count() }).from(newsArticles), db.select({ n: count() }).from(sentiments)]);
  return { articles: articles!.n, analyses: analyses!.n };
};

describe('the schedule', () => {
  it('runs fetch_and_analyze_news every 30 minutes on the sentiment queue', () => {
    expect(JOB).toMatchObject({ cron: '*/30 * * * *', queue: 'sentiment', gate: 'always' });
  });
});

describe(`fetch_and_analyze_news without Gemini (${SCALE})`, () => {
  const m = market({ now: MARKET_NOW, env });

  it('stores each story once, links it to every symbol, analyses it once offline, and publishes each symbol\'s sentiment', async () => {
    const { app } = m.server;
    const update = nextMessage(app.infra.bus, 'stock_AAPL', (message) => message.type === 'sentiment_update');
    await update.ready();
    const { outcome, summary } = await run(m);
    expect(outcome).toBe('ok');
    // 7 stories: the Yahoo AAPL and MSFT feeds' five, Nvidia from the Atom feed, Apple's buyback from NewsAPI.
    // Folded: the MSFT feed's copy of the tech rally (same URL), Reuters' copy of it, CNBC's copy of the earnings story.
    expect(summary).toMatchObject({ symbols: 100, newArticles: 7, duplicates: 3, analysed: 7, byLlm: 0, failedRequests: 0 });
    expect(summary.requests).toBeGreaterThanOrEqual(100 + 1 + 1);
    expect(await totals(m)).toEqual({ articles: 7, analyses: 7 });

    const apple = await newsOf(m, 'AAPL');
    expect(apple.news.map((a: { title: string }) => a.title)).toEqual([
      'Microsoft and Apple lead tech rally as chip stocks rebound',
      'Apple raises dividend and expands share buyback',
      'Apple supplier deal lifts Broadcom shares',
      'Apple faces EU antitrust fine over App Store rules',
      'Apple beats estimates as iPhone sales climb',
    ]);
    expect(apple.news.every((a: { sentiment: { analyser: string } }) => a.sentiment.analyser === `${ANALYSER.name}@${ANALYSER.version}`)).toBe(true);
    expect((await newsOf(m, 'MSFT')).news.map((a: { title: string }) => a.title)).toEqual(['Microsoft and Apple lead tech rally as chip stocks rebound', 'Microsoft cuts jobs as cloud growth slows']);
    expect((await newsOf(m, 'NVDA')).news).toHaveLength(1);
    expect((await newsOf(m, 'AVGO')).news[0].symbols).toEqual(['AAPL', 'AVGO']);

    const published = await update.message;
    await update.close();
    expect(published.data).toMatchObject({ symbol: 'AAPL', totalArticles: 5, windowDays: 7 });
    expect(published.data.label).toBe(marketLabelOf(leanOf(published.data.score as number)));

    // Run again: nothing is stored or analysed twice.
    const again = await run(m);
    expect(again.summary).toMatchObject({ newArticles: 0, analysed: 0 });
    expect(await totals(m)).toEqual({ articles: 7, analyses: 7 });
  });
});

describe(`fetch_and_analyze_news when some sources fail (${SCALE})`, () => {
  const m = market({ now: MARKET_NOW, env });

  it('keeps going, stores what the others gave, and says how many failed', async () => {
    server.override = (request) => (request.query.get('s') === 'AAPL' ? { status: 500, body: 'Internal Server Error' } : request.path.startsWith('/newsapi') ? json(401, fixtureText('news/newsapi-error-apiKeyInvalid.json')) : undefined);
    const { outcome, summary } = await run(m);
    expect(outcome).toBe('ok');
    expect(summary).toMatchObject({ symbols: 100, failedRequests: 2 });
    // The MSFT feed (the tech rally, the job cuts) and the Atom feed (Nvidia) still landed.
    expect(summary.newArticles).toBe(3);
    expect((await newsOf(m, 'MSFT')).news).toHaveLength(2);
  });
});

describe(`fetch_and_analyze_news with Gemini (${SCALE})`, () => {
  const m = market({ now: MARKET_NOW, env: withGemini });

  it('asks Gemini once per batch of new articles, however many symbols each article has', async () => {
    const { summary } = await run(m);
    expect(summary).toMatchObject({ newArticles: 7, analysed: 7, byLlm: 7 });
    const asked = server.requestsTo('/gemini/').flatMap(geminiTexts);
    expect(asked).toHaveLength(7);
    const apple = await newsOf(m, 'AAPL');
    expect(new Set(apple.news.map((a: { sentiment: { analyser: string } }) => a.sentiment.analyser))).toEqual(new Set(['gemini@gemini-2.5-flash']));
    // The local model calls the EU fine negative and the other four Apple stories positive.
    expect(apple.overallSentiment).toMatchObject({ label: 'Bullish', bullish: 4, neutral: 0, bearish: 1, totalArticles: 5 });
  });
});

describe(`fetch_and_analyze_news when Gemini fails (${SCALE})`, () => {
  const m = market({ now: MARKET_NOW, env: withGemini });

  it('analyses every article with the offline model and records so', async () => {
    server.override = (request) => (request.path.startsWith('/gemini/') ? json(500, fixtureText('gemini/error-500-internal.json')) : undefined);
    const { summary } = await run(m);
    expect(summary).toMatchObject({ newArticles: 7, analysed: 7, byLlm: 0 });
    const apple = await newsOf(m, 'AAPL');
    expect(apple.news.every((a: { sentiment: { analyser: string; confidence: number } }) => a.sentiment.analyser.startsWith(`${ANALYSER.name}@`) && a.sentiment.confidence > 0)).toBe(true);
  });
});
