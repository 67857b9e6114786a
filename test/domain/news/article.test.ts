import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  articleFromFeedItem,
  clip,
  decodeEntities,
  parsePublishedAt,
  plainText,
  SOURCE_MAX,
  TITLE_MAX,
  URL_MAX,
} from '../../../src/domain/news/article.ts';

describe('plainText', () => {
  it.each([
    ['tags', '<p>Apple <b>beat</b> estimates.</p><p>Shares rose.</p>', 'Apple beat estimates. Shares rose.'],
    ['a Yahoo RSS description with an image link', '<p><a href="https://finance.yahoo.com/news/x.html"><img src="https://s.yimg.com/x.jpg" width="130" height="86" alt="Apple" align="left" title="Apple" border="0" ></a>Apple Inc. reported&nbsp;record services revenue&hellip;</p><br clear="all"/>', 'Apple Inc. reported record services revenue…'],
    ['named and numeric entities', 'AT&amp;T &ndash; &#8220;a deal&#8221; &#x2014; 5&#37; &euro;3', 'AT&T – “a deal” — 5% €3'],
    ['Windows-1252 numeric references', 'It&#146;s &#147;done&#148;', 'It’s “done”'],
    ['double escaping decoded once', 'Q&amp;amp;A', 'Q&amp;A'],
    ['escaped markup stays text', '&lt;b&gt;not bold&lt;/b&gt;', '<b>not bold</b>'],
    ['scripts, styles and comments', 'A<script>alert("x")</script><style>p{}</style><!-- note -->B', 'A B'],
    ['CDATA markers', '<![CDATA[Apple beats]]>', 'Apple beats'],
    ['comparison signs that are no tags', 'P/E < 10 and yield > 5%', 'P/E < 10 and yield > 5%'],
    ['block tags between words', 'one<br>two<li>three</li><div>four</div>', 'one two three four'],
    ['whitespace and invisible characters', '  Apple\n\t beats\u200B\u0000  estimates \u00AD ', 'Apple beats estimates'],
    ['unknown entities left alone', '&bogus; &amp', '&bogus; &'],
  ])('handles %s', (_name, html, text) => {
    expect(plainText(html)).toBe(text);
  });

  it('never leaves tags, runs of spaces or edge whitespace', () => {
    const piece = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('<p>', '</p>', '<br/>', '<a href="x">', '&amp;', '&nbsp;', '&#39;', '\n', '\t', '  '));
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
      const text = plainText(pieces.join(''));
      expect(text).toBe(text.trim());
      expect(text).not.toMatch(/\s{2}/);
      expect(text).not.toMatch(/<\/?(p|br|a)\b[^<>]*>/i);
    }));
  });

  it('decodes every code point written as a numeric reference', () => {
    fc.assert(fc.property(fc.integer({ min: 0xa0, max: 0x10ffff }).filter((code) => code < 0xd800 || code > 0xdfff), (code) => {
      expect(decodeEntities(`&#${code};`)).toBe(String.fromCodePoint(code));
      expect(decodeEntities(`&#x${code.toString(16)};`)).toBe(String.fromCodePoint(code));
    }));
  });
});

