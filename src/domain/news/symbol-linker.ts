// Which companies of our universe a piece of news text mentions: cashtags ($AAPL), exchange notation
// ("(NASDAQ: AAPL)", Reuters' "(AAPL.O)"), company names without their legal suffix ("Apple" for
// "Apple Inc."), and bare tickers when they cannot be an ordinary word or abbreviation.
import { normalizeSymbol } from '../market/symbol.ts';
import { BARE_TICKER_STOPLIST } from './ticker-stoplist.ts';

/** A company as the universe lists it (market/universe.ts's UniverseEntry is one). */
export interface ListedCompany {
  symbol: string;
  /** The company's name as index lists spell it: "Alphabet Inc. (Class A)", "Walt Disney Company (The)". */
  name: string;
}

export type MentionKind = 'cashtag' | 'exchange' | 'ticker' | 'name';

export interface SymbolMention {
  symbol: string;
  /** The strongest kind of mention found for the symbol (in the order of MentionKind). */
  via: MentionKind;
}

export interface SymbolLinker {
  /** The universe symbols the text mentions, sorted. */
  link(text: string): string[];
  /** The same, with how each symbol was found. */
  mentions(text: string): SymbolMention[];
}

/**
 * Names that are also ordinary words or places: linked only with corroboration, that is a company
 * word next to them ("Target's", "Target shares", "Target Corp", "shares of Target", "Target said"),
 * or one of the company's tickers elsewhere in the text ("Target (TGT)"). Keys are normalised tokens.
 * Decided: "Apple", "Amazon", "Oracle", "Visa" are not here — capitalised, in finance news they name
 * the company, so "Apple pie recipe" at the start of a sentence links AAPL (lower-case "apple pie" does not).
 */
const NEEDS_CORROBORATION = new Set([
  'target', 'block', 'ball', 'progressive', 'travelers', 'mosaic', 'carnival', 'dover', 'hartford', 'southern',
  'williams', 'cooper', 'waters', 'ford', 'fox', 'lilly', 'tapestry', 'otis', 'everest', 'booking', 'delta', 'southwest',
  'flex', 'rollins', 'coherent', 'cognizant', 'abbott', 'best buy', 'global payments', 'expand energy', 'old dominion', 'state street',
]);
/** Names that are the name of something else first (the Dow, the Nasdaq, "News"): linked only with their suffix ("Dow Inc."). */
const NEVER_ALONE = new Set(['dow', 'nasdaq', 'news']);

/** Well-known short names the index list does not spell out. Only symbols present in the universe get them. */
const EXTRA_ALIASES: Record<string, readonly string[]> = {
  GOOGL: ['Google'], GOOG: ['Google'], META: ['Meta', 'Facebook'], 'BRK.B': ['Berkshire', 'Berkshire Hathaway'],
  'BRK.A': ['Berkshire', 'Berkshire Hathaway'], XOM: ['Exxon', 'Exxon Mobil'], JPM: ['JPMorgan', 'JP Morgan'],
  BAC: ['BofA'], GS: ['Goldman', 'Goldman Sachs'], C: ['Citi', 'Citibank'], LLY: ['Lilly'], PG: ['P&G'], JNJ: ['J&J'],
  WMT: ['Wal-Mart'], DIS: ['Disney'], TMUS: ['T-Mobile'], BMY: ['Bristol-Myers', 'Bristol-Myers Squibb'],
  PM: ['Philip Morris'], GE: ['General Electric'], HON: ['Honeywell'], F: ['Ford'], UNH: ['UnitedHealth', 'UnitedHealthcare'],
  DOW: ['Dow Chemical'], MU: ['Micron'], DELL: ['Dell'], PLTR: ['Palantir'], AKAM: ['Akamai'],
  SMCI: ['Super Micro', 'Super Micro Computer'], HOOD: ['Robinhood'], SCHW: ['Schwab'], MRSH: ['Marsh & McLennan'],
  LMT: ['Lockheed'], NOC: ['Northrop'], MSI: ['Motorola'], KEYS: ['Keysight'], RCL: ['Royal Caribbean'], HLT: ['Hilton'],
  MAR: ['Marriott'], BKNG: ['Booking'], EXPE: ['Expedia'], UAL: ['United Airlines'], DAL: ['Delta'], LUV: ['Southwest'],
  CMG: ['Chipotle'], PEP: ['Pepsi'], WBD: ['Warner Bros'], PSKY: ['Paramount'], TMO: ['Thermo Fisher'], GILD: ['Gilead'],
  ABT: ['Abbott'], NEE: ['NextEra'], ANET: ['Arista'],
};

