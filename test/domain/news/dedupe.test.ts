import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../../src/domain/news/canonical-url.ts';
import { dedupeArticles, groupDuplicates, SYNDICATION_WINDOW_MS } from '../../../src/domain/news/dedupe.ts';
import type { DedupeCandidate } from '../../../src/domain/news/dedupe.ts';
import { similarTitles } from '../../../src/domain/news/titles.ts';

interface Item extends DedupeCandidate {
  id: string;
}

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

function item(id: string, url: string, title: string, publishedAt: Date | null, symbols: string[] = [], source: string | null = null): Item {
  return { id, url, title, publishedAt, symbols, source };
}

describe('dedupeArticles', () => {
  it('keeps one article per canonical URL, the earliest, with every symbol', () => {
    const articles = [
      item('feed-msft', 'https://www.reuters.com/technology/ai-deal-2024-05-02/?utm_source=rss', 'Microsoft and Nvidia sign AI deal', at('2024-05-02T14:05:00Z'), ['MSFT']),
      item('feed-nvda', 'https://reuters.com/technology/ai-deal-2024-05-02', 'Microsoft, Nvidia sign AI deal', at('2024-05-02T14:00:00Z'), ['NVDA']),
      item('other', 'https://www.cnbc.com/2024/05/02/oil.html', 'Oil slides on supply glut', at('2024-05-02T15:00:00Z'), ['XOM']),
    ];
    const kept = dedupeArticles(articles);
    expect(kept.map((a) => a.id)).toEqual(['feed-nvda', 'other']);
    expect(kept[0]?.symbols).toEqual(['MSFT', 'NVDA']);
  });

  it('merges syndicated copies with near-identical headlines published within the window', () => {
    const articles = [
      item('yahoo', 'https://finance.yahoo.com/news/apple-beats-1.html', 'Apple beats Wall Street estimates as iPhone sales rebound', at('2024-05-02T21:10:00Z'), ['AAPL'], 'Yahoo Finance'),
      item('reuters', 'https://www.reuters.com/technology/apple-2024-05-02/', 'UPDATE 1-Apple beats Wall Street estimates as iPhone sales rebound', at('2024-05-02T20:45:00Z'), [], 'Reuters'),
      item('newsapi', 'https://www.marketscreener.com/news/apple-beats', 'Apple Beats Wall Street Estimates As iPhone Sales Rebound - MarketScreener', at('2024-05-02T22:00:00Z'), ['AAPL', 'QCOM'], 'MarketScreener'),
    ];
    const [group, ...rest] = groupDuplicates(articles);
    expect(rest).toEqual([]);
    expect(group?.kept.id).toBe('reuters');
    expect(group?.duplicates.map((a) => a.id)).toEqual(['yahoo', 'newsapi']);
    expect(group?.symbols).toEqual(['AAPL', 'QCOM']);
  });

  it('keeps a recurring headline from another day', () => {
    const monday = item('mon', 'https://example.com/stock-market-today-mon', 'Stock market today: Dow, S&P 500 and Nasdaq futures', at('2024-05-06T12:00:00Z'));
    const tuesday = item('tue', 'https://example.com/stock-market-today-tue', 'Stock market today: Dow, S&P 500 and Nasdaq futures', at('2024-05-07T12:00:00Z'));
    expect(dedupeArticles([monday, tuesday])).toHaveLength(2);
    expect(dedupeArticles([monday, { ...tuesday, publishedAt: new Date(monday.publishedAt!.getTime() + SYNDICATION_WINDOW_MS) }])).toHaveLength(1);
    expect(dedupeArticles([monday, tuesday], { windowMs: 48 * HOUR })).toHaveLength(1);
  });

  it('keeps templated headlines about different companies apart', () => {
    const articles = [
      item('aapl', 'https://www.zacks.com/stock/news/1', 'Apple (AAPL) Stock Sinks As Market Gains: What You Should Know', at('2024-05-02T21:00:00Z'), ['AAPL']),
      item('msft', 'https://www.zacks.com/stock/news/2', 'Microsoft (MSFT) Stock Sinks As Market Gains: What You Should Know', at('2024-05-02T21:00:00Z'), ['MSFT']),
    ];
    expect(dedupeArticles(articles).map((a) => a.symbols)).toEqual([['AAPL'], ['MSFT']]);
  });

  it('prefers a dated copy over an undated one, and the first given among equals', () => {
    const undated = item('undated', 'https://a.example.com/x', 'Fed holds rates steady and signals fewer cuts', null);
    const dated = item('dated', 'https://b.example.com/x', 'Fed holds rates steady and signals fewer cuts', at('2024-05-01T18:00:00Z'));
    const twin = item('twin', 'https://c.example.com/x', 'Fed holds rates steady and signals fewer cuts', at('2024-05-01T18:00:00Z'));
    expect(dedupeArticles([undated, dated, twin]).map((a) => a.id)).toEqual(['dated']);
    expect(dedupeArticles([twin, dated]).map((a) => a.id)).toEqual(['twin']);
  });

  it('joins copies transitively: a URL twin of a title twin is the same story', () => {
    const articles = [
      item('a', 'https://www.cnbc.com/2024/05/02/a.html', 'Tesla recalls 125,000 vehicles over seat belt warning', at('2024-05-02T10:00:00Z'), ['TSLA']),
      item('b', 'https://www.foxbusiness.com/markets/tesla-recall', 'Tesla Recalls 125,000 Vehicles Over Seat Belt Warning | Fox Business', at('2024-05-02T11:00:00Z')),
      item('c', 'https://www.foxbusiness.com/markets/tesla-recall.amp', 'Tesla recall: what owners need to know', at('2024-05-02T12:00:00Z'), ['F']),
    ];
    const [group] = groupDuplicates(articles);
    expect(group?.kept.id).toBe('a');
    expect(group?.duplicates.map((a) => a.id)).toEqual(['b', 'c']);
    expect(group?.symbols).toEqual(['F', 'TSLA']);
  });

  it('never merges articles without a title by their empty title', () => {
    const articles = [item('x', 'https://a.example.com/1', '', null), item('y', 'https://a.example.com/2', '  ', null)];
    expect(dedupeArticles(articles)).toHaveLength(2);
  });

  it('finds the same stories among thousands as copies made by construction', () => {
    // 1,500 stories, each published as an original and two syndicated copies (suffix, case, slug, tracker).
    const subjects = ['Apple', 'Nvidia', 'Tesla', 'Exxon', 'Pfizer', 'Boeing', 'Netflix', 'Visa', 'Intel', 'Costco'];
    const verbs = ['beats', 'misses', 'raises', 'cuts', 'keeps', 'lifts', 'trims', 'confirms'];
    const objects = ['revenue forecast', 'dividend', 'buyback plan', 'margin outlook', 'capex budget', 'hiring plans'];
    const articles: Item[] = [];
    let story = 0;
    for (const subject of subjects) {
      for (const verb of verbs) {
        for (const object of objects) {
          for (const quarter of ['first', 'second', 'third', 'fourth', 'fiscal']) {
            if (story >= 1500) break;
            const title = `${subject} ${verb} ${object} for ${quarter} quarter amid steady ${story} demand`;
            const start = Date.UTC(2024, 4, 1) + story * 60_000;
            const path = `https://www.reuters.com/business/story-${story}/`;
            articles.push(
              item(`${story}/0`, path, title, new Date(start), [subject.toUpperCase()]),
              item(`${story}/1`, `https://finance.yahoo.com/news/story-${story}.html?.tsrc=rss`, `${title.toUpperCase()} - Yahoo Finance`, new Date(start + HOUR)),
              item(`${story}/2`, `${path}?utm_source=twitter`, `UPDATE 1-${title}`, new Date(start + 2 * HOUR), ['COPY']),
            );
            story += 1;
          }
        }
      }
    }
    const groups = groupDuplicates(articles);
    expect(groups).toHaveLength(1500);
    const wrong = groups.filter((group) => {
      const id = group.kept.id.split('/')[0] ?? '';
      return group.kept.id !== `${id}/0` || group.duplicates.map((a) => a.id).join() !== `${id}/1,${id}/2` || !group.symbols.includes('COPY');
    });
    expect(wrong).toEqual([]);
  });
});