describe('parsePublishedAt', () => {
  it.each([
    ['RSS pubDate in GMT', 'Thu, 02 May 2024 20:30:00 GMT', '2024-05-02T20:30:00.000Z'],
    ['RSS pubDate with an offset', 'Thu, 02 May 2024 20:30:00 +0000', '2024-05-02T20:30:00.000Z'],
    ['RSS pubDate in New York summer time', 'Thu, 2 May 2024 16:30:00 EDT', '2024-05-02T20:30:00.000Z'],
    ['RSS pubDate in New York winter time', 'Mon, 15 Jan 2024 09:30:00 EST', '2024-01-15T14:30:00.000Z'],
    ['RSS pubDate without seconds or weekday', '2 May 2024 16:30 -0400', '2024-05-02T20:30:00.000Z'],
    ['RSS pubDate with a two-digit year', 'Thu, 02 May 24 20:30:00 GMT', '2024-05-02T20:30:00.000Z'],
    ['RSS pubDate with a full month name', 'Thursday, 02 May 2024 20:30:00 GMT', '2024-05-02T20:30:00.000Z'],
    ['NewsAPI ISO timestamp', '2024-05-02T20:30:00Z', '2024-05-02T20:30:00.000Z'],
    ['ISO with milliseconds and offset', '2024-05-02T22:30:00.123+02:00', '2024-05-02T20:30:00.123Z'],
    ['ISO with a compact offset', '2024-05-02T16:30:00-0400', '2024-05-02T20:30:00.000Z'],
    ['ISO without a zone (read as UTC)', '2024-05-02 20:30:00', '2024-05-02T20:30:00.000Z'],
    ['an ISO date', '2024-05-02', '2024-05-02T00:00:00.000Z'],
    ['epoch seconds', 1714681800, '2024-05-02T20:30:00.000Z'],
    ['epoch milliseconds', 1714681800000, '2024-05-02T20:30:00.000Z'],
    ['epoch seconds as text', '1714681800', '2024-05-02T20:30:00.000Z'],
    ['a Date', new Date('2024-05-02T20:30:00Z'), '2024-05-02T20:30:00.000Z'],
  ])('reads %s', (_name, raw, iso) => {
    expect(parsePublishedAt(raw)?.toISOString()).toBe(iso);
  });

  it.each([
    ['nothing', null],
    ['undefined', undefined],
    ['empty text', ''],
    ['words', 'yesterday'],
    ['February 30th', '2024-02-30T10:00:00Z'],
    ['hour 25', 'Thu, 02 May 2024 25:30:00 GMT'],
    ['an unknown month', '02 Mai 2024 10:00:00 GMT'],
    ['an unknown zone', 'Thu, 02 May 2024 20:30:00 XYZ'],
    ['the epoch', 0],
    ['a date before the web', '1990-01-01T00:00:00Z'],
    ['an invalid Date', new Date(Number.NaN)],
    ['NaN', Number.NaN],
  ])('rejects %s', (_name, raw) => {
    expect(parsePublishedAt(raw)).toBeNull();
  });

  it('reads back any instant written in ISO and RSS form', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1995-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
      const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
      expect(parsePublishedAt(date.toISOString())?.getTime()).toBe(date.getTime());
      expect(parsePublishedAt(seconds.toUTCString())?.getTime()).toBe(seconds.getTime());
    }));
  });
});

describe('clip', () => {
  it('cuts at a word boundary with an ellipsis', () => {
    expect(clip('Apple beats estimates as iPhone sales rebound', 30)).toBe('Apple beats estimates as…');
    expect(clip('short', 30)).toBe('short');
  });

  it('never exceeds the limit nor splits an emoji', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 2, max: 120 }), (text, max) => {
      const clipped = clip(text, max);
      expect(clipped.length).toBeLessThanOrEqual(max);
      expect(clipped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      if (text.length <= max) expect(clipped).toBe(text);
    }));
  });
});