// A legal form at the end of a name: "Inc.", ", Inc.", "Corporation", "& Co.", "plc", ...
const LEGAL_SUFFIX = /(?:,?\s+(?:&\s+)?(?:Inc\.?|Incorporated|Corporation|Corp\.?|Company|Companies|Cos\.?|Co\.?|plc|PLC|Limited|Ltd\.?|LLC|L\.?P\.?|N\.?V\.?|S\.?A\.?|AG|SE))+$/;
// Company words after a name that make an ambiguous name a company ("Target's", "Target shares").
const CUES_AFTER = new Set([
  "'s", 'inc', 'incorporated', 'corp', 'corporation', 'plc', 'ltd', 'llc',
  'shares', 'stock', 'ceo', 'cfo', 'chief', 'earnings', 'revenue', 'revenues', 'profit', 'profits', 'sales', 'results',
  'quarterly', 'guidance', 'beats', 'misses', 'tops', 'reports', 'reported', 'posts', 'raises', 'cuts', 'lowers',
  'shareholders', 'investors', 'executives', 'dividend', 'buyback', 'said', 'says',
]);
// "shares of Target", "stake in Block".
const CUES_BEFORE = new Set(['shares of', 'stake in', 'shares in', 'stock of']);

const CASHTAG = /(?<![\p{L}\p{N}$])\$([A-Za-z][A-Za-z0-9]{0,5}(?:[.\-/][A-Za-z]{1,2})?)(?![\p{L}\p{N}])/gu;
const TICKER_SHAPE = String.raw`[A-Z][A-Z0-9]{0,5}(?:[.\-/][A-Za-z]{1,2})?`;
const EXCHANGE = new RegExp(
  String.raw`(?<![\p{L}])(?:NASDAQ|Nasdaq(?:GS|GM|CM)?|NYSE(?:\s?(?:American|AMERICAN|Arca|ARCA|MKT))?|AMEX|Amex|CBOE|Cboe|BATS|OTC(?:QX|QB|MKTS)?|TSX|LSE)\s*:\s*` +
  String.raw`(${TICKER_SHAPE}(?![\p{L}\p{N}])(?:\s*[,;]\s*${TICKER_SHAPE}(?![\p{L}\p{N}]))*)`, 'gu');
