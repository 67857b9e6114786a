// The financial structure the model is given, checked on the features themselves (finance.ts),
// independent of the learned weights.
import { describe, expect, it } from 'vitest';
import { financeFeatures } from '../../../src/domain/sentiment/finance.ts';
import { tokenize } from '../../../src/domain/sentiment/tokens.ts';

const features = (text: string) => financeFeatures(tokenize(text));

/** The overall reading of the structure: '+', '-', '0' (balanced) or '' (nothing financial). */
function net(text: string): string {
  return features(text).find((f) => f.startsWith('net:'))?.slice(4) ?? '';
}

describe('direction × item polarity', () => {
  it.each([
    ['The operating loss narrowed', '+'],
    ['The net loss widened', '-'],
    ['Operating profit fell', '-'],
    ['Operating profit rose', '+'],
    ['Costs rose', '-'],
    ['Costs decreased', '+'],
    ['The company cut its costs', '+'],
    ['The company will cut 200 jobs', '-'],
    ['Net debt was reduced', '+'],
    ['Order intake grew', '+'],
    ['The result was burdened by increased fixed costs', '-'],
    ['Net loss was EUR 2 mn , down from a loss of EUR 5 mn', '+'],
  ])('"%s" reads %s', (text, expected) => {
    expect(net(text)).toBe(expected);
  });

  it('pairs each direction with its own item in a sentence about two', () => {
    const found = features('Net sales increased by 5 % , while operating profit decreased');
    expect(found).toContain('move:sales:up');
    expect(found).toContain('move:profit:down');
    expect(found).toContain('net:0');
  });

  it('turns a direction around under negation', () => {
    expect(net('Net sales did not increase')).toBe('-');
    expect(net('Costs did not rise')).toBe('+');
    expect(net('The company does not expect its net sales to decrease')).toBe('+');
  });

  it('reads a measured move of an unnamed figure as the company\'s own', () => {
    expect(net('Konecranes fell 5.5 percent to 20.51 euros')).toBe('-');
    expect(net('Subscriptions grew 7 per cent')).toBe('+');
  });

  it('does not take "up to" or "set up" for a rise', () => {
    expect(features('receive e-mails from up to 10 accounts').some((f) => f.startsWith('move:'))).toBe(false);
    expect(features('the company set up a subsidiary').some((f) => f.startsWith('move:'))).toBe(false);
  });
});

describe('comparisons with the prior period', () => {
  it.each([
    ['Operating profit rose to EUR 5 mn from EUR 3 mn', 'number:profit:up'],
    ['Operating profit totalled EUR 21.1 mn , up from EUR 18.6 mn', 'number:profit:up'],
    ['The operating margin came down to 2.4 % from 5.7 %', 'number:margin:down'],
    ['Net sales were EUR 970.8 mn , compared to EUR 906.8 mn in 2007', 'number:sales:up'],
    ['Net loss narrowed to EUR 415,000 from EUR 7.4 million', 'number:loss:down'],
    ['Operating profit was EUR 5.0 mn ( EUR 6.1 mn )', 'number:profit:down'],
    ['Net sales grew from EUR 3 mn to EUR 4 mn', 'number:sales:up'],
  ])('"%s" compares the two values: %s', (text, expected) => {
    expect(features(text)).toContain(expected);
  });

  it('compares values in the same currency only (a conversion is not a change)', () => {
    expect(features('an order worth USD 1.9 million ( EUR 1.3 m )').some((f) => f.startsWith('number:'))).toBe(false);
    expect(features('net profit went up to 8.6 mln euro $ 11.4 mln in fiscal 2005-06 , from 2.8 mln euro $ 3.7 mln')).toContain('number:profit:up');
  });

  it('reads swings between profit and loss', () => {
    expect(features('Operating profit was EUR 0.9 mn compared to a loss of EUR 0.7 mn')).toContain('swing:+');
    expect(features('It posted a EUR 1.49 million loss compared with a 1.70 million profit a year earlier')).toContain('swing:-');
    expect(features('The company moved to a zero pre-tax profit from a pre-tax loss of EUR 7m')).toContain('swing:+');
    expect(features('Ponsse expects to swing to a net profit')).toContain('swing:+');
    expect(features('The company turned to a loss')).toContain('swing:-');
  });
});

describe('finance terms and expectations', () => {
  it.each([
    ['Talentum has issued a profit warning', 'term:-'],
    ['The board proposed a share buyback', 'term:+'],
    ['Fourth-quarter earnings beat analysts \' expectations', 'expect:+'],
    ['EPS was below the analyst estimate of 61 cents', 'expect:-'],
    ['Results were not above expectations', 'expect:-'],
  ])('"%s" has %s', (text, expected) => {
    expect(features(text)).toContain(expected);
  });

  it('says nothing financial about a sentence with no finance in it', () => {
    expect(features('The annual general meeting will be held in Helsinki')).toEqual([]);
  });
});
