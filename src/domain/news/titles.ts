// Headlines as syndication copies them: the same words, give or take case, quotes, punctuation,
// a wire slug ("UPDATE 2-") and the outlet's name at the end (" - Reuters", " | Fox Business").

/**
 * Two titles are near-identical when their numbers are the same and the Jaccard similarity of their
 * shingle sets (content words and adjacent content-word pairs) is at least this. One word changed in
 * an eight-word headline scores about 0.7, in a fifteen-word one about 0.8, so templated headlines
 * that differ only in the company ("Apple (AAPL) Stock Sinks As Market Gains" / "Microsoft (MSFT) ...")
 * stay apart while copies that differ in casing, quotes, slugs or the outlet's suffix score 1.
 */
export const TITLE_SIMILARITY_THRESHOLD = 0.8;

// Outlets that sign their headlines with a suffix, as normalised by normaliseSourceName.
const OUTLETS = new Set([
  'reuters', 'reuters com', 'bloomberg', 'bloomberg com', 'bnn bloomberg', 'cnbc', 'cnbc com', 'marketwatch',
  'yahoo finance', 'yahoo', 'yahoo news', 'yahoo finance uk', 'fox business', 'fox news', 'the wall street journal',
  'wall street journal', 'wsj', 'barron s', 'barrons', 'financial times', 'ft', 'ft com', 'the motley fool', 'motley fool',
  'fool com', 'seeking alpha', 'benzinga', 'zacks', 'zacks com', 'zacks investment research', 'investor s business daily',
  'investors business daily', 'ibd', 'thestreet', 'the street', 'forbes', 'business insider', 'insider', 'markets insider',
  'ap', 'ap news', 'associated press', 'the associated press', 'cnn', 'cnn business', 'nasdaq', 'nasdaq com',
  'morningstar', 'kiplinger', 'axios', 'fortune', 'quartz', 'marketbeat', 'gurufocus', 'gurufocus com', 'investing com',
  'business wire', 'businesswire', 'pr newswire', 'prnewswire', 'globenewswire', 'globe newswire', 'accesswire',
  'investorplace', 'simply wall st', '24 7 wall st', 'tipranks', 'finbold', 'investopedia',
  'the new york times', 'new york times', 'nytimes com', 'the washington post', 'washington post', 'the guardian',
  'bbc', 'bbc news', 'techcrunch', 'the verge', 'engadget', 'wired', 'ars technica', 'the information', 'semafor',
  'nikkei asia', 'south china morning post', 'scmp', 'the economist', 'economist', 'politico', 'npr', 'abc news',
  'cbs news', 'nbc news', 'usa today', 'los angeles times', 'la times', 'the hill', 'newsweek', 'time', 'msn',
  'american banker', 'pymnts', 'pymnts com', 'tradingview', 'proactive investors', 'invezz', 'fxstreet', 'coindesk',
  'cointelegraph', 'decrypt', 'the block', 'electrek', '9to5mac', 'appleinsider', 'macrumors', 'tom s hardware',
  'sky news', 'the independent', 'the telegraph', 'daily mail', 'mint', 'livemint', 'economic times',
  'the economic times', 'business standard', 'the globe and mail', 'financial post', 'mining com', 'oilprice com',
]);

// Wire slugs before the headline: Reuters' "UPDATE 2-", "GLOBAL MARKETS-", "BRIEF-" (upper case, hyphen) ...
const WIRE_SLUG = /^(?:(?:UPDATE|WRAPUP|REFILE|RPT|CORRECTED|CORRECTION|EXCLUSIVE|BREAKING|BRIEF|INSIGHT|ANALYSIS|FACTBOX|EXPLAINER|COLUMN|FOCUS|BUZZ|HIGHLIGHTS|TIMELINE|SNAP ANALYSIS|BREAKINGVIEWS|DEALTALK|GLOBAL MARKETS|US STOCKS|EUROPE STOCKS|EMERGING MARKETS|FOREX|TREASURIES|PRECIOUS|METALS|GRAINS|OIL|LIVE|VIDEO|WATCH|OPINION|PODCAST)(?: \d+)?\s*[-–]\s*)+/;
// ... and the spoken kind before a colon: "Breaking: ", "Exclusive: ", "Update 1: ".
const SPOKEN_SLUG = /^(?:(?:breaking(?: news)?|exclusive|update(?:d)?|watch|video|live|opinion|analysis|explainer|factbox|correction|corrected|sponsored|press release)(?: \d+)?\s*:\s*)+/i;
// The last " - X", " | X", " — X" or " :: X" of a headline.
const SUFFIX = /\s+(?:[-–—|]|::)\s+([^-–—|]{1,60})$/;

// Words that carry no headline content: copies add and drop them freely.
const STOPWORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'from', 'with', 'as', 'into', 'onto',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'has', 'have', 'had', 'its', 'it', 'this', 'that', 'these', 'those',
  'will', 'would', 'can', 'could', 'may', 'might', 'should', 'do', 'does', 'did', 'so', 'than', 'then', 'via', 'about',
]);

// Spellings the wires use interchangeably.
const WORD_FORMS = new Map<string, string>([
  ['percent', '%'], ['pct', '%'], ['bln', 'billion'], ['bn', 'billion'], ['mln', 'million'], ['mn', 'million'],
  ['trln', 'trillion'], ['tln', 'trillion'], ['tn', 'trillion'], ['pts', 'points'], ['vs', 'versus'],
]);
const NUMBER_SCALES = new Map<string, string>([
  ['k', 'thousand'], ['m', 'million'], ['mn', 'million'], ['mln', 'million'], ['b', 'billion'], ['bn', 'billion'],
  ['bln', 'billion'], ['t', 'trillion'], ['tn', 'trillion'], ['trln', 'trillion'],
]);