// Reuters instrument codes in parentheses: "(AAPL.O)", "(JPM.N)", "(BRKb.N)".
const RIC = /\(\s*([A-Z]{1,5})([a-z])?\.(?:OQ|O|N|K|A|P)\s*[),]/g;
// A bare ticker: upper case, not glued to other word characters, "AT&T" or "U.S." (class suffix optional).
const BARE_TICKER = /(?<![\p{L}\p{N}$&.\-/'’])([A-Z][A-Z0-9]{1,5}(?:[.\-/][A-Z]{1,2})?)(?![\p{L}\p{N}&]|[.\-/][\p{L}\p{N}])/gu;

interface Alias {
  symbols: string[];
  /** Per token: whether the name spells it capitalised, so the text must too. */
  capitalised: boolean[];
  needsCue: boolean;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  aliases: Alias[];
}

interface NameToken {
  key: string;
  capitalised: boolean;
  /** A run of single capitals ("J", "JB"), which the next single capital joins. */
  initials: boolean;
}

/** The names a company goes by, derived from its listed name: full, without "The", without legal suffixes. */
export function companyNameAliases(name: string): string[] {
  let full = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  // "Walt Disney Company (The)" → "The Walt Disney Company"; "Lilly (Eli)" → "Eli Lilly"; "(Class A)" dropped.
  const parenthetical = /\s*\(([^)]*)\)\s*$/.exec(full);
  if (parenthetical !== null) {
    const inner = (parenthetical[1] ?? '').trim();
    full = full.slice(0, parenthetical.index).trim();
    if (inner !== '' && !/^class\b/i.test(inner) && !/^the$/i.test(inner)) full = `${inner} ${full}`;
    else if (/^the$/i.test(inner)) full = `The ${full}`;
  }
  const withoutThe = full.replace(/^The\s+/i, '');
  const short = withoutThe.replace(LEGAL_SUFFIX, '').trim();
  return [...new Set([full, withoutThe, short].filter((alias) => alias !== ''))];
}

/** Precompiles the universe into a matcher; linking is then one pass of a few regular expressions and a token trie. */
export function compileSymbolLinker(universe: readonly ListedCompany[]): SymbolLinker {
  const symbols = new Set<string>();
  const classesByRoot = new Map<string, string[]>();
  for (const { symbol: raw } of universe) {
    const symbol = normalizeSymbol(raw);
    if (symbol === null) continue;
    symbols.add(symbol);
    const dot = symbol.indexOf('.');
    if (dot > 0) {
      const root = symbol.slice(0, dot);
      classesByRoot.set(root, [...(classesByRoot.get(root) ?? []), symbol]);
    }
  }
  const resolveTicker = (raw: string): string[] => {
    const ticker = raw.toUpperCase().replace(/[-/]/g, '.');
    if (symbols.has(ticker)) return [ticker];
    // BRK.A, BRK-B or a bare BRK name Berkshire even when the universe lists only BRK.B.
    return classesByRoot.get(ticker.split('.')[0] ?? ticker) ?? [];
  };

  const trie = compileNames(universe, symbols);

  const mentions = (text: string): SymbolMention[] => {
    const found = new Map<string, MentionKind>();
    const add = (list: readonly string[], via: MentionKind): void => {
      for (const symbol of list) if (!found.has(symbol)) found.set(symbol, via);
    };
    for (const match of text.matchAll(CASHTAG)) {
      const ticker = match[1] ?? '';
      // "$a" is not a cashtag; "$aapl" is.
      if (ticker.length === 1 && ticker !== ticker.toUpperCase()) continue;
      add(resolveTicker(ticker), 'cashtag');
    }
    for (const match of text.matchAll(EXCHANGE)) {
      for (const ticker of (match[1] ?? '').split(/\s*[,;]\s*/)) add(resolveTicker(ticker), 'exchange');
    }
    for (const match of text.matchAll(RIC)) add(resolveTicker(`${match[1] ?? ''}${match[2] === undefined ? '' : `.${match[2]}`}`), 'exchange');

    // Explicit tickers, and any ticker in parentheses even if stop-listed ("Ball (BALL)"), corroborate an
    // ambiguous name; a bare word never does, or "PTC credits" would vouch for itself.
    const tickersInText = new Set<string>(found.keys());
    for (const line of text.split(/\n/)) {
      const shouting = isShouting(line);
      for (const match of line.matchAll(BARE_TICKER)) {
        const ticker = match[1] ?? '';
        const resolved = resolveTicker(ticker);
        const at = match.index;
        if (line[at - 1] === '(' && line[at + ticker.length] === ')') for (const symbol of resolved) tickersInText.add(symbol);
        // "BF.B" is a listed class; "ALL-IN" is the word ALL with a suffix.
        const exact = ticker.replace(/[-/]/g, '.');
        const word = symbols.has(exact) ? exact : (exact.split('.')[0] ?? exact);
        if (shouting || BARE_TICKER_STOPLIST.has(word)) continue;
        add(resolved, 'ticker');
      }
    }
    for (const symbol of matchNames(trie, nameTokens(text), tickersInText)) if (!found.has(symbol)) found.set(symbol, 'name');

    return [...found].map(([symbol, via]) => ({ symbol, via })).sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  };
  return {
    mentions,
    link: (text) => mentions(text).map(({ symbol }) => symbol),
  };
}

const compiled = new WeakMap<readonly ListedCompany[], SymbolLinker>();

/** The universe symbols `text` mentions, sorted; compiles the universe once per array (or pass a compiled linker). */
export function linkSymbols(text: string, universe: readonly ListedCompany[] | SymbolLinker): string[] {
  if ('link' in universe) return universe.link(text);
  let linker = compiled.get(universe);
  if (linker === undefined) {
    linker = compileSymbolLinker(universe);
    compiled.set(universe, linker);
  }
  return linker.link(text);
}

// A headline in capitals ("HIGH COST OF LIVING") makes every word look like a ticker.
function isShouting(line: string): boolean {
  const words = line.match(/\p{L}{2,}/gu) ?? [];
  if (words.length < 4) return false;
  const capitals = words.filter((word) => word === word.toUpperCase()).length;
  return capitals / words.length >= 0.6;
}

/**
 * Words as names are compared: accents and apostrophes dropped, "&" read as "and", hyphens and
 * periods separating, a possessive "'s" its own token, and initials joined ("J.B." and "JB" alike).
 */
function nameTokens(text: string): NameToken[] {
  const plain = text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[‘’ʼ`´]/g, "'");
  const tokens: NameToken[] = [];
  for (const match of plain.matchAll(/[\p{L}\p{N}]+(?:[&'][\p{L}\p{N}]+)*|&/gu)) {
    let word = match[0];
    let possessive = false;
    if (/'s$/i.test(word) && word.length > 2) {
      word = word.slice(0, -2);
      possessive = true;
    }
    const capitalised = /^[\p{Lu}\p{N}]/u.test(word);
    const initial = /^\p{Lu}$/u.test(word);
    const last = tokens.at(-1);
    if (initial && last?.initials === true) last.key += word.toLowerCase();
    else tokens.push({ key: word === '&' ? 'and' : word.toLowerCase().replace(/'/g, ''), capitalised, initials: initial });
    if (possessive) tokens.push({ key: "'s", capitalised: false, initials: false });
  }
  return tokens;
}

function compileNames(universe: readonly ListedCompany[], symbols: ReadonlySet<string>): TrieNode {
  // alias key → company (its name without a share class) → symbols; an alias naming two companies names neither.
  const byKey = new Map<string, { tokens: NameToken[]; companies: Map<string, Set<string>>; needsCue: boolean }>();
  const addAlias = (alias: string, company: string, symbol: string): void => {
    const tokens = nameTokens(alias);
    if (tokens.length === 0) return;
    const key = tokens.map((token) => token.key).join(' ');
    const core = key.replace(/^the /, '');
    if (NEVER_ALONE.has(core)) return;
    // A name in capitals that is also an abbreviation ("AES", "PTC", "RTX", "HP") is as ambiguous as the ticker.
    const acronym = tokens.length === 1 && alias.trim() === alias.trim().toUpperCase() && BARE_TICKER_STOPLIST.has(alias.trim());
    const needsCue = NEEDS_CORROBORATION.has(core) || acronym;
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = { tokens, companies: new Map(), needsCue };
      byKey.set(key, entry);
    }
    entry.needsCue ||= needsCue;
    const members = entry.companies.get(company) ?? new Set<string>();
    members.add(symbol);
    entry.companies.set(company, members);
  };

  for (const { symbol: raw, name } of universe) {
    const symbol = normalizeSymbol(raw);
    if (symbol === null || !symbols.has(symbol)) continue;
    const aliases = companyNameAliases(name);
    const company = (aliases.at(-1) ?? symbol).toLowerCase();
    for (const alias of aliases) addAlias(alias, company, symbol);
    const short = aliases.at(-1);
    if (short !== undefined) {
      // "Target Corp", "Dow Inc", "News Corp": the legal suffix makes any name a company ("Company" does
      // not: "Target company" is M&A language).
      const core = nameTokens(short).map((token) => token.key).join(' ');
      if (NEEDS_CORROBORATION.has(core) || NEVER_ALONE.has(core)) {
        for (const suffix of ['Inc', 'Corp', 'Corporation', 'plc', 'Ltd']) addAlias(`${short} ${suffix}`, company, symbol);
      }
    }
    for (const extra of EXTRA_ALIASES[symbol] ?? []) addAlias(extra, company, symbol);
  }

  const root: TrieNode = { next: new Map(), aliases: [] };
  for (const { tokens, companies, needsCue } of byKey.values()) {
    if (companies.size !== 1) continue;
    const members = [...companies.values()][0] ?? new Set<string>();
    let node = root;
    for (const token of tokens) {
      let child = node.next.get(token.key);
      if (child === undefined) {
        child = { next: new Map(), aliases: [] };
        node.next.set(token.key, child);
      }
      node = child;
    }
    node.aliases.push({ symbols: [...members].sort(), capitalised: tokens.map((token) => token.capitalised), needsCue });
  }
  return root;
}

function matchNames(trie: TrieNode, tokens: readonly NameToken[], tickersInText: ReadonlySet<string>): Set<string> {
  const linked = new Set<string>();
  for (let start = 0; start < tokens.length; start += 1) {
    const candidates: { end: number; aliases: Alias[] }[] = [];
    let node: TrieNode | undefined = trie;
    for (let end = start; end < tokens.length && node !== undefined; end += 1) {
      node = node.next.get(tokens[end]?.key ?? '');
      if (node !== undefined && node.aliases.length > 0) candidates.push({ end: end + 1, aliases: node.aliases });
    }
    // Longest name first ("FedEx Freight" before "FedEx"); a shorter one when the longer does not qualify.
    let matchedEnd = -1;
    for (let c = candidates.length - 1; c >= 0 && matchedEnd < 0; c -= 1) {
      const { end, aliases } = candidates[c] ?? { end: 0, aliases: [] };
      for (const alias of aliases) {
        if (!capitalisedAsNamed(alias, tokens, start)) continue;
        if (alias.needsCue && !corroborated(alias, tokens, start, end, tickersInText)) continue;
        for (const symbol of alias.symbols) linked.add(symbol);
        matchedEnd = end;
        break;
      }
    }
    if (matchedEnd > 0) start = matchedEnd - 1;
  }
  return linked;
}

function capitalisedAsNamed(alias: Alias, tokens: readonly NameToken[], start: number): boolean {
  return alias.capitalised.every((capitalised, i) => !capitalised || tokens[start + i]?.capitalised === true);
}

function corroborated(alias: Alias, tokens: readonly NameToken[], start: number, end: number, tickersInText: ReadonlySet<string>): boolean {
  if (alias.symbols.some((symbol) => tickersInText.has(symbol))) return true;
  const next = tokens[end]?.key;
  if (next !== undefined && CUES_AFTER.has(next)) return true;
  const before = `${tokens[start - 2]?.key ?? ''} ${tokens[start - 1]?.key ?? ''}`;
  return CUES_BEFORE.has(before);
}
