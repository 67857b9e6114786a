// The yahoo adapter's first contact with Yahoo: the real yahoo-finance2 cookie + crumb flow. The
// crumb is process-wide, so this test has a file (a process) of its own: it always sees the flow.
import { describe, expect, it } from 'vitest';
import { CRUMB, failures, provider, requestsTo, useRecordedYahoo, yahoo } from './recorded-yahoo.ts';

useRecordedYahoo();

describe('yahoo provider, first contact', () => {
  it('quotes several symbols in one request, after the real cookie + crumb flow', async () => {
    const quotes = await provider().quotes(['AAPL', 'MSFT', 'BRKS', 'ZZZZNOTREAL']);

    // BRKS (delisted, quoteType NONE) and the unknown symbol are simply absent.
    expect(quotes.map((q) => q.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(quotes[0]).toEqual({
      symbol: 'AAPL',
      price: 333.69,
      change: 3.37,
      changePercent: 1.02022,
      open: 333.205,
      high: 334.54,
      low: 330.61,
      previousClose: 330.32,
      volume: 31878433,
      currency: 'USD',
      marketCap: 4869931925504,
      timestamp: new Date(1790971201 * 1000),
      source: 'yahoo',
    });
    expect(quotes[1]).toMatchObject({ symbol: 'MSFT', price: 517.53, change: 4.73, open: null, marketCap: null });

    // The library got cookies from finance.yahoo.com and a crumb from query1 (this file's
    // only crumb-needing call; the crumb is process-wide), then sent both with the quote request.
    expect(yahoo.seen.map((s) => `${s.host}${s.path}`)).toEqual([
      'finance.yahoo.com/quote/AAPL',
      'query1.finance.yahoo.com/v1/test/getcrumb',
      'query2.finance.yahoo.com/v7/finance/quote',
    ]);
    const quoteRequest = requestsTo('/v7/finance/quote')[0];
    expect(quoteRequest?.query.get('symbols')).toBe('AAPL,MSFT,BRKS,ZZZZNOTREAL');
    expect(quoteRequest?.query.get('crumb')).toBe(CRUMB);
    expect(quoteRequest?.cookie).toContain('A3=d=AQABBPu5wGoCEPCyFodXSWWJJvA9rlLQAisFEgEBAQELwmrKatw20iMA_eMDAA');
    expect(failures()).toEqual([]);
  });

});