describe('groupDuplicates agrees with comparing every pair', () => {
  // Small vocabularies so that random articles collide by URL and by headline often.
  const word = fc.constantFrom('apple', 'nvidia', 'beats', 'misses', 'estimates', 'shares', 'rise', 'fall', 'after', 'earnings', 'the', '5%', '300');
  const article = fc.record({
    url: fc.constantFrom('https://www.a.com/1', 'https://a.com/1?utm_source=x', 'https://b.com/2', 'https://c.com/3', 'https://d.com/4', 'https://e.com/5', 'https://f.com/6'),
    title: fc.array(word, { minLength: 0, maxLength: 9 }).map((words) => words.join(' ')),
    publishedAt: fc.option(fc.integer({ min: 0, max: 48 }).map((hours) => new Date(Date.UTC(2024, 4, 1) + hours * HOUR)), { nil: null }),
    symbols: fc.subarray(['AAPL', 'NVDA', 'MSFT']),
  });

  function bruteForce(articles: readonly DedupeCandidate[]): number[][] {
    const parent = articles.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : find(parent[i] ?? i));
    for (let i = 0; i < articles.length; i += 1) {
      for (let j = 0; j < i; j += 1) {
        const a = articles[i];
        const b = articles[j];
        if (a === undefined || b === undefined) continue;
        const sameUrl = (canonicalUrl(a.url) ?? a.url) === (canonicalUrl(b.url) ?? b.url);
        const gap = a.publishedAt === null || b.publishedAt === null ? 0 : Math.abs(a.publishedAt.getTime() - b.publishedAt.getTime());
        if (sameUrl || (gap <= SYNDICATION_WINDOW_MS && similarTitles(a.title, b.title))) parent[find(i)] = find(j);
      }
    }
    const groups = new Map<number, number[]>();
    articles.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
    return [...groups.values()].map((g) => g.sort((x, y) => x - y)).sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
  }

  it('partitions exactly as the quadratic oracle does, keeping the earliest of each group', () => {
    fc.assert(fc.property(fc.array(article, { maxLength: 40 }), (articles) => {
      const indexed = articles.map((a, i) => ({ ...a, i }));
      const groups = groupDuplicates(indexed);
      const partition = groups
        .map((g) => [g.kept, ...g.duplicates].map((a) => a.i).sort((x, y) => x - y))
        .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
      expect(partition).toEqual(bruteForce(articles));
      for (const group of groups) {
        const keptTime = group.kept.publishedAt?.getTime() ?? Infinity;
        for (const other of group.duplicates) {
          const time = other.publishedAt?.getTime() ?? Infinity;
          expect(keptTime < time || (keptTime === time && group.kept.i < other.i)).toBe(true);
        }
        expect(group.symbols).toEqual([...new Set([group.kept, ...group.duplicates].flatMap((a) => a.symbols))].sort());
      }
    }), { numRuns: 300 });
  });
});
