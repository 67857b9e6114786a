import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScreen, parseScreen, printScreen, SCREEN_FIELDS } from '../../../src/domain/screen/index.ts';
import { grouping, screenRow, screenTree, TEST_FIELDS, withoutSpans } from './screen-support.ts';

const canonical = (source: string) => printScreen(parseScreen(source, { fields: SCREEN_FIELDS }));

describe('printScreen', () => {
  it('writes lower-case keywords, the caller’s field spellings and single spaces', () => {
    expect(canonical('RSI<30   AND  close>SMA200 && !(volume==0) || avgvolume20>1')).toBe(
      'rsi < 30 and close > sma200 and not volume = 0 or avgVolume20 > 1',
    );
  });

  it('drops parentheses the grammar does not need', () => {
    expect(canonical('((rsi < 30)) and ((close) > (1 * 2))')).toBe('rsi < 30 and close > 1 * 2');
    expect(canonical('(rsi < 30 and close > 1) or volume > 1')).toBe('rsi < 30 and close > 1 or volume > 1');
    expect(canonical('(1 + 2) + 3 > 0')).toBe('1 + 2 + 3 > 0');
  });

  it('keeps parentheses that change the grouping', () => {
    expect(canonical('rsi < 30 and (close > 1 or volume > 1)')).toBe('rsi < 30 and (close > 1 or volume > 1)');
    expect(canonical('1 - (2 - 3) > 0')).toBe('1 - (2 - 3) > 0');
    expect(canonical('1 + (2 + 3) > 0')).toBe('1 + (2 + 3) > 0');
    expect(canonical('(1 + 2) * 3 > 0')).toBe('(1 + 2) * 3 > 0');
    expect(canonical('not (rsi < 30 or close > 1)')).toBe('not (rsi < 30 or close > 1)');
    expect(canonical('-(rsi + 1) > 0')).toBe('-(rsi + 1) > 0');
    expect(canonical('- -rsi > 0')).toBe('-(-rsi) > 0');
  });

  it('writes numbers in plain JavaScript notation', () => {
    expect(canonical('marketCap > 1.5B')).toBe(`marketCap > ${1.5e9}`);
    expect(canonical('rsi > 1e-7')).toBe(`rsi > ${1e-7}`);
    expect(canonical('rsi > 2.50')).toBe('rsi > 2.5');
  });
});

describe('print and parse back', () => {
  it('gives the same tree for random screens', () => {
    fc.assert(
      fc.property(screenTree, (tree) => {
        const reparsed = parseScreen(printScreen(tree), { fields: TEST_FIELDS });
        expect(withoutSpans(reparsed)).toEqual(withoutSpans(tree));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same answers on random rows', () => {
    fc.assert(
      fc.property(screenTree, fc.array(screenRow, { minLength: 1, maxLength: 6 }), (tree, rows) => {
        const once = compileScreen(printScreen(tree), { fields: TEST_FIELDS });
        const twice = compileScreen(once.text, { fields: TEST_FIELDS });
        expect(twice.text).toBe(once.text);
        for (const row of rows) expect(twice.matches(row)).toBe(once.matches(row));
      }),
      { numRuns: 300 },
    );
  });

  it('reads the fully parenthesised form as the same tree', () => {
    fc.assert(
      fc.property(screenTree, (tree) => {
        expect(withoutSpans(parseScreen(grouping(tree), { fields: TEST_FIELDS }))).toEqual(withoutSpans(tree));
      }),
      { numRuns: 300 },
    );
  });

  it('is indifferent to keyword case, field case, spacing and operator spellings', () => {
    const respell = fc.tuple(screenTree, fc.infiniteStream(fc.integer({ min: 0, max: 7 })));
    fc.assert(
      fc.property(respell, ([tree, choices]) => {
        const text = printScreen(tree);
        const pick = () => choices.next().value as number;
        // Rewrite each token of the canonical text with another spelling of the same thing.
        const variant = text
          .split(' ')
          .map((token) => {
            const choice = pick();
            if (token === 'and') return ['AND', 'And', '&&', 'and'][choice % 4];
            if (token === 'or') return ['OR', 'Or', '||', 'or'][choice % 4];
            if (token === 'not') return ['NOT', '!', 'Not', 'not'][choice % 4];
            if (token === '=') return choice % 2 === 0 ? '==' : '=';
            return choice % 2 === 0 ? token.toUpperCase() : token;
          })
          .join(['\n', '\t', '  ', ' '][pick() % 4]);
        expect(printScreen(parseScreen(variant, { fields: TEST_FIELDS }))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
