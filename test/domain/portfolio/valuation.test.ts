import { describe, expect, it } from 'vitest';
import { allocation, summarizeByCurrency, valueHolding } from '../../../src/domain/portfolio/valuation.ts';

const text = (value: { toFixed(): string } | null): string | null => (value === null ? null : value.toFixed());

describe('valueHolding', () => {
  it('values a holding as computed by hand', () => {
    const v = valueHolding({ shares: '10', averagePrice: '150', price: '165', previousClose: '160' });
    // cost 10 × 150 = 1500; value 10 × 165 = 1650; P&L 150 = 10% of cost
    // day change 10 × (165 − 160) = 50; 5 / 160 = 3.125%
    expect(text(v.totalCost)).toBe('1500');
    expect(text(v.currentValue)).toBe('1650');
    expect(text(v.profitLoss)).toBe('150');
    expect(text(v.profitLossPercent)).toBe('10');
    expect(text(v.dayChange)).toBe('50');
    expect(text(v.dayChangePercent)).toBe('3.125');
    expect(v.valueReason).toBeNull();
    expect(v.dayChangeReason).toBeNull();
  });

  it('is exact: 0.1 shares at 0.2 cost 0.02 and are worth 0.03 at 0.3', () => {
    const v = valueHolding({ shares: '0.1', averagePrice: '0.2', price: '0.3' });
    expect(text(v.totalCost)).toBe('0.02');
    expect(text(v.currentValue)).toBe('0.03');
    expect(text(v.profitLoss)).toBe('0.01');
    expect(text(v.profitLossPercent)).toBe('50');
  });

  it('says why a holding without a price has no value instead of valuing it at 0', () => {
    const v = valueHolding({ shares: '10', averagePrice: '150', price: null, priceMissingReason: 'XYZ has no quote yet' });
    expect(v.currentValue).toBeNull();
    expect(v.profitLoss).toBeNull();
    expect(v.profitLossPercent).toBeNull();
    expect(v.dayChange).toBeNull();
    expect(v.valueReason).toBe('XYZ has no quote yet');
    expect(text(v.totalCost)).toBe('1500');
  });

  it('values without a previous close, leaving only the day change null', () => {
    const v = valueHolding({ shares: '2', averagePrice: '10', price: '12' });
    expect(text(v.currentValue)).toBe('24');
    expect(v.dayChange).toBeNull();
    expect(v.dayChangeReason).toBe('no previous close yet');
  });

  it('uses the ledger cost basis when given (fees included)', () => {
    const v = valueHolding({ shares: '10', averagePrice: '100.5', totalCost: '1005', price: '110' });
    expect(text(v.profitLoss)).toBe('95');
  });
});

describe('summarizeByCurrency', () => {
  it('sums each currency apart and says when some holdings have no price', () => {
    const summaries = summarizeByCurrency([
      { currency: 'USD', valuation: valueHolding({ shares: '10', averagePrice: '100', price: '110', previousClose: '100' }), realisedPnl: '5', dividends: '1.5' },
      { currency: 'USD', valuation: valueHolding({ shares: '5', averagePrice: '20', price: '18', previousClose: '20' }) },
      { currency: 'USD', valuation: valueHolding({ shares: '1', averagePrice: '50', price: null }) },
      { currency: 'eur', valuation: valueHolding({ shares: '3', averagePrice: '10', price: '12' }) },
    ]);
    expect(summaries.map((s) => s.currency)).toEqual(['EUR', 'USD']);
    const [eur, usd] = summaries;
    // USD priced: value 1100 + 90 = 1190, cost 1000 + 100 = 1100, P&L 90 → 90/1100 = 8.1818…%
    // all USD cost: 1100 + 50 = 1150; day change 10×10 + 5×(−2) = 90 on a previous value of 1000 + 100 = 1100
    expect(usd?.holdings).toBe(3);
    expect(usd?.pricedHoldings).toBe(2);
    expect(text(usd?.totalCost ?? null)).toBe('1150');
    expect(text(usd?.totalValue ?? null)).toBe('1190');
    expect(text(usd?.profitLoss ?? null)).toBe('90');
    expect(usd?.profitLossPercent?.toNumber()).toBeCloseTo((90 / 1100) * 100, 12);
    expect(text(usd?.dayChange ?? null)).toBe('90');
    expect(usd?.dayChangePercent?.toNumber()).toBeCloseTo((90 / 1100) * 100, 12);
    expect(text(usd?.realisedPnl ?? null)).toBe('5');
    expect(text(usd?.dividends ?? null)).toBe('1.5');
    expect(usd?.note).toBe('1 of 3 USD holdings have no price yet: value and P&L cover the other 2');
    // EUR: value 36, cost 30, P&L 6 = 20%; no previous close, so no day change
    expect(text(eur?.totalValue ?? null)).toBe('36');
    expect(text(eur?.profitLossPercent ?? null)).toBe('20');
    expect(eur?.dayChange).toBeNull();
    expect(eur?.note).toBeNull();
  });

  it('has no value, rather than 0, when nothing is priced', () => {
    const [usd] = summarizeByCurrency([{ currency: 'USD', valuation: valueHolding({ shares: '1', averagePrice: '5', price: null }) }]);
    expect(usd?.totalValue).toBeNull();
    expect(usd?.profitLoss).toBeNull();
    expect(text(usd?.totalCost ?? null)).toBe('5');
  });
});

describe('allocation', () => {
  it('weights holdings and sectors by value, largest first, leaving unpriced ones out', () => {
    const result = allocation([
      { symbol: 'AAPL', sector: 'Technology', value: '300' },
      { symbol: 'MSFT', sector: 'Technology', value: '100' },
      { symbol: 'XOM', sector: 'Energy', value: '600' },
      { symbol: 'NEW', sector: null, value: null },
      { symbol: 'ODD', sector: '', value: '0' },
    ]);
    // total 1000: XOM 0.6, AAPL 0.3, MSFT 0.1, ODD 0; Energy 0.6, Technology 0.4, Unknown 0
    expect(result.total.toFixed()).toBe('1000');
    expect(result.byHolding.map((s) => [s.key, s.weight])).toEqual([['XOM', 0.6], ['AAPL', 0.3], ['MSFT', 0.1], ['ODD', 0]]);
    expect(result.bySector.map((s) => [s.key, s.weight, s.holdings])).toEqual([['Energy', 0.6, 1], ['Technology', 0.4, 2], ['Unknown', 0, 1]]);
    expect(result.unpriced).toEqual(['NEW']);
  });
});
