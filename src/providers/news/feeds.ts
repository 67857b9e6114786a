// Which RSS/Atom feeds the news job reads. A `{symbol}` in a feed's URL makes it a per-symbol feed,
// read once for each followed symbol; a feed without it is read once a run and linked by what it mentions.

export const SYMBOL_PLACEHOLDER = '{symbol}';

/** Yahoo Finance's per-symbol headline feed: free, no key, about 20 recent headlines a symbol. */
export const YAHOO_HEADLINE_FEED = 'https://feeds.finance.yahoo.com/rss/2.0/headline?s={symbol}&region=US&lang=en-US';

export const DEFAULT_NEWS_FEEDS: readonly string[] = [YAHOO_HEADLINE_FEED];

export function isPerSymbolFeed(feed: string): boolean {
  return feed.includes(SYMBOL_PLACEHOLDER);
}

/** A per-symbol feed's URL for one symbol (Yahoo spells share classes with a hyphen: BRK-B). */
export function feedUrl(feed: string, symbol: string): string {
  return feed.replaceAll(SYMBOL_PLACEHOLDER, encodeURIComponent(symbol.replace('.', '-')));
}

/**
 * The outlet a feed's title names, for its items' source: Yahoo's per-symbol feeds are titled
 * "Yahoo! Finance: AAPL News", which names the symbol, not the outlet.
 */
export function outletOfFeedTitle(title: string | null): string | null {
  if (title === null) return null;
  if (/^Yahoo!? Finance\b/i.test(title.trim())) return 'Yahoo Finance';
  return title.trim() === '' ? null : title.trim();
}
