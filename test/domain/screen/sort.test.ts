import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScreen, parseSort, runScreen, SCREEN_FIELDS, ScreenSyntaxError } from '../../../src/domain/screen/index.ts';
import type { ScreenSort } from '../../../src/domain/screen/index.ts';
import { thrownBy } from './screen-support.ts';

const options = { fields: SCREEN_FIELDS };

function sortError(source: string): ScreenSyntaxError {
  const error = thrownBy(() => parseSort(source, options));
  expect(error).toBeInstanceOf(ScreenSyntaxError);
  return error as ScreenSyntaxError;
}

describe('parseSort', () => {
  it('reads a leading "-" as descending and "+" or nothing as ascending', () => {
    expect(parseSort('-changePercent', options)).toEqual({ field: 'changePercent', direction: 'desc' });
    expect(parseSort('changePercent', options)).toEqual({ field: 'changePercent', direction: 'asc' });
    expect(parseSort('+changePercent', options)).toEqual({ field: 'changePercent', direction: 'asc' });
  });

  it('takes any case and gives the caller’s spelling', () => {
    expect(parseSort('-MARKETCAP', options)).toEqual({ field: 'marketCap', direction: 'desc' });
  });

  it('ignores surrounding spaces, as a "+" decoded from a URL query leaves one', () => {
    expect(parseSort(' volume ', options)).toEqual({ field: 'volume', direction: 'asc' });
    expect(parseSort('  -volume', options)).toEqual({ field: 'volume', direction: 'desc' });
  });

  it('refuses an unknown field, with suggestions, at the field', () => {
    const error = sortError('-chngePercent');
    expect(error.reason).toBe('unknown_field');
    expect(error.position).toBe(1);
    expect(error.suggestions).toContain('changePercent');
  });

  it('refuses an empty sort', () => {
    for (const source of ['', '   ']) expect(sortError(source).reason).toBe('empty');
  });

  it('refuses anything but one field name, pointing at the first thing out of place', () => {
    const cases: [string, number, string][] = [
      ['-', '-'.length, 'unexpected_token'],
      ['--rsi', '--rsi'.indexOf('-', 1), 'unexpected_token'],
      ['-rsi,volume', '-rsi,volume'.indexOf(','), 'unexpected_character'],
      ['-rsi -volume', '-rsi -volume'.indexOf('-', 1), 'unexpected_token'],
      ['rsi desc', 'rsi desc'.indexOf('desc'), 'unexpected_token'],
      ['-and', 1, 'unexpected_token'],
      ['1rsi', 0, 'invalid_number'],
      ['-(rsi)', '-(rsi)'.indexOf('('), 'unexpected_token'],
    ];
    for (const [source, position, reason] of cases) {
      const error = sortError(source);
      expect(error.reason, source).toBe(reason);
      expect(error.position, source).toBe(position);
    }
  });

  it('refuses a very long sort before reading it', () => {
    expect(sortError('x'.repeat(10_240)).reason).toBe('too_long');
  });
});

describe('runScreen', () => {
  const fields = ['price', 'changePercent', 'volume'];
  const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(null, NaN));
  const rows = fc.array(fc.record({ id: fc.nat(), price: value, changePercent: value, volume: value }), { maxLength: 40 }).map((list) => list.map((row, id) => ({ ...row, id })));
  const sorts = fc.record({ field: fc.constantFrom(...fields), direction: fc.constantFrom('asc', 'desc' as const) });
  const screen = compileScreen('price > 0', { fields });

  const key = (row: Record<string, number | null>, sort: ScreenSort) => row[sort.field] ?? NaN;

  it('returns exactly the matching rows, ordered, missing keys last, ties in their given order', () => {
    fc.assert(
      fc.property(rows, sorts, (list, sort) => {
        const result = runScreen(list, screen, { sort });
        expect(new Set(result)).toEqual(new Set(list.filter(screen.matches)));
        expect(result.length).toBe(list.filter(screen.matches).length);
        for (let i = 1; i < result.length; i += 1) {
          const [before, after] = [key(result[i - 1]!, sort), key(result[i]!, sort)];
          if (Number.isNaN(before)) {
            expect(Number.isNaN(after)).toBe(true);
          } else if (!Number.isNaN(after)) {
            expect(sort.direction === 'asc' ? before <= after : before >= after).toBe(true);
          }
          if (before === after || (Number.isNaN(before) && Number.isNaN(after))) expect(result[i - 1]!.id).toBeLessThan(result[i]!.id);
        }
      }),
    );
  });

  it('keeps the given order without a sort', () => {
    fc.assert(
      fc.property(rows, (list) => {
        expect(runScreen(list, screen)).toEqual(list.filter(screen.matches));
      }),
    );
  });

  it('stops at the limit, after sorting', () => {
    fc.assert(
      fc.property(rows, sorts, fc.nat({ max: 50 }), (list, sort, limit) => {
        const all = runScreen(list, screen, { sort });
        expect(runScreen(list, screen, { sort, limit })).toEqual(all.slice(0, limit));
      }),
    );
  });

  it('takes rows of an interface type, with other properties beside the fields', () => {
    interface QuoteRow {
      symbol: string;
      price: number | null;
      changePercent: number | null;
    }
    const quotes: QuoteRow[] = [
      { symbol: 'AAA', price: 10, changePercent: 1 },
      { symbol: 'BBB', price: 20, changePercent: 5 },
      { symbol: 'CCC', price: null, changePercent: 9 },
    ];
    const result = runScreen(quotes, screen, { sort: parseSort('-changePercent', { fields }) });
    expect(result.map((quote) => quote.symbol)).toEqual(['BBB', 'AAA']);
  });

  it('refuses a limit that is not a whole number of rows', () => {
    for (const limit of [-1, 1.5, NaN, Infinity]) expect(() => runScreen([], screen, { limit })).toThrow(RangeError);
  });
});
