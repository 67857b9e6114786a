// Tokens of a financial sentence: lower-case words, numbers with their value (scale words such as
// "mn" applied), and the punctuation that bounds clauses. Press-release text splits numbers
// ("EUR5 .3 m", "EUR500 ,000") and glues currencies to them ("EUR131m"); both are undone here.

export const WORD = 0;
export const NUMBER = 1;
export const PUNCT = 2;
export type TokenKind = typeof WORD | typeof NUMBER | typeof PUNCT;

export interface Tokens {
  /** The normalised form each feature is built from: words, '<num>', '<year>', '%', '<cur>', '<scale>', punctuation. */
  forms: string[];
  kinds: TokenKind[];
  /** A number's value with its scale applied ("5.3 m" is 5.3e6); NaN for other tokens. */
  values: number[];
  /** The currency word or sign before a number ('' when none), so "EUR 5 ( USD 7 )" is not read as a change. */
  currencies: string[];
  /** Whether a number is a percentage ("5 %", "5 pct", "5 percent"). */
  percents: boolean[];
}

const SCALES = new Map<string, number>([
  ['k', 1e3], ['thousand', 1e3], ['thousands', 1e3],
  ['m', 1e6], ['mn', 1e6], ['mln', 1e6], ['mio', 1e6], ['million', 1e6], ['millions', 1e6], ['meur', 1e6],
  ['b', 1e9], ['bn', 1e9], ['bln', 1e9], ['billion', 1e9], ['billions', 1e9],
]);

const CURRENCIES = new Set(['eur', 'euro', 'euros', 'usd', 'dollar', 'dollars', 'sek', 'nok', 'dkk', 'gbp', 'pound', 'pounds', 'jpy', 'yen', 'rub', 'roubles', 'rubles', 'chf', 'cny', 'yuan', 'pln', 'ltl', 'lvl', 'eek', 'kroons', 'kronor', 'krona', 'crowns', 'inr', 'rupees', '$', '€', '£']);
const ABBREVIATIONS = new Set(['inc', 'corp', 'co', 'ltd', 'plc', 'mr', 'mrs', 'ms', 'dr', 'jr', 'st', 'no', 'vs', 'approx', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'dept', 'est']);
const PERCENT_WORDS = new Set(['%', 'pct', 'percent', 'percentage']);

const NEGATORS = new Set(['not', 'no', "n't", 'never', 'without', 'nor', 'neither', 'none', 'cannot', 'hardly']);

/** Whether a word negates what follows it in its clause ("not", "no", "without", "didn't"). */
export function isNegator(form: string): boolean {
  return NEGATORS.has(form) || form.endsWith("n't");
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => c >= 97 && c <= 122;
const SIGNS = new Set(['%', '$', '€', '£']);
const MARKS = new Set(['.', ',', ';', ':', '!', '?', '(', ')', '[', ']']);

/**
 * The raw tokens of lower-case text: numbers (with thousands or decimal separators), words (one inner
 * apostrophe; hyphens split), currency and percent signs, punctuation. A hand-written scanner: this
 * is the hottest loop of classify.
 */
function scan(text: string): string[] {
  const raws: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let j = i + 1;
    if (isDigit(c)) {
      for (;;) {
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        const separator = text.charCodeAt(j);
        if ((separator === 46 || separator === 44) && j + 1 < n && isDigit(text.charCodeAt(j + 1))) j += 2;
        else break;
      }
    } else if (isLetter(c)) {
      while (j < n && isLetter(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 39 && j + 1 < n && isLetter(text.charCodeAt(j + 1))) {
        j += 2;
        while (j < n && isLetter(text.charCodeAt(j))) j++;
      }
    } else if (!SIGNS.has(text[i]!) && !MARKS.has(text[i]!)) {
      i = j;
      continue;
    }
    raws.push(text.slice(i, j));
    i = j;
  }
  return raws;
}

function numberValue(raw: string): number {
  // "400,000" and "1,250,000.5" use commas for thousands; a lone comma before other than three digits is a decimal comma.
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(raw)) return Number(raw.replaceAll(',', ''));
  if (/^\d+,\d+$/.test(raw)) return Number(raw.replace(',', '.'));
  const value = Number(raw);
  return Number.isFinite(value) ? value : Number.parseFloat(raw);
}

export function tokenize(text: string): Tokens {
  const clean = text
    .toLowerCase()
    .replace(/[’`´]/g, "'")
    .replace(/'s\b/g, '')
    // "EUR5 .3 m" and "EUR500 ,000": the PhraseBank's tokeniser split numbers at their separators.
    .replace(/(\d) ([.,])(\d)/g, '$1$2$3');
  const forms: string[] = [];
  const kinds: TokenKind[] = [];
  const values: number[] = [];
  const currencies: string[] = [];
  const percents: boolean[] = [];
  let lastCurrency = '';
  let sinceMinus = 99;
  let sinceCurrency = 99;
  for (const raw of scan(clean)) {
    const first = raw.charCodeAt(0);
    sinceCurrency += 1;
    sinceMinus += 1;
    if (first >= 48 && first <= 57) {
      const value = numberValue(raw);
      const isYear = /^(19[89]\d|20[0-3]\d)$/.test(raw);
      forms.push(isYear ? '<year>' : '<num>');
      kinds.push(NUMBER);
      // "a negative EUR 68.6 mn", "minus 3 %"
      values.push(isYear ? Number.NaN : sinceMinus <= 2 ? -value : value);
      currencies.push(sinceCurrency <= 2 ? lastCurrency : '');
      percents.push(false);
      continue;
    }
    const last = kinds.length - 1;
    if (PERCENT_WORDS.has(raw) || (raw === 'cent' && forms[last] === 'per')) {
      if (last >= 0 && kinds[last] === NUMBER) percents[last] = true;
      else if (raw === 'cent' && last >= 1 && kinds[last - 1] === NUMBER) percents[last - 1] = true;
      forms.push('%');
      kinds.push(WORD);
    } else if (CURRENCIES.has(raw)) {
      lastCurrency = raw === 'euro' || raw === 'euros' || raw === '€' ? 'eur' : raw === '$' || raw === 'dollar' || raw === 'dollars' ? 'usd' : raw;
      sinceCurrency = 0;
      // "5 mln euro": a currency after the number belongs to it.
      if (last >= 0 && currencies[last] === '' && (kinds[last] === NUMBER || (last >= 1 && kinds[last - 1] === NUMBER && forms[last] === '<scale>'))) {
        currencies[kinds[last] === NUMBER ? last : last - 1] = lastCurrency;
      }
      forms.push('<cur>');
      kinds.push(WORD);
    } else if (SCALES.has(raw) && last >= 0 && kinds[last] === NUMBER) {
      values[last] = values[last]! * SCALES.get(raw)!;
      forms.push('<scale>');
      kinds.push(WORD);
    } else if (first >= 97 && first <= 122) {
      if (raw === 'negative' || raw === 'minus') sinceMinus = 0;
      forms.push(raw);
      kinds.push(WORD);
    } else {
      // The full stop of "U.S." or "Corp." ends no clause.
      if (raw === '.' && last >= 0 && kinds[last] === WORD && (forms[last]!.length === 1 || ABBREVIATIONS.has(forms[last]!))) continue;
      forms.push(raw);
      kinds.push(PUNCT);
    }
    values.push(Number.NaN);
    currencies.push('');
    percents.push(false);
  }
  return { forms, kinds, values, currencies, percents };
}
