// The field names a screen may use: the documented default set, and the case-insensitive lookup with
// "did you mean" suggestions that every screen and sort compiles against.
import { isIdentifier, KEYWORDS } from './lexer.ts';

export interface ScreenFieldInfo {
  name: string;
  description: string;
}

/**
 * The quote and indicator fields of a screener row (latest daily values), as the issue names them.
 * Callers pass their own list to compileScreen; this one is the documented default.
 */
export const SCREEN_FIELD_INFO: readonly ScreenFieldInfo[] = [
  { name: 'price', description: 'last price' },
  { name: 'open', description: "today's open" },
  { name: 'high', description: "today's high" },
  { name: 'low', description: "today's low" },
  { name: 'close', description: 'latest close (the last price while the session is open)' },
  { name: 'volume', description: "today's volume, shares" },
  { name: 'change', description: 'price change from the previous close' },
  { name: 'changePercent', description: 'change from the previous close, in percent (5 means +5%)' },
  { name: 'marketCap', description: 'market capitalisation' },
  { name: 'avgVolume20', description: 'average daily volume of the last 20 sessions' },
  { name: 'volumeRatio', description: 'volume / avgVolume20' },
  { name: 'rsi', description: 'RSI 14 (Wilder), 0–100' },
  { name: 'macd', description: 'MACD line (12, 26)' },
  { name: 'macdSignal', description: 'MACD signal line (9)' },
  { name: 'macdHistogram', description: 'macd − macdSignal' },
  { name: 'sma20', description: 'simple moving average, 20 sessions' },
  { name: 'sma50', description: 'simple moving average, 50 sessions' },
  { name: 'sma200', description: 'simple moving average, 200 sessions' },
  { name: 'ema12', description: 'exponential moving average, 12 sessions' },
  { name: 'ema26', description: 'exponential moving average, 26 sessions' },
  { name: 'bollingerUpper', description: 'Bollinger upper band (20, 2)' },
  { name: 'bollingerMiddle', description: 'Bollinger middle band (the 20-session SMA)' },
  { name: 'bollingerLower', description: 'Bollinger lower band (20, 2)' },
  { name: 'atr', description: 'average true range, 14 sessions (Wilder)' },
  { name: 'obv', description: 'on-balance volume' },
  { name: 'stochK', description: 'stochastic %K (14, 3, 3), 0–100' },
  { name: 'stochD', description: 'stochastic %D (14, 3, 3), 0–100' },
  { name: 'adx', description: 'average directional index, 14 sessions, 0–100' },
  { name: 'cci', description: 'commodity channel index, 20 sessions' },
  { name: 'mfi', description: 'money flow index, 14 sessions, 0–100' },
  { name: 'williamsR', description: 'Williams %R, 14 sessions, −100–0' },
  { name: 'high52w', description: 'highest high of the last 52 weeks' },
  { name: 'low52w', description: 'lowest low of the last 52 weeks' },
  { name: 'support', description: 'support level from recent swing lows' },
  { name: 'resistance', description: 'resistance level from recent swing highs' },
];

export const SCREEN_FIELDS: readonly string[] = SCREEN_FIELD_INFO.map((field) => field.name);

/** How many names an unknown field's error offers. */
const MAX_SUGGESTIONS = 3;

/** A field list ready for lookups: lower-case name → the caller's spelling. */
export interface FieldTable {
  readonly names: readonly string[];
  readonly byLowerCase: ReadonlyMap<string, string>;
}

// Field lists are long-lived constants, so each is checked and indexed once.
const tables = new WeakMap<readonly string[], FieldTable>();

/** Index a caller's field list; a list that could never be written in a screen is a programming error. */
export function fieldTable(fields: readonly string[]): FieldTable {
  const known = tables.get(fields);
  if (known !== undefined) return known;
  const byLowerCase = new Map<string, string>();
  for (const name of fields) {
    if (!isIdentifier(name)) throw new TypeError(`Screen field "${name}" is not an identifier (letters, digits and _, not starting with a digit)`);
    const lower = name.toLowerCase();
    if (KEYWORDS.has(lower)) throw new TypeError(`Screen field "${name}" is a keyword of the screen language`);
    const other = byLowerCase.get(lower);
    if (other !== undefined) throw new TypeError(`Screen fields "${other}" and "${name}" differ only in case`);
    byLowerCase.set(lower, name);
  }
  const table: FieldTable = { names: [...fields], byLowerCase };
  tables.set(fields, table);
  return table;
}

/**
 * Known names close to an unknown one, closest first: within a few edits (a typo, a swapped pair),
 * or sharing a prefix (`sma` → sma20, sma50, sma200; `rsi14` → rsi).
 */
export function suggestFields(table: FieldTable, unknown: string): string[] {
  const wanted = unknown.toLowerCase();
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  const ranked: { name: string; distance: number }[] = [];
  for (const [lower, name] of table.byLowerCase) {
    const distance = editDistance(wanted, lower);
    const prefix = (wanted.length >= 2 && lower.startsWith(wanted)) || (lower.length >= 3 && wanted.startsWith(lower));
    if (distance <= allowed || prefix) ranked.push({ name, distance });
  }
  ranked.sort((a, b) => a.distance - b.distance || a.name.length - b.name.length || (a.name < b.name ? -1 : 1));
  return ranked.slice(0, MAX_SUGGESTIONS).map((entry) => entry.name);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  let beforePrevious = new Array<number>(width).fill(0);
  let previous = Array.from({ length: width }, (_, j) => j);
  let current = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (beforePrevious[j - 2] as number) + 1);
      current[j] = best;
    }
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[b.length] as number;
}
