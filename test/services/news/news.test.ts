// NewsService.ingest on a real database (both scales): one article per story, however many feeds,
// tracking parameters, syndicated copies and runs bring it, linked to every known symbol it is about.
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../../src/domain/news/index.ts';
import type { Company } from '../../../src/services/news/sources.ts';
import { market } from '../../support/market.ts';
import { SCALE } from '../../support/scale.ts';

const NOW = new Date('2026-11-24T15:00:00Z');

const AAPL: Company = { symbol: 'AAPL', name: 'Apple Inc.' };
const MSFT: Company = { symbol: 'MSFT', name: 'Microsoft' };
const at = (iso: string) => new Date(iso);

function item(fields: Partial<FeedItem> & { title: string; url: string }): FeedItem {
  return { description: '', source: 'Yahoo Finance', publishedAt: at('2026-11-24T12:00:00Z'), symbols: [], ...fields };
}

describe(`news ingest: dedupe and symbol links (${SCALE})`, () => {
  const m = market({ now: NOW, env: { NEWS_FEEDS: 'off' } });
  const clock = m.clock;
  const ingest = (items: FeedItem[], companies: Company[] = [AAPL, MSFT]) => m.server.app.services.news.ingest(items, companies, m.server.app.infra.log);
  const stored = async (symbol: string, titleStart: string) =>
    (await m.server.app.repositories.news.forSymbol(symbol, 500)).filter((article) => article.title.startsWith(titleStart));

  it('stores a story that two symbols\' feeds carry (with different tracking parameters) once, linked to both', async () => {
    const summary = await ingest([
      item({ title: 'Dedupe one: Microsoft and Apple lead a tech rally', url: 'https://finance.yahoo.com/news/dedupe-one-123.html?.tsrc=rss', symbols: ['AAPL'] }),
      item({ title: 'Dedupe one: Microsoft and Apple lead a tech rally', url: 'https://finance.yahoo.com/news/dedupe-one-123.html?.tsrc=rss&guccounter=1&utm_source=x', symbols: ['MSFT'] }),
    ]);
    expect(summary.newArticles).toHaveLength(1);
    expect(summary.duplicates).toBe(1);
    const [apple] = await stored('AAPL', 'Dedupe one');
    const [microsoft] = await stored('MSFT', 'Dedupe one');
    expect(apple?.url).toBe('https://finance.yahoo.com/news/dedupe-one-123.html');
    expect(apple?.id).toBe(microsoft?.id);
    expect(apple?.symbols).toEqual(['AAPL', 'MSFT']);
  });

  it('folds a syndicated copy (another URL, a near-identical headline, minutes apart) into the earliest copy', async () => {
    const summary = await ingest([
      item({ title: 'Dedupe two: Microsoft, Apple lead tech rally as chip stocks rebound', url: 'https://www.reuters.com/markets/us/dedupe-two-2026-11-24/', publishedAt: at('2026-11-24T14:05:00Z'), source: 'Reuters', symbols: ['MSFT'] }),
      item({ title: 'Dedupe two: Microsoft and Apple lead tech rally as chip stocks rebound - Reuters', url: 'https://finance.yahoo.com/news/dedupe-two-456.html', publishedAt: at('2026-11-24T14:00:00Z'), symbols: ['AAPL'] }),
    ]);
    expect(summary.newArticles).toHaveLength(1);
    const [article] = await stored('MSFT', 'Dedupe two');
    expect(article?.url).toBe('https://finance.yahoo.com/news/dedupe-two-456.html');
    expect(article?.publishedAt).toEqual(at('2026-11-24T14:00:00Z'));
    expect(article?.symbols).toEqual(['AAPL', 'MSFT']);
  });

  it('recognises a later copy of a stored story, under another URL, and only adds its symbols', async () => {
    await ingest([item({ title: 'Dedupe three: Apple wins appeal over patent royalties', url: 'https://finance.yahoo.com/news/dedupe-three-1.html', symbols: ['AAPL'] })]);
    clock.advance(30 * 60_000);
    try {
      const later = await ingest([item({ title: 'Dedupe three: Apple wins appeal over patent royalties - CNBC', url: 'https://www.cnbc.com/2026/11/24/dedupe-three.html', source: 'CNBC', publishedAt: at('2026-11-24T12:20:00Z'), symbols: ['MSFT'] })]);
      expect(later.newArticles).toHaveLength(0);
      expect(later.duplicates).toBe(1);
    } finally {
      clock.set(NOW);
    }
    const copies = await stored('MSFT', 'Dedupe three');
    expect(copies).toHaveLength(1);
    expect(copies[0]?.url).toBe('https://finance.yahoo.com/news/dedupe-three-1.html');
    expect(copies[0]?.symbols).toEqual(['AAPL', 'MSFT']);
  });

  it('stores an article once however often it is read, adding the symbols a later read brings', async () => {
    const first = await ingest([item({ title: 'Dedupe four: Apple opens a store in Mumbai', url: 'https://finance.yahoo.com/news/dedupe-four.html', symbols: ['AAPL'] })]);
    const again = await ingest([item({ title: 'Dedupe four: Apple opens a store in Mumbai', url: 'https://finance.yahoo.com/news/dedupe-four.html', symbols: ['AAPL'] })]);
    const third = await ingest([item({ title: 'Dedupe four: Apple opens a store in Mumbai', url: 'https://finance.yahoo.com/news/dedupe-four.html?.tsrc=rss', symbols: ['MSFT'] })]);
    expect([first.newArticles.length, again.newArticles.length, third.newArticles.length]).toEqual([1, 0, 0]);
    expect((await stored('AAPL', 'Dedupe four')).map((a) => a.symbols)).toEqual([['AAPL', 'MSFT']]);
  });

  it('keeps a recurring column apart from yesterday\'s: the same headline a day later is another story', async () => {
    const summary = await ingest([
      item({ title: 'Dedupe five: Stock market today: Apple and the Dow', url: 'https://finance.yahoo.com/news/dedupe-five-monday.html', publishedAt: at('2026-11-23T13:00:00Z'), symbols: ['AAPL'] }),
      item({ title: 'Dedupe five: Stock market today: Apple and the Dow', url: 'https://finance.yahoo.com/news/dedupe-five-tuesday.html', publishedAt: at('2026-11-24T13:00:00Z'), symbols: ['AAPL'] }),
    ]);
    expect(summary.newArticles).toHaveLength(2);
    expect((await stored('AAPL', 'Dedupe five')).map((a) => a.url)).toEqual([
      'https://finance.yahoo.com/news/dedupe-five-tuesday.html',
      'https://finance.yahoo.com/news/dedupe-five-monday.html',
    ]);
  });

  it('links every known company an article mentions, beyond the feed it came from', async () => {
    await ingest([item({ title: 'Linking one: Apple supplier deal lifts Broadcom shares', url: 'https://finance.yahoo.com/news/linking-one.html', symbols: ['AAPL'] })]);
    const [article] = await stored('AVGO', 'Linking one');
    expect(article?.symbols).toEqual(['AAPL', 'AVGO']);
  });

  it('links an article without a feed symbol by what it mentions, and drops one about no known company', async () => {
    const summary = await ingest([
      item({ title: 'Linking two: Nvidia shares jump after record data-center revenue', url: 'https://www.marketwatch.com/story/linking-two', source: 'MarketWatch' }),
      item({ title: 'Linking two: Fed holds rates steady as inflation cools', url: 'https://www.marketwatch.com/story/linking-two-fed', source: 'MarketWatch' }),
    ]);
    expect(summary.unlinked).toBe(1);
    expect(summary.newArticles).toHaveLength(1);
    expect((await stored('NVDA', 'Linking two')).map((a) => a.symbols)).toEqual([['NVDA']]);
  });

  it('links a company outside the universe by its stored name', async () => {
    const extra = await m.server.app.services.catalog.resolve('EXTRA');
    expect(extra.name).toBe('Extra Corp');
    const summary = await ingest([item({ title: 'Linking three: Extra signs a cloud contract with Microsoft', url: 'https://www.example-news.com/linking-three' })], [{ symbol: extra.symbol, name: extra.name }]);
    expect(summary.newArticles).toHaveLength(1);
    expect((await stored('EXTRA', 'Linking three')).map((a) => a.symbols)).toEqual([['EXTRA', 'MSFT']]);
  });

  it('refuses items with no link and items older than 30 days', async () => {
    const summary = await ingest([
      item({ title: 'Refused one: Apple stock: what analysts are watching', url: '', symbols: ['AAPL'] }),
      item({ title: 'Refused one: Apple to hold annual meeting', url: 'https://finance.yahoo.com/news/refused-one-old.html', publishedAt: at('2026-10-02T12:00:00Z'), symbols: ['AAPL'] }),
      item({ title: 'Refused one: Apple on a local page', url: 'http://127.0.0.1:8080/news/apple.html', symbols: ['AAPL'] }),
    ]);
    expect(summary.unusable).toBe(3);
    expect(summary.newArticles).toHaveLength(0);
    expect(await stored('AAPL', 'Refused one')).toEqual([]);
  });

  it('dates an undated item when it was first seen', async () => {
    await ingest([item({ title: 'Undated one: Apple names a new finance chief', url: 'https://finance.yahoo.com/news/undated-one.html', publishedAt: null, symbols: ['AAPL'] })]);
    expect((await stored('AAPL', 'Undated one'))[0]?.publishedAt).toEqual(NOW);
  });
});
