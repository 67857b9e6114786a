import { describe, expect, it } from 'vitest';
import { NUMBER, tokenize } from '../../../src/domain/sentiment/tokens.ts';

/** The values of the numbers of a text, in order. */
function numbers(text: string): number[] {
  const tokens = tokenize(text);
  return tokens.values.filter((_, i) => tokens.kinds[i] === NUMBER && !Number.isNaN(tokens.values[i]));
}

describe('tokenize', () => {
  it('joins the numbers the PhraseBank split at their separators, and applies their scale', () => {
    expect(numbers('net loss narrowed to EUR500 ,000 from EUR5 .3 m')).toEqual([500_000, 5_300_000]);
    expect(numbers('sales of EUR 7,801.7 mn and 1.6 mln euro and EUR 2 billion')).toEqual([7_801_700_000, 1_600_000, 2_000_000_000]);
  });

  it('splits a currency glued to its number and records which currency each number is in', () => {
    const tokens = tokenize('net sales doubled to EUR131m from USD76m');
    const at = tokens.forms.flatMap((form, i) => (form === '<num>' ? [i] : []));
    expect(at.map((i) => tokens.values[i])).toEqual([131e6, 76e6]);
    expect(at.map((i) => tokens.currencies[i])).toEqual(['eur', 'usd']);
  });

  it('marks percentages written as %, pct, percent and per cent', () => {
    for (const text of ['rose 5 %', 'rose 5 pct', 'rose 5 percent', 'rose 5 per cent']) {
      const tokens = tokenize(text);
      expect(tokens.percents[tokens.forms.indexOf('<num>')], text).toBe(true);
    }
  });

  it('reads years as years, not as amounts', () => {
    const tokens = tokenize('in 2009 sales were 2009 units');
    expect(tokens.forms.filter((f) => f === '<year>')).toHaveLength(2);
    expect(numbers('in 2009 sales were 2009 units')).toEqual([]);
  });

  it('reads "a negative EUR 68.6 mn" as a negative amount', () => {
    expect(numbers('cash flow was a negative EUR 68.6 mn')).toEqual([-68_600_000]);
  });

  it('does not end a clause at the full stop of an abbreviation', () => {
    expect(tokenize('about U.S. $ 163 million').forms).not.toContain('.');
    expect(tokenize('Sales rose. Costs fell').forms).toContain('.');
  });

  it('folds case and possessives', () => {
    expect(tokenize("Nokia 's Profit").forms).toEqual(['nokia', 'profit']);
  });
});