describe('articleFromFeedItem', () => {
  const now = new Date('2024-05-03T00:00:00Z');

  it('makes a stored article from a NewsAPI item', () => {
    expect(articleFromFeedItem({
      title: 'Apple beats estimates as iPhone sales rebound - Reuters',
      description: 'Apple Inc on Thursday forecast revenue above estimates &amp; announced a $110 billion buyback.',
      url: 'https://www.reuters.com/technology/apple-2024-05-02/?utm_source=newsapi',
      source: 'Reuters',
      publishedAt: '2024-05-02T20:45:00Z',
      urlToImage: 'https://www.reuters.com/resizer/v2/abc.jpg?auth=x&width=1200',
      symbols: ['aapl', ' AAPL '],
    }, { now })).toEqual({
      title: 'Apple beats estimates as iPhone sales rebound',
      description: 'Apple Inc on Thursday forecast revenue above estimates & announced a $110 billion buyback.',
      url: 'https://reuters.com/technology/apple-2024-05-02',
      source: 'Reuters',
      publishedAt: new Date('2024-05-02T20:45:00Z'),
      urlToImage: 'https://www.reuters.com/resizer/v2/abc.jpg?auth=x&width=1200',
      symbols: ['AAPL'],
    });
  });

  it('makes a stored article from a Yahoo RSS item', () => {
    const article = articleFromFeedItem({
      title: 'Apple&#8217;s buyback is the biggest ever',
      description: '<p>Apple&nbsp;announced <b>$110 billion</b>.</p>',
      url: 'https://finance.yahoo.com/news/apple-buyback-203000123.html?.tsrc=rss',
      publishedAt: 'Thu, 02 May 2024 20:30:00 +0000',
    });
    expect(article).toMatchObject({
      title: 'Apple’s buyback is the biggest ever',
      description: 'Apple announced $110 billion.',
      url: 'https://finance.yahoo.com/news/apple-buyback-203000123.html',
      source: null,
      urlToImage: null,
      symbols: [],
    });
    expect(article?.publishedAt?.toISOString()).toBe('2024-05-02T20:30:00.000Z');
  });

  it('keeps another outlet\'s name in the title', () => {
    expect(articleFromFeedItem({ title: 'Apple beats estimates - Reuters', url: 'https://finance.yahoo.com/news/x.html', source: 'Yahoo Finance' })?.title)
      .toBe('Apple beats estimates - Reuters');
  });

  it.each([
    ['no URL', { title: 'Apple beats' }],
    ['an unusable URL', { title: 'Apple beats', url: 'javascript:void(0)' }],
    ['a URL too long for the column', { title: 'Apple beats', url: `https://example.com/${'a'.repeat(URL_MAX)}` }],
    ['no title', { url: 'https://example.com/a' }],
    ['a title of tags only', { title: '<b></b>&nbsp;', url: 'https://example.com/a' }],
    ['NewsAPI\'s placeholder for a taken-down article', { title: '[Removed]', url: 'https://removed.com', source: '[Removed]' }],
  ])('drops an item with %s', (_name, item) => {
    expect(articleFromFeedItem(item)).toBeNull();
  });

  it('fits titles and sources to their columns', () => {
    const article = articleFromFeedItem({ title: 'word '.repeat(300), source: 'S'.repeat(300), url: 'https://example.com/a' });
    expect(article?.title.length).toBeLessThanOrEqual(TITLE_MAX);
    expect(article?.title.endsWith('…')).toBe(true);
    expect(article?.source?.length).toBeLessThanOrEqual(SOURCE_MAX);
  });

  it('drops dates far in the future and brings slightly early ones back to now', () => {
    const item = { title: 'Apple beats', url: 'https://example.com/a' };
    expect(articleFromFeedItem({ ...item, publishedAt: '2024-05-05T00:00:00Z' }, { now })?.publishedAt).toBeNull();
    expect(articleFromFeedItem({ ...item, publishedAt: '2024-05-03T04:00:00Z' }, { now })?.publishedAt).toEqual(now);
    expect(articleFromFeedItem({ ...item, publishedAt: 'garbage' }, { now })?.publishedAt).toBeNull();
  });

  it('drops an image link that is no http(s) URL', () => {
    const item = { title: 'Apple beats', url: 'https://example.com/a' };
    expect(articleFromFeedItem({ ...item, urlToImage: 'data:image/png;base64,AAAA' })?.urlToImage).toBeNull();
    expect(articleFromFeedItem({ ...item, urlToImage: '//cdn.example.com/a.jpg' })?.urlToImage).toBe('https://cdn.example.com/a.jpg');
  });

  it('always yields column-sized plain text or nothing', () => {
    const text = fc.oneof(fc.string({ maxLength: 700 }), fc.constantFrom('<b>x</b>', '&amp;', ''));
    fc.assert(fc.property(fc.record({ title: text, description: text, source: text, url: fc.oneof(fc.webUrl(), fc.string()) }), (item) => {
      const article = articleFromFeedItem(item);
      if (article === null) return;
      expect(article.title.length).toBeGreaterThan(0);
      expect(article.title.length).toBeLessThanOrEqual(TITLE_MAX);
      expect(article.url.length).toBeLessThanOrEqual(URL_MAX);
      expect((article.source ?? '').length).toBeLessThanOrEqual(SOURCE_MAX);
      expect(article.title).toBe(article.title.trim());
    }), { numRuns: 300 });
  });
});
