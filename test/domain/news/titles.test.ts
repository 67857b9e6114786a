import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  headlineOnly,
  similarTitles,
  stripSourceSuffix,
  TITLE_SIMILARITY_THRESHOLD,
  titleKey,
  titleSimilarity,
} from '../../../src/domain/news/titles.ts';

describe('titleKey', () => {
  it.each([
    ['outlet suffix after a hyphen', 'Apple beats estimates as iPhone sales rebound - Reuters', 'Apple beats estimates as iPhone sales rebound'],
    ['outlet suffix after a bar', 'Apple Beats Estimates As iPhone Sales Rebound | Fox Business', 'apple beats estimates as iphone sales rebound'],
    ['outlet suffix after an em dash', 'Apple beats estimates as iPhone sales rebound — The Motley Fool', 'apple beats estimates as iphone sales rebound'],
    ['a domain as suffix', 'Apple beats estimates as iPhone sales rebound - Nasdaq.com', 'apple beats estimates as iphone sales rebound'],
    ['two suffixes', 'Apple beats estimates as iPhone sales rebound - Reuters - Yahoo Finance', 'apple beats estimates as iphone sales rebound'],
    ['Reuters slug', 'UPDATE 2-Apple beats estimates as iPhone sales rebound', 'apple beats estimates as iphone sales rebound'],
    ['two slugs', 'REFILE-UPDATE 1-Apple beats estimates as iPhone sales rebound', 'apple beats estimates as iphone sales rebound'],
    ['spoken slug', 'Breaking: Apple beats estimates as iPhone sales rebound', 'apple beats estimates as iphone sales rebound'],
    ['curly quotes and possessive', '‘Apple’s comeback’: iPhone sales rebound', "'apple comeback': iphone sales rebound"],
    ['ampersand and U.S.', 'S&P 500 hits record as U.S. jobs data cools', 's and p 500 hits record as us jobs data cools'],
    ['percent spellings', 'Nvidia shares jump 5 percent', 'nvidia shares jump 5%'],
    ['thousands separators', 'Dow sheds 1,250 points', 'dow sheds 1250 points'],
    ['scale suffixes', 'Apple to buy back $110B of stock', 'apple to buy back 110 billion of stock'],
    ['wire abbreviations', 'Apple to buy back $110 bln of stock', 'apple to buy back 110 billion of stock'],
    ['accents', 'Estée Lauder cuts outlook', 'estee lauder cuts outlook'],
  ])('normalises %s', (_name, title, sameAs) => {
    expect(titleKey(title)).toBe(titleKey(sameAs));
    expect(titleKey(title)).not.toBe('');
  });

  it('keeps a trailing clause that is not an outlet', () => {
    expect(titleKey('Apple beats estimates - shares jump')).not.toBe(titleKey('Apple beats estimates'));
  });

  it('strips an unlisted outlet only when the item names it as its source', () => {
    const title = 'Apple beats estimates as iPhone sales rebound - Tiny Newsletter';
    expect(titleKey(title)).not.toBe(titleKey('Apple beats estimates as iPhone sales rebound'));
    expect(titleKey(title, 'Tiny Newsletter')).toBe(titleKey('Apple beats estimates as iPhone sales rebound'));
  });

  it('does not mistake COVID-19 or T-Mobile for a slug', () => {
    expect(headlineOnly('COVID-19 cases rise again')).toBe('COVID-19 cases rise again');
    expect(headlineOnly('T-Mobile adds subscribers')).toBe('T-Mobile adds subscribers');
  });

  it('is empty for a title without words', () => {
    expect(titleKey(' — ')).toBe('');
  });

  it('ignores case and an outlet suffix for any words', () => {
    const word = fc.stringMatching(/^[a-z]{2,9}$/);
    fc.assert(fc.property(fc.array(word, { minLength: 3, maxLength: 12 }), fc.constantFrom('Reuters', 'Bloomberg', 'CNBC', 'Yahoo Finance', 'MarketWatch'), (words, outlet) => {
      const title = words.join(' ');
      expect(titleKey(`${title.toUpperCase()} - ${outlet}`)).toBe(titleKey(title));
    }));
  });
});

describe('stripSourceSuffix', () => {
  it('removes only the named outlet unless asked for any', () => {
    expect(stripSourceSuffix('Apple beats - Reuters', 'Reuters')).toBe('Apple beats');
    expect(stripSourceSuffix('Apple beats - Reuters', 'Yahoo Finance')).toBe('Apple beats - Reuters');
    expect(stripSourceSuffix('Apple beats - Reuters', 'Yahoo Finance', true)).toBe('Apple beats');
  });
});

describe('similarTitles (threshold ' + String(TITLE_SIMILARITY_THRESHOLD) + ')', () => {
  it.each([
    ['case, suffix and slug', 'UPDATE 1-Apple beats Wall Street estimates as iPhone sales rebound', 'Apple Beats Wall Street Estimates As iPhone Sales Rebound - Yahoo Finance'],
    ['an article dropped in a long headline', 'Apple beats Wall Street estimates as iPhone sales rebound in China and India', 'Apple beats Wall Street estimates as iPhone sales rebound in China and in India'],
    ['one extra word in a long headline', 'Fed holds rates steady and signals fewer cuts this year as inflation stays sticky', 'Fed holds rates steady and signals fewer cuts this year as inflation stays very sticky'],
    ['percent written out', 'Nvidia shares jump 5% after blowout forecast', 'Nvidia shares jump 5 percent after blowout forecast'],
  ])('are copies: %s', (_name, a, b) => {
    expect(similarTitles(a, b)).toBe(true);
    expect(similarTitles(b, a)).toBe(true);
  });

  it.each([
    ['templated headline about another company', 'Apple (AAPL) Stock Sinks As Market Gains: What You Should Know', 'Microsoft (MSFT) Stock Sinks As Market Gains: What You Should Know'],
    ['templated headline, long', 'Is Apple (AAPL) Outperforming Other Computer and Technology Stocks This Year?', 'Is Microsoft (MSFT) Outperforming Other Computer and Technology Stocks This Year?'],
    ['a different figure', 'Dow drops 300 points as Treasury yields climb', 'Dow drops 500 points as Treasury yields climb'],
    ['the opposite move', 'Apple shares rise after earnings', 'Apple shares fall after earnings'],
    ['a short generic pair', 'Stocks rally', 'Stocks slump'],
    ['a clause added after a dash', 'Apple beats estimates - shares jump', 'Apple beats estimates'],
  ])('are different stories: %s', (_name, a, b) => {
    expect(similarTitles(a, b)).toBe(false);
  });

  it('scores identical headlines 1 and disjoint ones 0', () => {
    expect(titleSimilarity('Apple beats estimates', 'APPLE BEATS ESTIMATES - Reuters')).toBe(1);
    expect(titleSimilarity('Apple beats estimates', 'Oil slumps on supply glut')).toBe(0);
  });

  it('is symmetric and reflexive', () => {
    const word = fc.constantFrom('apple', 'beats', 'estimates', 'shares', 'rise', 'fall', 'fed', 'rates', 'oil', '5%', '300', 'the', 'as');
    const title = fc.array(word, { minLength: 1, maxLength: 10 }).map((words) => words.join(' '));
    fc.assert(fc.property(title, title, (a, b) => {
      expect(similarTitles(a, b)).toBe(similarTitles(b, a));
      expect(similarTitles(a, a)).toBe(true);
      expect(titleSimilarity(a, b)).toBeGreaterThanOrEqual(0);
      expect(titleSimilarity(a, b)).toBeLessThanOrEqual(1);
    }));
  });
});
