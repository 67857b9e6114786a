import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScreen, printScreen, SCREEN_FIELDS, ScreenSyntaxError } from '../../../src/domain/screen/index.ts';
import type { Row } from './screen-support.ts';
import { referenceTruth, screenRow, screenTree, TEST_FIELDS, thrownBy } from './screen-support.ts';

const fields = ['x', 'y', 'z', 'rsi', 'close', 'sma200', 'volume', 'avgVolume20', 'changePercent'];
const matches = (source: string, row: Row) => compileScreen(source, { fields }).matches(row);

// Ordinary values, ties, signed zeros, infinities and the missing ones.
const SAMPLES = [-2, -0, 0, 0.1, 1, 2, 1e21, Infinity, -Infinity];
const MISSING = [null, undefined, NaN];

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '=': (a, b) => a === b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

describe('operators', () => {
  it('compares two fields as JavaScript compares two numbers', () => {
    for (const [operator, compare] of Object.entries(COMPARE)) {
      for (const x of SAMPLES) for (const y of SAMPLES) expect(matches(`x ${operator} y`, { x, y }), `${x} ${operator} ${y}`).toBe(compare(x, y));
    }
  });

  it('compares a field with a number on either side', () => {
    for (const [operator, compare] of Object.entries(COMPARE)) {
      for (const x of SAMPLES) {
        expect(matches(`x ${operator} 1`, { x }), `${x} ${operator} 1`).toBe(compare(x, 1));
        expect(matches(`1 ${operator} x`, { x }), `1 ${operator} ${x}`).toBe(compare(1, x));
      }
    }
  });

  it('compares computed values', () => {
    for (const [operator, compare] of Object.entries(COMPARE)) {
      for (const x of SAMPLES) expect(matches(`x * 2 ${operator} x + 1`, { x })).toBe(compare(x * 2, x + 1));
    }
  });

  it('does arithmetic as JavaScript does (away from zero divisors)', () => {
    const values = [-3, -0.5, 0, 1, 7, 1e6];
    for (const [operator, apply] of Object.entries(ARITHMETIC)) {
      for (const x of values) {
        for (const y of values) {
          if (operator === '/' && y === 0) continue;
          const z = apply(x, y);
          expect(matches(`x ${operator} y = z`, { x, y, z }), `${x} ${operator} ${y}`).toBe(true);
          expect(matches(`x ${operator} y != z`, { x, y, z })).toBe(false);
        }
      }
    }
  });

  it('negates', () => {
    for (const x of [-2, 0, 3.5]) expect(matches('-x = y', { x, y: -x })).toBe(true);
    expect(matches('-(x - y) = y - x', { x: 5, y: 2 })).toBe(true);
  });

  it('uses number literals with their suffixes', () => {
    expect(matches('x = 2.5M', { x: 2_500_000 })).toBe(true);
    expect(matches('x > 1B', { x: 999_999_999 })).toBe(false);
    expect(matches('x * 1k = 1.5e3', { x: 1.5 })).toBe(true);
  });

  it('and, or and not on definite conditions', () => {
    for (const a of [true, false]) {
      for (const b of [true, false]) {
        const row = { x: a ? 1 : -1, y: b ? 1 : -1 };
        expect(matches('x > 0 and y > 0', row)).toBe(a && b);
        expect(matches('x > 0 && y > 0', row)).toBe(a && b);
        expect(matches('x > 0 or y > 0', row)).toBe(a || b);
        expect(matches('x > 0 || y > 0', row)).toBe(a || b);
        expect(matches('not x > 0', row)).toBe(!a);
        expect(matches('!(x > 0)', row)).toBe(!a);
      }
    }
  });

  it('reads fields whatever their case in the screen', () => {
    expect(matches('RSI < 30 AND Close > SMA200', { rsi: 20, close: 10, sma200: 9 })).toBe(true);
  });
});

describe('missing values', () => {
  it('a symbol with no value for a field never matches a comparison on it', () => {
    for (const missing of MISSING) {
      for (const operator of Object.keys(COMPARE)) {
        expect(matches(`rsi ${operator} 30`, { rsi: missing })).toBe(false);
        expect(matches(`30 ${operator} rsi`, { rsi: missing })).toBe(false);
        expect(matches(`x ${operator} rsi`, { x: 30, rsi: missing })).toBe(false);
        expect(matches(`rsi + 0 ${operator} 30`, { rsi: missing })).toBe(false);
      }
    }
    expect(matches('rsi < 30', {})).toBe(false);
  });

  it('not keeps a missing value unknown: neither a condition nor its negation matches', () => {
    for (const missing of MISSING) {
      expect(matches('rsi < 30', { rsi: missing })).toBe(false);
      expect(matches('not rsi < 30', { rsi: missing })).toBe(false);
      expect(matches('not not rsi < 30', { rsi: missing })).toBe(false);
      expect(matches('rsi != 30', { rsi: missing })).toBe(false);
    }
    expect(matches('not rsi < 30', { rsi: 50 })).toBe(true);
  });

  it('or still matches when its other side holds; and fails when its other side fails', () => {
    expect(matches('rsi < 30 or volume > 100', { rsi: null, volume: 200 })).toBe(true);
    expect(matches('volume > 100 or rsi < 30', { rsi: null, volume: 200 })).toBe(true);
    expect(matches('rsi < 30 or volume > 100', { rsi: null, volume: 50 })).toBe(false);
    expect(matches('not (rsi < 30 and volume > 100)', { rsi: null, volume: 50 })).toBe(true);
    expect(matches('not (rsi < 30 and volume > 100)', { rsi: null, volume: 200 })).toBe(false);
    expect(matches('rsi < 30 or not rsi < 30', { rsi: null })).toBe(false);
  });

  it('division by zero yields NaN, which matches nothing', () => {
    for (const x of [-1, 0, 1, Infinity]) {
      for (const operator of Object.keys(COMPARE)) expect(matches(`x / y ${operator} 0`, { x, y: 0 })).toBe(false);
      expect(matches('not x / y = 0', { x, y: 0 })).toBe(false);
      expect(matches('x / 0 > -1e308', { x })).toBe(false);
    }
    expect(matches('x / y > 0', { x: 1, y: -0 })).toBe(false);
  });
});

