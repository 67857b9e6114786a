// The screen tokenizer: numbers (with k/M/B/T suffixes), identifiers, keywords and operators.
import { ScreenSyntaxError } from './errors.ts';

export type TokenKind =
  | 'number'
  | 'identifier'
  | 'and'
  | 'or'
  | 'not'
  | '+'
  | '-'
  | '*'
  | '/'
  | '<'
  | '<='
  | '>'
  | '>='
  | '='
  | '!='
  | '('
  | ')'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** The characters as written (`&&`, `AND`, `1.5M`); empty for `end`. */
  text: string;
  /** A number token's value; 0 for the others. */
  value: number;
  start: number;
  end: number;
}

/** Words that are operators, whatever their case, and so can never be field names. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not']);

/** Number suffixes, case-insensitive: 1k = 1,000; 2.5M = 2,500,000; 1B = 10⁹; 1T = 10¹². */
const SUFFIX_EXPONENT: Readonly<Record<string, number>> = { k: 3, m: 6, b: 9, t: 12 };

// Longest first, so `<=` is not read as `<` then `=`.
const OPERATORS: readonly (readonly [string, TokenKind])[] = [
  ['&&', 'and'],
  ['||', 'or'],
  ['<=', '<='],
  ['>=', '>='],
  ['==', '='],
  ['!=', '!='],
  ['<', '<'],
  ['>', '>'],
  ['=', '='],
  ['!', 'not'],
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['(', '('],
  [')', ')'],
];

// Spellings from other languages, refused with the one this language uses.
const MISSPELLED_OPERATORS: readonly (readonly [string, string])[] = [
  ['===', '='],
  ['!==', '!='],
  ['<>', '!='],
  ['=>', '>='],
  ['=<', '<='],
];

// Single characters that are half of an operator.
const HALF_OPERATORS: Readonly<Record<string, string>> = { '&': '&&', '|': '||' };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentifierStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isIdentifierPart = (c: string | undefined): boolean => isIdentifierStart(c) || isDigit(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Whether `text` is one identifier token (a field name can only be one). */
export function isIdentifier(text: string): boolean {
  if (!isIdentifierStart(text[0])) return false;
  for (let i = 1; i < text.length; i += 1) if (!isIdentifierPart(text[i])) return false;
  return true;
}

/** The tokens of `source`, ending with one `end` token. Throws ScreenSyntaxError on a bad character or number. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (isSpace(c)) {
      i += 1;
    } else if (isDigit(c) || (c === '.' && isDigit(source[i + 1]))) {
      const token = readNumber(source, i);
      tokens.push(token);
      i = token.end;
    } else if (isIdentifierStart(c)) {
      let end = i + 1;
      while (isIdentifierPart(source[end])) end += 1;
      const text = source.slice(i, end);
      const lower = text.toLowerCase();
      const kind: TokenKind = KEYWORDS.has(lower) ? (lower as TokenKind) : 'identifier';
      tokens.push({ kind, text, value: 0, start: i, end });
      i = end;
    } else {
      const token = readOperator(source, i);
      tokens.push(token);
      i = token.end;
    }
  }
  tokens.push({ kind: 'end', text: '', value: 0, start: source.length, end: source.length });
  return tokens;
}

function readNumber(source: string, start: number): Token {
  let i = start;
  while (isDigit(source[i])) i += 1;
  if (source[i] === '.') {
    i += 1;
    while (isDigit(source[i])) i += 1;
  }
  let suffixExponent = 0;
  let hasExponent = false;
  if (source[i] === 'e' || source[i] === 'E') {
    const sign = source[i + 1] === '+' || source[i + 1] === '-' ? 1 : 0;
    if (isDigit(source[i + 1 + sign])) {
      hasExponent = true;
      i += 1 + sign;
      while (isDigit(source[i])) i += 1;
    }
  }
  const mantissaEnd = i;
  const suffix = source[i]?.toLowerCase();
  if (!hasExponent && suffix !== undefined && Object.hasOwn(SUFFIX_EXPONENT, suffix) && !isIdentifierPart(source[i + 1]) && source[i + 1] !== '.') {
    suffixExponent = SUFFIX_EXPONENT[suffix] as number;
    i += 1;
  }
  if (isIdentifierPart(source[i]) || source[i] === '.') {
    let end = i;
    while (isIdentifierPart(source[end]) || source[end] === '.') end += 1;
    const text = source.slice(start, end);
    const hint = isIdentifierStart(source[i])
      ? 'put an operator between a number and a field (2*avgVolume20); the suffixes are k, M, B and T'
      : 'a number is digits with an optional fraction and exponent (2.5e6) or a k, M, B or T suffix';
    throw new ScreenSyntaxError('invalid_number', `invalid number "${text}"`, source, start, { length: end - start, hint });
  }
  // Shifting the exponent in the text keeps 1.1k exactly 1100, where 1.1 * 1000 would not be.
  const digits = source.slice(start, mantissaEnd);
  const value = Number(suffixExponent === 0 ? digits : `${digits}e${suffixExponent}`);
  if (!Number.isFinite(value)) {
    throw new ScreenSyntaxError('invalid_number', `number "${source.slice(start, i)}" is too large`, source, start, { length: i - start });
  }
  return { kind: 'number', text: source.slice(start, i), value, start, end: i };
}

function readOperator(source: string, start: number): Token {
  for (const [wrong, right] of MISSPELLED_OPERATORS) {
    if (source.startsWith(wrong, start)) {
      throw new ScreenSyntaxError('unexpected_character', `unknown operator "${wrong}"`, source, start, { length: wrong.length, hint: `write "${right}"` });
    }
  }
  for (const [text, kind] of OPERATORS) {
    if (source.startsWith(text, start)) return { kind, text, value: 0, start, end: start + text.length };
  }
  const whole = HALF_OPERATORS[source[start] as string];
  if (whole !== undefined) {
    throw new ScreenSyntaxError('unexpected_character', `unknown operator "${source[start]}"`, source, start, { hint: `write "${whole}"` });
  }
  const codePoint = source.codePointAt(start) as number;
  const character = String.fromCodePoint(codePoint);
  const shown = codePoint < 0x20 || codePoint === 0x7f ? `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}` : `"${character}"`;
  throw new ScreenSyntaxError('unexpected_character', `unexpected character ${shown}`, source, start, { length: character.length });
}
