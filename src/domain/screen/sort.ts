// The sort of a screen's results (`-changePercent`: largest change first) and running a screen over rows.
import type { CompiledScreen, ScreenRow } from './compile.ts';
import { fieldValue } from './compile.ts';
import { ScreenSyntaxError } from './errors.ts';
import { fieldTable, suggestFields } from './fields.ts';
import type { Token } from './lexer.ts';
import { tokenize } from './lexer.ts';
import type { ScreenOptions } from './parser.ts';
import { SCREEN_LIMITS } from './parser.ts';

export interface ScreenSort {
  /** The caller's spelling of the field. */
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/**
 * `-field` sorts descending, `field` or `+field` ascending; the field is case-insensitive and must be
 * one of `options.fields`. Spaces around it are ignored (a `+` in a URL query arrives as a space).
 */
export function parseSort(source: string, options: ScreenOptions): ScreenSort {
  const table = fieldTable(options.fields);
  if (source.length > SCREEN_LIMITS.maxLength) {
    throw new ScreenSyntaxError('too_long', `sort is ${source.length} characters long, more than the limit of ${SCREEN_LIMITS.maxLength}`, source, SCREEN_LIMITS.maxLength);
  }
  const tokens = tokenize(source);
  const sign = tokens[0] as Token;
  if (sign.kind === 'end') throw new ScreenSyntaxError('empty', 'empty sort', source, 0, { hint: 'name a field, e.g. -changePercent' });
  const signed = sign.kind === '-' || sign.kind === '+';
  const name = tokens[signed ? 1 : 0] as Token;
  if (name.kind !== 'identifier') {
    const found = name.kind === 'end' ? 'the end of the sort' : `"${name.text}"`;
    throw new ScreenSyntaxError('unexpected_token', `expected a field name, optionally after "-" (descending), but found ${found}`, source, name.start, { length: name.end - name.start });
  }
  const after = tokens[signed ? 2 : 1] as Token;
  if (after.kind !== 'end') {
    throw new ScreenSyntaxError('unexpected_token', `expected the end of the sort but found "${after.text}"`, source, after.start, { length: after.end - after.start, hint: 'sort by one field' });
  }
  const field = table.byLowerCase.get(name.text.toLowerCase());
  if (field === undefined) {
    throw new ScreenSyntaxError('unknown_field', `unknown field "${name.text}"`, source, name.start, { length: name.end - name.start, suggestions: suggestFields(table, name.text) });
  }
  return { field, direction: sign.kind === '-' ? 'desc' : 'asc' };
}

/**
 * The rows that match `screen`, in `sort` order (rows missing the sort field last, ties in their
 * given order), at most `limit` of them.
 */
export function runScreen<Row extends ScreenRow>(
  rows: readonly Row[],
  screen: CompiledScreen,
  options: { sort?: ScreenSort; limit?: number } = {},
): Row[] {
  const { sort, limit } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) throw new RangeError(`Screen limit must be a whole number ≥ 0, got ${limit}`);
  const matched = rows.filter(screen.matches);
  const ordered = sort === undefined ? matched : sortRows(matched, sort);
  return limit === undefined ? ordered : ordered.slice(0, limit);
}

function sortRows<Row extends ScreenRow>(rows: readonly Row[], sort: ScreenSort): Row[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  // Keys read once per row, not once per comparison; Array#sort is stable, so ties keep their order.
  const keyed = rows.map((row) => ({ row, key: fieldValue(row, sort.field) }));
  keyed.sort((a, b) => {
    const aMissing = Number.isNaN(a.key);
    const bMissing = Number.isNaN(b.key);
    if (aMissing || bMissing) return Number(aMissing) - Number(bMissing);
    return a.key === b.key ? 0 : a.key < b.key ? -sign : sign;
  });
  return keyed.map((entry) => entry.row);
}
