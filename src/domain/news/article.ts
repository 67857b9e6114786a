// A news article as we store and serve it, made from whatever a feed or NewsAPI hands us:
// plain text (no tags, no entities), a canonical URL, a real date or none, within the column sizes.
import { normalizeSymbol } from '../market/symbol.ts';
import { DAY_MS, parseIsoDate } from '../time.ts';
import { canonicalUrl } from './canonical-url.ts';
import { stripSourceSuffix } from './titles.ts';

/** Column sizes of news_articles (src/db/schema/market.ts). */
export const TITLE_MAX = 500;
export const URL_MAX = 1000;
export const SOURCE_MAX = 200;
/** Descriptions are a teaser; a feed that ships the whole article gets it cut here. */
export const DESCRIPTION_MAX = 4000;

/** Nothing on the web was published before this; earlier dates are feed bugs (epoch 0, year 1). */
const EARLIEST_PUBLISHED = parseIsoDate('1995-01-01');
/** Feeds that stamp local time as GMT run a few hours ahead; beyond a day ahead a date is wrong. */
const FUTURE_TOLERANCE_MS = DAY_MS;

export interface NewsArticle {
  title: string;
  /** Plain text, '' when the feed gave none. */
  description: string;
  /** Canonical (see canonicalUrl). */
  url: string;
  source: string | null;
  publishedAt: Date | null;
  urlToImage: string | null;
  /** Universe symbols the article is about, sorted. */
  symbols: string[];
}

/** One item as a provider adapter read it; every field may be missing or malformed. */
export interface FeedItem {
  title?: string | null;
  description?: string | null;
  url?: string | null;
  source?: string | null;
  publishedAt?: string | number | Date | null;
  urlToImage?: string | null;
  /** Symbols the item is known to be about (the symbol whose feed it came from). */
  symbols?: readonly string[];
}

export interface FeedItemOptions {
  /** Dates after now (+ a day's tolerance) are dropped, dates within the tolerance become now. */
  now?: Date;
}

/** The article an item describes, or null when it has no usable title or link. */
export function articleFromFeedItem(item: FeedItem, options: FeedItemOptions = {}): NewsArticle | null {
  const url = canonicalUrl(item.url ?? '');
  if (url === null || url.length > URL_MAX) return null;
  const source = clip(plainText(item.source ?? ''), SOURCE_MAX);
  // NewsAPI signs titles with the outlet it also names ("... - Reuters"); the client shows both.
  const title = clip(stripSourceSuffix(plainText(item.title ?? ''), source), TITLE_MAX);
  // NewsAPI keeps taken-down articles in its results as "[Removed]" (linking https://removed.com).
  if (title === '' || title === '[Removed]') return null;
  let publishedAt = parsePublishedAt(item.publishedAt);
  if (publishedAt !== null && options.now !== undefined) {
    const now = options.now.getTime();
    if (publishedAt.getTime() > now + FUTURE_TOLERANCE_MS) publishedAt = null;
    else if (publishedAt.getTime() > now) publishedAt = new Date(now);
  }
  const symbols = [...new Set((item.symbols ?? []).map(normalizeSymbol).filter((symbol) => symbol !== null))].sort();
  return {
    title,
    description: clip(plainText(item.description ?? ''), DESCRIPTION_MAX),
    url,
    source: source === '' ? null : source,
    publishedAt,
    urlToImage: imageUrl(item.urlToImage ?? ''),
    symbols,
  };
}

/** An image link as given (CDNs put the size in the query), or null when it is no http(s) URL or too long. */
function imageUrl(raw: string): string | null {
  const text = raw.trim();
  if (text === '' || text.length > URL_MAX) return null;
  try {
    const url = new URL(text.startsWith('//') ? `https:${text}` : text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href.slice(0, URL_MAX) : null;
  } catch {
    return null;
  }
}

/** `text` cut to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  if (space > max * 0.6) cut = cut.slice(0, space);
  // Never leave half a surrogate pair (an emoji) at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

// Elements whose content is no text of the article.
const HIDDEN_ELEMENTS = /<(script|style|noscript|template|iframe|svg|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
// Elements that end a line or paragraph, so words on both sides stay apart.
const BLOCK_TAG = /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|footer|figure|figcaption|hr)\b[^>]*>/gi;
const ANY_TAG = /<\/?[A-Za-z][^<>]*>|<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[|\]\]>|<![A-Za-z][^>]*>|<\?[\s\S]*?\?>/g;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', zwnj: '', zwj: '', shy: '',
  ndash: '–', mdash: '—', minus: '−', hyphen: '‐', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  laquo: '«', raquo: '»', lsaquo: '‹', rsaquo: '›', hellip: '…', bull: '•', middot: '·', prime: '′', Prime: '″',
  copy: '©', reg: '®', trade: '™', deg: '°', plusmn: '±', times: '×', divide: '÷', frac12: '½', frac14: '¼', frac34: '¾',
  sup2: '²', sup3: '³', micro: 'µ', para: '¶', sect: '§', dagger: '†', Dagger: '‡', permil: '‰', larr: '←', rarr: '→',
  uarr: '↑', darr: '↓', euro: '€', pound: '£', yen: '¥', cent: '¢', curren: '¤', dollar: '$', percnt: '%', iexcl: '¡',
  iquest: '¿', ordf: 'ª', ordm: 'º', not: '¬', macr: '¯', acute: '´', cedil: '¸', uml: '¨', szlig: 'ß',
  agrave: 'à', aacute: 'á', acirc: 'â', atilde: 'ã', auml: 'ä', aring: 'å', aelig: 'æ', ccedil: 'ç', egrave: 'è',
  eacute: 'é', ecirc: 'ê', euml: 'ë', igrave: 'ì', iacute: 'í', icirc: 'î', iuml: 'ï', eth: 'ð', ntilde: 'ñ', ograve: 'ò',
  oacute: 'ó', ocirc: 'ô', otilde: 'õ', ouml: 'ö', oslash: 'ø', ugrave: 'ù', uacute: 'ú', ucirc: 'û', uuml: 'ü',
  yacute: 'ý', yuml: 'ÿ', thorn: 'þ', Agrave: 'À', Aacute: 'Á', Acirc: 'Â', Atilde: 'Ã', Auml: 'Ä', Aring: 'Å',
  AElig: 'Æ', Ccedil: 'Ç', Egrave: 'È', Eacute: 'É', Ecirc: 'Ê', Euml: 'Ë', Igrave: 'Ì', Iacute: 'Í', Icirc: 'Î',
  Iuml: 'Ï', Ntilde: 'Ñ', Ograve: 'Ò', Oacute: 'Ó', Ocirc: 'Ô', Otilde: 'Õ', Ouml: 'Ö', Oslash: 'Ø', Ugrave: 'Ù',
  Uacute: 'Ú', Ucirc: 'Û', Uuml: 'Ü', Yacute: 'Ý', oelig: 'œ', OElig: 'Œ', scaron: 'š', Scaron: 'Š',
};

// Windows-1252 characters that numeric references in the 128–159 range mean (HTML5 §13.2.5.80).
const WINDOWS_1252: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02c6,
  0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c,
  0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc, 0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a,
  0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

/** Character references decoded once (a double-escaped "&amp;amp;" becomes "&amp;", as a browser shows it). */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED_ENTITIES[name] ?? whole;
    let code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    code = WINDOWS_1252[code] ?? code;
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
    return String.fromCodePoint(code);
  });
}