describe('the compiled screen', () => {
  it('lists the fields it reads, once each, in order of first use, in the caller’s spelling', () => {
    const screen = compileScreen('RSI < 30 and close > SMA200 and volume > 2 * avgvolume20 and rsi > 1', { fields });
    expect(screen.fields).toEqual(['rsi', 'close', 'sma200', 'volume', 'avgVolume20']);
    expect(compileScreen('1 < 2', { fields }).fields).toEqual([]);
  });

  it('keeps the source and gives the canonical text', () => {
    const source = 'RSI<30   AND (close>SMA200)';
    const screen = compileScreen(source, { fields });
    expect(screen.source).toBe(source);
    expect(screen.text).toBe(printScreen(screen.ast));
    expect(compileScreen(screen.text, { fields }).text).toBe(screen.text);
  });

  it('gives a predicate that works unbound, as a filter callback', () => {
    const rows = [{ rsi: 10 }, { rsi: 50 }, { rsi: null }, { rsi: 29.9 }];
    const { matches: predicate } = compileScreen('rsi < 30', { fields });
    expect(rows.filter(predicate)).toEqual(rows.filter((row) => row.rsi !== null && row.rsi < 30));
  });

  it('answers a constant screen without reading the row', () => {
    expect(compileScreen('1 < 2', { fields }).matches({})).toBe(true);
    expect(compileScreen('2 * 3 = 6 and not 1 > 2', { fields }).matches({})).toBe(true);
    expect(compileScreen('1 / 0 = 1 / 0', { fields }).matches({})).toBe(false);
  });

  it('refuses a row whose field is not a number or null, naming the field', () => {
    const screen = compileScreen('rsi < 30', { fields });
    const error = thrownBy(() => screen.matches({ rsi: '25' }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('"rsi"');
    expect(() => screen.matches({ rsi: 25, symbol: 'AAPL' })).not.toThrow();
  });

  it('raises ScreenSyntaxError for a bad screen', () => {
    expect(thrownBy(() => compileScreen('rsi <', { fields }))).toBeInstanceOf(ScreenSyntaxError);
  });

  it('compiles the example screen of the issue over the default fields', () => {
    const screen = compileScreen('rsi<30 and close>sma200 and volume>2*avgVolume20', { fields: SCREEN_FIELDS });
    const row = { rsi: 25, close: 110, sma200: 100, volume: 5e6, avgVolume20: 2e6 };
    expect(screen.matches(row)).toBe(true);
    expect(screen.matches({ ...row, volume: 3e6 })).toBe(false);
    expect(screen.matches({ ...row, rsi: null })).toBe(false);
  });
});

describe('properties', () => {
  it('agrees with an independent evaluator on random screens and rows', () => {
    fc.assert(
      fc.property(screenTree, fc.array(screenRow, { minLength: 1, maxLength: 8 }), (tree, rows) => {
        const screen = compileScreen(printScreen(tree), { fields: TEST_FIELDS });
        for (const row of rows) expect(screen.matches(row)).toBe(referenceTruth(tree, row) === true);
      }),
      { numRuns: 400 },
    );
  });

  it('never matches a condition and its negation on the same row', () => {
    fc.assert(
      fc.property(screenTree, screenRow, (tree, row) => {
        const text = printScreen(tree);
        const screen = compileScreen(text, { fields: TEST_FIELDS });
        const negation = compileScreen(`not (${text})`, { fields: TEST_FIELDS });
        expect(screen.matches(row) && negation.matches(row)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps De Morgan's laws with missing values", () => {
    fc.assert(
      fc.property(screenTree, screenTree, screenRow, (a, b, row) => {
        const [left, right] = [printScreen(a), printScreen(b)];
        const run = (source: string) => compileScreen(source, { fields: TEST_FIELDS }).matches(row);
        expect(run(`not ((${left}) and (${right}))`)).toBe(run(`not (${left}) or not (${right})`));
        expect(run(`not ((${left}) or (${right}))`)).toBe(run(`not (${left}) and not (${right})`));
      }),
      { numRuns: 200 },
    );
  });
});