const NUMBER = /^\d+(?:\.\d+)?%?$/;

/** An outlet's name as compared with headline suffixes: lower case, letters and digits, single spaces. */
function normaliseSourceName(source: string): string {
  return source.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/**
 * The title without its trailing " - Outlet" / " | Outlet": the outlet named `source`, and with
 * `anyOutlet` also any outlet we know or a domain name ("... - Nasdaq.com").
 */
export function stripSourceSuffix(title: string, source?: string | null, anyOutlet = false): string {
  let text = title.normalize('NFC').replace(/\s+/g, ' ').trim();
  const own = source === undefined || source === null ? '' : normaliseSourceName(source);
  for (;;) {
    const match = SUFFIX.exec(text);
    if (match === null || match.index === 0) return text;
    const suffix = normaliseSourceName(match[1] ?? '');
    const isOutlet = suffix !== '' && (suffix === own || (anyOutlet && (OUTLETS.has(suffix) || /\b(com|net|org|co uk|io)$/.test(suffix))));
    if (!isOutlet) return text;
    text = text.slice(0, match.index).trim();
  }
}

/** The headline without any outlet suffix and wire slugs; `source` is the item's outlet when known. */
export function headlineOnly(title: string, source?: string | null): string {
  let text = stripSourceSuffix(title, source, true);
  for (;;) {
    const slug = WIRE_SLUG.exec(text) ?? SPOKEN_SLUG.exec(text);
    if (slug === null || slug[0].length >= text.length) return text;
    text = text.slice(slug[0].length).trim();
  }
}

/** The words of a headline as copies share them: lower case, no accents, quotes or punctuation, numbers unified. */
export function titleTokens(title: string, source?: string | null): string[] {
  const text = headlineOnly(title, source)
    .normalize('NFKD').replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/'/g, '')
    .replace(/&/g, ' and ')
    // 1,250 → 1250; "u.s." → "us"; a period survives only between digits.
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/(?<!\d)\.|\.(?!\d)/g, '')
    .replace(/per cent/g, 'percent')
    .replace(/%/g, ' % ');
  const tokens: string[] = [];
  for (const raw of text.split(/[^a-z0-9.%]+/)) {
    if (raw === '') continue;
    const scaled = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(raw);
    if (scaled?.[1] !== undefined && scaled[2] !== undefined && NUMBER_SCALES.has(scaled[2])) {
      tokens.push(scaled[1], NUMBER_SCALES.get(scaled[2]) ?? scaled[2]);
      continue;
    }
    tokens.push(WORD_FORMS.get(raw) ?? raw);
  }
  // "3 %" is one fact: keep the sign on its number so "3%" and "3 percent" read alike.
  const joined: string[] = [];
  for (const token of tokens) {
    const last = joined.at(-1);
    if (token === '%' && last !== undefined && /^\d+(?:\.\d+)?$/.test(last)) joined[joined.length - 1] = `${last}%`;
    else joined.push(token);
  }
  return joined;
}

/** A headline's identity: two titles with the same key are copies of each other. '' for a title with no words. */
export function titleKey(title: string, source?: string | null): string {
  return titleTokens(title, source).join(' ');
}

/** What a headline is compared by. */
export interface TitleFingerprint {
  key: string;
  /** Content words and adjacent content-word pairs. */
  shingles: ReadonlySet<string>;
  /** The numbers of the headline, sorted: copies never change a figure. */
  numbers: string;
}

export function titleFingerprint(title: string, source?: string | null): TitleFingerprint {
  const tokens = titleTokens(title, source);
  const content = tokens.filter((token) => !STOPWORDS.has(token));
  const words = content.length > 0 ? content : tokens;
  const shingles = new Set(words);
  for (let i = 1; i < words.length; i += 1) shingles.add(`${words[i - 1]} ${words[i]}`);
  return {
    key: tokens.join(' '),
    shingles,
    numbers: tokens.filter((token) => NUMBER.test(token)).sort().join(' '),
  };
}

/** Jaccard similarity of two shingle sets, 0..1. */
export function shingleSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const shingle of small) if (large.has(shingle)) shared += 1;
  return shared / (a.size + b.size - shared);
}

export function similarFingerprints(a: TitleFingerprint, b: TitleFingerprint, threshold = TITLE_SIMILARITY_THRESHOLD): boolean {
  if (a.key === '' || b.key === '') return false;
  if (a.key === b.key) return true;
  return a.numbers === b.numbers && shingleSimilarity(a.shingles, b.shingles) >= threshold;
}

/** Jaccard similarity of two headlines' shingles, 0..1 (numbers are not compared here). */
export function titleSimilarity(a: string, b: string): number {
  return shingleSimilarity(titleFingerprint(a).shingles, titleFingerprint(b).shingles);
}

/** Whether two headlines are copies of one story (see TITLE_SIMILARITY_THRESHOLD). */
export function similarTitles(a: string, b: string, threshold = TITLE_SIMILARITY_THRESHOLD): boolean {
  return similarFingerprints(titleFingerprint(a), titleFingerprint(b), threshold);
}