/** The text of an HTML fragment on one line: tags and hidden elements removed, entities decoded, spaces collapsed. */
export function plainText(html: string): string {
  return decodeEntities(html
    .replace(HIDDEN_ELEMENTS, ' ')
    .replace(BLOCK_TAG, ' ')
    .replace(ANY_TAG, ''))
    .replace(/\s+/g, ' ')
    // Control and format characters left after that (NUL, zero-width spaces, soft hyphens) are feed noise.
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// RFC 822 zones and the US ones feeds still write (hours from UTC).
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7,
  BST: 1, CET: 1, CEST: 2,
};
// "Thu, 02 May 2024 20:30:00 +0000", "2 May 2024 16:30 EDT", "Thu, 02 May 24 20:30:00 GMT"
const RFC_822 = /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?$/;
// "2024-05-02T14:30:00Z", "2024-05-02 14:30:00.123+02:00", "2024-05-02"
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * The instant a feed's date means, or null when it means none. Reads Date objects, epoch numbers
 * (seconds below 1e11, else milliseconds, as strings too), ISO 8601 (no zone: UTC) and RFC 822
 * (RSS's pubDate, with the US zone names). Dates before 1995 are null.
 */
export function parsePublishedAt(raw: string | number | Date | null | undefined): Date | null {
  if (raw === null || raw === undefined) return null;
  let ms: number;
  if (raw instanceof Date) ms = raw.getTime();
  else if (typeof raw === 'number') ms = epochMs(raw);
  else {
    const text = raw.trim();
    ms = /^\d{9,13}(?:\.\d+)?$/.test(text) ? epochMs(Number(text)) : parseDateText(text);
  }
  if (!Number.isFinite(ms) || ms < EARLIEST_PUBLISHED || ms > 8.64e15) return null;
  return new Date(ms);
}

function epochMs(value: number): number {
  return Math.abs(value) < 1e11 ? value * 1000 : value;
}

function parseDateText(text: string): number {
  const iso = ISO_8601.exec(text);
  if (iso !== null) {
    const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = iso;
    const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
    return utcInstant(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second), zoneOffsetMinutes(zone)) + millis;
  }
  const rfc = RFC_822.exec(text);
  if (rfc !== null) {
    const [, day, monthName = '', yearText = '', hour, minute, second = '0', zone = 'GMT'] = rfc;
    const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase()) + 1;
    if (month === 0) return Number.NaN;
    // RFC 822's two-digit years: 00–49 are 20xx, 50–99 are 19xx (as RFC 2822 §4.3 says).
    const year = yearText.length === 2 ? (Number(yearText) < 50 ? 2000 : 1900) + Number(yearText) : Number(yearText);
    return utcInstant(year, month, Number(day), Number(hour), Number(minute), Number(second), zoneOffsetMinutes(zone));
  }
  return Number.NaN;
}

function zoneOffsetMinutes(zone: string): number {
  const numeric = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric !== null) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? '0');
    return numeric[1] === '-' ? -minutes : minutes;
  }
  const hours = ZONES[zone.toUpperCase()];
  return hours === undefined ? Number.NaN : hours * 60;
}

/** ms of a wall-clock time at a UTC offset, NaN when any field is out of range (no rolling over). */
function utcInstant(year: number, month: number, day: number, hour: number, minute: number, second: number, offsetMinutes: number): number {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return Number.NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  if (new Date(ms).getUTCDate() !== day) return Number.NaN;
  return ms - offsetMinutes * 60_000;
}
