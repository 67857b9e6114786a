// The one error a screen or sort expression can raise: where it went wrong, and a caret under it.

/** Why a screen was refused; the message says it in words, this says it to code. */
export type ScreenErrorReason =
  | 'empty'
  | 'too_long'
  | 'too_deep'
  | 'too_many_terms'
  | 'unexpected_character'
  | 'invalid_number'
  | 'unexpected_token'
  | 'unclosed_parenthesis'
  | 'unknown_field'
  | 'type_mismatch';

/** Widest source excerpt shown above the caret, so a 2,000-character screen still reads on one line. */
const EXCERPT_WIDTH = 60;

/**
 * A screen or sort expression that cannot be compiled. `position` is the 0-based offset (in UTF-16
 * code units, as JavaScript indexes strings) of the offending token; `line` and `column` are 1-based.
 */
export class ScreenSyntaxError extends Error {
  override readonly name = 'ScreenSyntaxError';
  readonly reason: ScreenErrorReason;
  readonly position: number;
  /** How many characters the offending token spans (at least 1 in the caret). */
  readonly length: number;
  readonly line: number;
  readonly column: number;
  /** Two lines: the source around `position`, and a caret under the offending token. */
  readonly excerpt: string;
  /** Field names offered for an unknown field, closest first (empty otherwise). */
  readonly suggestions: readonly string[];

  constructor(
    reason: ScreenErrorReason,
    description: string,
    source: string,
    position: number,
    details: { length?: number; hint?: string; suggestions?: readonly string[] } = {},
  ) {
    const at = Math.max(0, Math.min(position, source.length));
    const suggestions = details.suggestions ?? [];
    const hint = suggestions.length > 0 ? `did you mean ${alternatives(suggestions)}?` : details.hint;
    super(`${description} at position ${at}${hint === undefined ? '' : `; ${hint}`}`);
    this.reason = reason;
    this.position = at;
    this.length = Math.max(1, details.length ?? 1);
    this.suggestions = suggestions;
    // lastIndexOf reads a negative start as 0, which would find a newline at offset 0 itself.
    const lineStart = at === 0 ? 0 : source.lastIndexOf('\n', at - 1) + 1;
    this.line = countNewlines(source, lineStart) + 1;
    this.column = at - lineStart + 1;
    this.excerpt = caretExcerpt(source, at, this.length, lineStart);
  }
}

/** `a`, `a or b`, `a, b or c`: how a person lists alternatives. */
export function alternatives(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function countNewlines(source: string, before: number): number {
  let lines = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < before; i = source.indexOf('\n', i + 1)) lines += 1;
  return lines;
}

function caretExcerpt(source: string, position: number, length: number, lineStart: number): string {
  let lineEnd = source.indexOf('\n', position);
  if (lineEnd === -1) lineEnd = source.length;
  if (lineEnd > lineStart && source[lineEnd - 1] === '\r') lineEnd -= 1;
  let from = lineStart;
  let to = lineEnd;
  if (to - from > EXCERPT_WIDTH) {
    // Keep some context before the offending token and as much of it as fits after.
    from = Math.max(lineStart, position - Math.floor(EXCERPT_WIDTH / 3));
    to = Math.min(lineEnd, from + EXCERPT_WIDTH);
    from = Math.max(lineStart, Math.min(from, to - EXCERPT_WIDTH));
  }
  const before = from > lineStart ? '…' : '';
  const after = to < lineEnd ? '…' : '';
  // Tabs become spaces so the caret lines up with the character above it.
  const text = source.slice(from, to).replace(/\t/g, ' ');
  const carets = Math.max(1, Math.min(length, to - position));
  return `${before}${text}${after}\n${' '.repeat(before.length + position - from)}${'^'.repeat(carets)}`;
}
