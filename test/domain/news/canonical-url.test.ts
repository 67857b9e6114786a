import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../../src/domain/news/canonical-url.ts';

describe('canonicalUrl on links as the feeds give them', () => {
  it.each([
    ['Yahoo Finance RSS item with its consent-redirect trackers',
      'https://finance.yahoo.com/news/apple-beats-estimates-iphone-sales-203012345.html?.tsrc=rss&guccounter=1&guce_referrer=aHR0cHM6Ly93d3cuZ29vZ2xlLmNvbS8&guce_referrer_sig=AQAAAKz',
      'https://finance.yahoo.com/news/apple-beats-estimates-iphone-sales-203012345.html'],
    ['Yahoo search redirect wrapping a Reuters article',
      'https://r.search.yahoo.com/_ylt=AwrFQ;_ylu=Y29sbwNiZjEEcG9z/RV=2/RE=1714700000/RO=10/RU=https%3a%2f%2fwww.reuters.com%2ftechnology%2fapple-results-2024-05-02%2f/RK=2/RS=x7Yq-',
      'https://reuters.com/technology/apple-results-2024-05-02'],
    ['old Yahoo RSS redirect to Barron\'s',
      'http://us.rd.yahoo.com/finance/external/xbarrons/rss/SIG=12m4ik5lq/*http://www.barrons.com/articles/apple-stock-buyback-51714700000?mod=rss_markets_main',
      'https://barrons.com/articles/apple-stock-buyback-51714700000'],
    ['Reuters with upper-case scheme and host, default port, campaign tags and a fragment',
      'HTTP://WWW.Reuters.com:80/markets/us/futures-edge-higher-fed-2024-05-02/?utm_source=twitter&utm_medium=social&utm_campaign=reuters#comments',
      'https://reuters.com/markets/us/futures-edge-higher-fed-2024-05-02'],
    ['Bloomberg share link',
      'https://www.bloomberg.com/news/articles/2024-05-02/apple-s-sales-decline-less-than-feared?srnd=premium&sref=a9Fx2kLm&leadSource=uverify%20wall&embedded-checkout=true',
      'https://bloomberg.com/news/articles/2024-05-02/apple-s-sales-decline-less-than-feared?embedded-checkout=true'],
    ['CNBC AMP page shared from the iOS app',
      'https://www.cnbc.com/amp/2024/05/02/apple-aapl-earnings-report-q2-2024.html?__source=iosappshare%7Ccom.apple.UIKit.activity.CopyToPasteboard',
      'https://cnbc.com/2024/05/02/apple-aapl-earnings-report-q2-2024.html'],
    ['CNBC through the AMP cache',
      'https://www-cnbc-com.cdn.ampproject.org/c/s/www.cnbc.com/amp/2024/05/02/apple-aapl-earnings-report-q2-2024.html',
      'https://cnbc.com/2024/05/02/apple-aapl-earnings-report-q2-2024.html'],
    ['CNBC mobile host',
      'https://m.cnbc.com/2024/05/02/apple-aapl-earnings-report-q2-2024.html',
      'https://cnbc.com/2024/05/02/apple-aapl-earnings-report-q2-2024.html'],
    ['MarketWatch story with its mod and siteid trackers',
      'https://www.marketwatch.com/story/apple-stock-jumps-after-record-buyback-11c9a8f2?mod=mw_latestnews&siteid=rss&rss=1',
      'https://marketwatch.com/story/apple-stock-jumps-after-record-buyback-11c9a8f2?rss=1'],
    ['MarketWatch quote page of Ameriprise keeps its ticker segment',
      'https://www.marketwatch.com/investing/stock/amp?mod=search_symbol',
      'https://marketwatch.com/investing/stock/amp'],
    ['Fox Business AMP suffix through Google\'s AMP viewer',
      'https://www.google.com/amp/s/www.foxbusiness.com/markets/apple-earnings-iphone.amp',
      'https://foxbusiness.com/markets/apple-earnings-iphone'],
    ['Forbes trailing /amp/ and share hash',
      'https://www.forbes.com/sites/janedoe/2024/05/02/apple-beats-wall-street/amp/?sh=1a2b3c4d5e6f',
      'https://forbes.com/sites/janedoe/2024/05/02/apple-beats-wall-street'],
    ['Guardian AMP host', 'https://amp.theguardian.com/business/2024/may/02/apple-results', 'https://theguardian.com/business/2024/may/02/apple-results'],
    ['Google click-through', 'https://www.google.com/url?q=https://www.cnbc.com/2024/05/02/x.html&sa=D&ust=1714700000', 'https://cnbc.com/2024/05/02/x.html'],
    ['Facebook and Google ad ids', 'https://www.reuters.com/business/x-2024-05-02/?fbclid=IwAR2abc&gclid=Cj0KCQ', 'https://reuters.com/business/x-2024-05-02'],
    ['a link without its scheme', 'www.reuters.com/markets/us/stocks-2024-05-02/', 'https://reuters.com/markets/us/stocks-2024-05-02'],
    ['a protocol-relative link', '//www.cnbc.com/2024/05/02/x.html', 'https://cnbc.com/2024/05/02/x.html'],
    ['surrounding whitespace from an RSS <link>', '\n   https://www.cnbc.com/2024/05/02/x.html  \n', 'https://cnbc.com/2024/05/02/x.html'],
    ['credentials are dropped', 'https://user:secret@www.reuters.com/x', 'https://reuters.com/x'],
    ['an explicit port keeps the scheme', 'http://news.example.com:8080/a/?utm_source=x', 'http://news.example.com:8080/a'],
    ['remaining parameters are sorted by name, repeated ones in their order', 'https://example.com/search?tag=b&q=apple&tag=a', 'https://example.com/search?q=apple&tag=b&tag=a'],
    ['escapes of unreserved characters are decoded, the others upper-cased', 'https://example.com/a%7eb/%2fc%2F%41', 'https://example.com/a~b/%2Fc%2FA'],
    ['a root page keeps its slash', 'https://www.reuters.com/?utm_source=x', 'https://reuters.com/'],
    ['two-label hosts keep their m. or www. label', 'https://www.co/article', 'https://www.co/article'],
  ])('%s', (_name, raw, expected) => {
    expect(canonicalUrl(raw)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['text', 'not a url'],
    ['javascript', 'javascript:alert(1)'],
    ['mailto', 'mailto:news@example.com'],
    ['ftp', 'ftp://ftp.example.com/file.txt'],
    ['data', 'data:text/html,<p>hi</p>'],
    ['localhost', 'http://localhost:3000/article'],
    ['single-label host', 'https://intranet/article'],
    ['IPv4 host', 'https://192.168.1.10/article'],
    ['IPv6 host', 'https://[::1]/article'],
    ['redirect to nowhere', 'https://r.search.yahoo.com/_ylt=A/RU=javascript%3aalert(1)/RK=2'],
    ['absurdly long', `https://example.com/${'a'.repeat(9000)}`],
  ])('rejects %s', (_name, raw) => {
    expect(canonicalUrl(raw)).toBeNull();
  });
});

describe('canonicalUrl properties', () => {
  const urls = fc.webUrl({ withQueryParameters: true, withFragments: true, validSchemes: ['http', 'https'] });

  it('is idempotent', () => {
    fc.assert(fc.property(urls, (raw) => {
      const once = canonicalUrl(raw);
      if (once !== null) expect(canonicalUrl(once)).toBe(once);
    }), { numRuns: 500 });
  });

  it('always yields a parsable http(s) URL without fragment, credentials or tracking', () => {
    fc.assert(fc.property(urls, (raw) => {
      const canonical = canonicalUrl(raw);
      if (canonical === null) return;
      const url = new URL(canonical);
      expect(['http:', 'https:']).toContain(url.protocol);
      expect(url.hash).toBe('');
      expect(url.username + url.password).toBe('');
      expect([...url.searchParams.keys()].some((name) => name.toLowerCase().startsWith('utm_'))).toBe(false);
    }), { numRuns: 500 });
  });

  it('ignores added tracking parameters and the order of the others', () => {
    // Names starting with q are never tracking names.
    const name = fc.stringMatching(/^q[a-z]{0,5}$/);
    const params = fc.uniqueArray(fc.tuple(name, fc.stringMatching(/^[a-z0-9]{0,6}$/)), { selector: ([n]) => n, maxLength: 5 });
    const trackers = fc.array(fc.constantFrom('utm_source=rss', 'utm_medium=social', 'guccounter=1', 'fbclid=IwAR0', 'gclid=Cj0', 'ncid=twitter', 'cmpid=rss', 'mc_cid=5d3', '.tsrc=rss'), { maxLength: 4 });
    fc.assert(fc.property(params, trackers, fc.boolean(), (pairs, tracking, reverse) => {
      const base = 'https://www.cnbc.com/2024/05/02/apple-earnings.html';
      const query = (list: string[]) => (list.length === 0 ? base : `${base}?${list.join('&')}`);
      const plain = pairs.map(([n, v]) => `${n}=${v}`);
      const shuffled = [...(reverse ? [...plain].reverse() : plain), ...tracking];
      expect(canonicalUrl(query(shuffled))).toBe(canonicalUrl(query(plain)));
    }), { numRuns: 300 });
  });
});
