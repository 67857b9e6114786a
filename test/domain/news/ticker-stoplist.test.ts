import { describe, expect, it } from 'vitest';
import { BARE_TICKER_STOPLIST } from '../../../src/domain/news/ticker-stoplist.ts';

describe('BARE_TICKER_STOPLIST', () => {
  it.each(['A', 'ALL', 'IT', 'ON', 'ARE', 'CEO', 'USA', 'AI', 'EPS', 'GDP', 'NOW', 'KEY', 'LOW', 'DAY', 'COST', 'FAST', 'ICE', 'CMS', 'FANG', 'CRM', 'PM', 'MS', 'HD'])(
    'holds %s, which news writes as a word or abbreviation', (word) => {
      expect(BARE_TICKER_STOPLIST.has(word)).toBe(true);
    });

  it.each(['AAPL', 'MSFT', 'NVDA', 'AMD', 'JPM', 'GE', 'GM', 'GS', 'IBM', 'META', 'UPS', 'TSLA', 'XOM', 'KO', 'BRK.B'])(
    'leaves %s, a ticker that is nothing else, to be linked', (ticker) => {
      expect(BARE_TICKER_STOPLIST.has(ticker)).toBe(false);
    });

  it('holds only upper-case words', () => {
    expect([...BARE_TICKER_STOPLIST].filter((word) => !/^[A-Z0-9]+$/.test(word))).toEqual([]);
  });
});
