// The news and sentiment routes over HTTP on both scales: with no source at all (an empty,
// well-formed answer), with sources that are down, and with recorded-shape feeds, NewsAPI and
// Gemini served locally (articles with their sentiment, "Bullish"/"Neutral"/"Bearish" labels).
import { describe, expect, it } from 'vitest';
import { ANALYSER, classify } from '../../../src/domain/sentiment/index.ts';
import { API_KEY, GEMINI_KEY, useRecordedNews } from '../../providers/news/recorded-news.ts';
import { register } from '../../support/http.ts';
import { market, MARKET_NOW } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

const LABELS = ['Bullish', 'Neutral', 'Bearish'];
const recorded: Record<string, string> = {
  NEWS_FEEDS: '{server}/rss/headline?s={symbol}&region=US&lang=en-US', NEWS_API_KEY: API_KEY, NEWS_API_BASE_URL: '{server}/newsapi',
  GEMINI_API_KEY: GEMINI_KEY, GEMINI_BASE_URL: '{server}/gemini',
};
const server = useRecordedNews(undefined, recorded);

function expectEmptyNews(data: Record<string, unknown>, symbol: string): void {
  expect(data).toEqual({
    symbol, news: [], refresh: expect.any(String),
    overallSentiment: { label: 'Neutral', score: 0, bullish: 0, neutral: 0, bearish: 0, totalArticles: 0, windowDays: 7 },
  });
}

describe(`news and sentiment with no source configured (${SCALE})`, () => {
  const m = market({ now: MARKET_NOW, env: { NEWS_FEEDS: 'off' } });

  it('answers a symbol\'s news empty but well-formed, saying why', async () => {
    for (const path of ['/api/market/news/AAPL', '/api/market/news/aapl/', '/api/market/news?symbol=AAPL&companyName=Apple', '/api/market/news/?symbol=AAPL']) {
      const answer = await m.server.call('GET', path);
      expect(answer.status).toBe(200);
      expect(answer.body.success).toBe(true);
      expectEmptyNews(answer.body.data, 'AAPL');
      expect(answer.body.data.refresh).toBe('no_sources');
      expect(answer.body.message).toContain('NEWS_API_KEY');
    }
  });

  it('answers a new user with a token the same way', async () => {
    const { token } = await register(m.server.call);
    const answer = await m.server.call('GET', '/api/market/news?symbol=MSFT&companyName=Microsoft', { token });
    expect(answer.status).toBe(200);
    expectEmptyNews(answer.body.data, 'MSFT');
  });

  it('answers a symbol\'s sentiment as neutral at 50 with a daily series of empty days', async () => {
    const answer = await m.server.call('GET', '/api/market/sentiment/AAPL?days=7');
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    expect(data).toMatchObject({ symbol: 'AAPL', sentiment: 'neutral', sentimentScore: 50, label: 'Neutral', score: 0, totalArticles: 0, timestamp: MARKET_NOW.toISOString() });
    expect(data.analysis).toContain('No analysed news');
    expect(data.daily.map((d: { date: string }) => d.date)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
    expect(data.daily.every((d: { score: number | null; articles: number }) => d.score === null && d.articles === 0)).toBe(true);
    expect((await m.server.call('GET', '/api/market/sentiment/AAPL/')).body.data.daily).toHaveLength(30);
  });

  it('answers an unknown symbol with a 404 envelope and a missing or bad one with 400', async () => {
    const unknown = await m.server.call('GET', '/api/market/news/NOSUCH');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ success: false, status: 'error', code: 404 });
    expect((await m.server.call('GET', '/api/market/sentiment/NOSUCH')).status).toBe(404);
    const missing = await m.server.call('GET', '/api/market/news');
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toHaveProperty('symbol');
    expect((await m.server.call('GET', '/api/market/news/AAPL?limit=0')).status).toBe(400);
    expect((await m.server.call('GET', '/api/market/sentiment/AAPL?days=1000')).status).toBe(400);
    expect((await m.server.call('GET', '/api/market/news/$$$')).status).toBe(400);
  });
});

describe(`POST /api/market/sentiment/analyze (${SCALE})`, () => {
  const m = market({ now: MARKET_NOW, env: { NEWS_FEEDS: 'off' } });

  it('classifies up to 100 texts offline, in order, as `stockmind sentiment classify` does', async () => {
    const texts = ['Operating loss narrowed to EUR 2 mn .', 'The company issued a profit warning .', 'The AGM is in April .'];
    const answer = await m.server.call('POST', '/api/market/sentiment/analyze/', { body: { texts, extra: 'ignored' } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.results).toHaveLength(3);
    answer.body.data.results.forEach((result: { label: string; score: number; confidence: number; analyser: string }, i: number) => {
      const expected = classify(texts[i]!);
      expect(result.label).toBe(expected.label);
      expect(result.score).toBeCloseTo(expected.score, 4);
      expect(result.confidence).toBeCloseTo(expected.confidence, 4);
      expect(result.analyser).toBe(`${ANALYSER.name}@${ANALYSER.version}`);
    });
    const hundred = await m.server.call('POST', '/api/market/sentiment/analyze', { body: { texts: Array.from({ length: 100 }, (_, i) => `Net sales rose by ${i} % .`) } });
    expect(hundred.status).toBe(200);
    expect(hundred.body.data.results).toHaveLength(100);
  });

  it('refuses more than 100 texts, none, non-strings and bodies without texts with 400 envelopes', async () => {
    const bodies: Array<{ body?: unknown; raw?: string }> = [
      { body: { texts: Array.from({ length: 101 }, () => 'Sales rose .') } },
      { body: { texts: [] } },
      { body: { texts: ['Sales rose .', 42] } },
      { body: { texts: [null] } },
      { body: { texts: 'Sales rose .' } },
      { body: {} },
      { raw: '' },
      { raw: '{"texts": [' },
      { body: { texts: ['x'.repeat(10_001)] } },
    ];
    for (const request of bodies) {
      const answer = await m.server.call('POST', '/api/market/sentiment/analyze/', request);
      expect(answer.status, JSON.stringify(request).slice(0, 80)).toBe(400);
      expect(answer.body).toMatchObject({ data: null, success: false, status: 'error', code: 400 });
      expect(typeof answer.body.message).toBe('string');
    }
  });
});

describe(`news when every source is down (${SCALE})`, () => {
  // Port 9 (discard) refuses connections on the test machines: a source that is down.
  const m = market({ now: MARKET_NOW, env: { NEWS_FEEDS: 'http://127.0.0.1:9/rss?s={symbol}', NEWS_API_KEY: API_KEY, NEWS_API_BASE_URL: 'http://127.0.0.1:9' } });

  it('answers with what is stored and says the sources are unavailable, never a 500', async () => {
    const answer = await m.server.call('GET', '/api/market/news/AAPL');
    expect(answer.status).toBe(200);
    expectEmptyNews(answer.body.data, 'AAPL');
    expect(answer.body.data.refresh).toBe('failed');
    expect(answer.body.message).toMatch(/unavailable right now: nothing is stored for AAPL yet/);
    const sentiment = await m.server.call('GET', '/api/market/sentiment/AAPL');
    expect(sentiment.status).toBe(200);
    expect(sentiment.body.data.refresh).toBe('fresh');
  });
});

describe(`news from recorded sources, fetched on demand (${SCALE})`, () => {
  const m = market({ now: MARKET_NOW, env: recorded });

  it('answers a symbol\'s news newest first, each article with its sentiment, and a labelled overall sentiment', async () => {
    const answer = await m.server.call('GET', '/api/market/news?symbol=AAPL&companyName=Apple');
    expect(answer.status).toBe(200);
    const { news, overallSentiment, refresh } = answer.body.data;
    expect(refresh).toBe('fetched');
    // The Yahoo AAPL feed's four current stories and NewsAPI's buyback story; CNBC's copy folded away.
    expect(news.map((a: { title: string }) => a.title)).toEqual([
      'Microsoft and Apple lead tech rally as chip stocks rebound',
      'Apple raises dividend and expands share buyback',
      'Apple supplier deal lifts Broadcom shares',
      'Apple faces EU antitrust fine over App Store rules',
      'Apple beats estimates as iPhone sales climb',
    ]);
    for (const article of news) {
      expect(article).toEqual({
        title: expect.any(String), description: expect.any(String), url: expect.stringMatching(/^https:\/\//), source: expect.any(String),
        publishedAt: expect.stringMatching(/^2026-11-2\dT/), urlToImage: article.urlToImage === null ? null : expect.stringMatching(/^https:\/\//),
        symbols: expect.arrayContaining(['AAPL']),
        sentiment: { score: expect.any(Number), label: expect.any(String), sentiment: expect.any(String), explanation: expect.any(String), confidence: expect.any(Number), analyser: 'gemini@gemini-2.5-flash' },
      });
      expect(LABELS).toContain(article.sentiment.label);
    }
    expect(news.find((a: { source: string }) => a.source === 'Reuters')?.urlToImage).toContain('reuters.com');
    expect(news[0].source).toBe('Yahoo Finance');
    // The local model calls the EU fine negative and the other four stories positive.
    expect(overallSentiment).toEqual({ label: 'Bullish', score: 0.42, bullish: 4, neutral: 0, bearish: 1, totalArticles: 5, windowDays: 7 });
    expect(LABELS).toContain(overallSentiment.label);

    // Asked again within 30 minutes: answered from what is stored, the sources left alone.
    const feedRequests = server.requestsTo('/rss/headline').length;
    const again = await m.server.call('GET', '/api/market/news/AAPL?limit=2');
    expect(again.body.data.refresh).toBe('fresh');
    expect(again.body.data.news).toHaveLength(2);
    expect(server.requestsTo('/rss/headline')).toHaveLength(feedRequests);
  });

  it('answers a symbol\'s sentiment: the 7-day verdict on the client\'s 0–100 scale, and a daily series', async () => {
    const answer = await m.server.call('GET', '/api/market/sentiment/MSFT?days=3');
    expect(answer.status).toBe(200);
    const data = answer.body.data;
    // The MSFT feed: the tech rally (positive to the local model) and the job cuts (negative).
    expect(data).toMatchObject({ symbol: 'MSFT', bullish: 1, bearish: 1, totalArticles: 2, windowDays: 7, label: 'Neutral', sentiment: 'neutral', sentimentScore: 50 });
    expect(data.analysis).toContain('2 articles');
    expect(data.daily).toEqual([
      { date: '2026-11-22', score: null, label: null, bullish: 0, neutral: 0, bearish: 0, articles: 0 },
      { date: '2026-11-23', score: null, label: null, bullish: 0, neutral: 0, bearish: 0, articles: 0 },
      { date: '2026-11-24', score: 0, label: 'Neutral', bullish: 1, neutral: 0, bearish: 1, articles: 2 },
    ]);
  });

  it('reads the sources again once the stored news is older than 30 minutes', async () => {
    await m.server.call('GET', '/api/market/news/NVDA');
    const before = server.requestsTo('/rss/headline').filter((r) => r.query.get('s') === 'NVDA').length;
    m.clock.set(new Date(MARKET_NOW.getTime() + 31 * 60_000));
    try {
      const answer = await m.server.call('GET', '/api/market/news/NVDA');
      expect(answer.body.data.refresh).toBe('fetched');
      expect(server.requestsTo('/rss/headline').filter((r) => r.query.get('s') === 'NVDA')).toHaveLength(before + 1);
    } finally {
      m.clock.set(MARKET_NOW);
    }
  });
});
