import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger, ledgerSteps, positionsFrom } from '../../../src/domain/portfolio/ledger.ts';
import {
  TransactionError,
  normalizeTransaction,
  transactionProblem,
  type TransactionInput,
} from '../../../src/domain/portfolio/transaction.ts';

let nextId = 1;
function tx(type: TransactionInput['type'], date: string, shares: string, price: string, fees = '0', extra: Partial<TransactionInput> = {}): TransactionInput {
  return { id: nextId++, symbol: 'AAPL', type, date, shares, price, fees, currency: 'USD', ...extra };
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe('positionsFrom (average cost)', () => {
  it('follows buys, a sell, a dividend and a split as computed by hand', () => {
    const [position] = positionsFrom([
      tx('buy', '2024-01-02', '10', '100', '5'),
      tx('buy', '2024-02-01', '10', '120', '5'),
      tx('sell', '2024-03-01', '5', '130', '2'),
      tx('dividend', '2024-04-01', '15', '0.5', '1'),
      tx('split', '2024-05-01', '2', '0'),
    ]);
    // cost in: 10×100 + 5 + 10×120 + 5 = 2210 for 20 shares (average 110.5)
    // sell 5: cost sold 2210 × 5/20 = 552.5; proceeds 5×130 − 2 = 648; realised 648 − 552.5 = 95.5
    // left 15 shares costing 2210 − 552.5 = 1657.5; dividend 15 × 0.5 − 1 = 6.5
    // split 2-for-1: 30 shares, cost 1657.5, average 1657.5 / 30 = 55.25
    expect(position?.shares.toFixed()).toBe('30');
    expect(position?.totalCost.toFixed()).toBe('1657.5');
    expect(position?.averagePrice.toFixed()).toBe('55.25');
    expect(position?.realisedPnl.toFixed()).toBe('95.5');
    expect(position?.dividends.toFixed()).toBe('6.5');
    expect(position?.fees.toFixed()).toBe('13');
    expect(position?.transactions).toBe(5);
    expect(position?.currency).toBe('USD');
  });

  it('is exact with decimal shares and prices: 0.1 + 0.2 shares is 0.3, 0.1 shares at 0.2 cost 0.02', () => {
    const sum = only(positionsFrom([tx('buy', '2024-01-02', '0.1', '1'), tx('buy', '2024-01-03', '0.2', '1')]));
    expect(sum.shares.toFixed()).toBe('0.3');
    expect(sum.shares.eq('0.3')).toBe(true);
    const cost = only(positionsFrom([tx('buy', '2024-01-02', '0.1', '0.2')]));
    expect(cost.totalCost.toFixed()).toBe('0.02');
    expect(cost.averagePrice.toFixed()).toBe('0.2');
  });

  it('accepts Decimal and number amounts as well as strings', () => {
    const position = only(positionsFrom([
      { id: 1, symbol: 'msft', type: 'buy', date: new Date('2024-01-02T15:00:00Z'), shares: new Decimal('0.1'), price: 0.2, currency: 'usd' },
    ]));
    expect(position.symbol).toBe('MSFT');
    expect(position.currency).toBe('USD');
    expect(position.totalCost.toFixed()).toBe('0.02');
  });

  it('rounds only quotients, to 10 places, and conserves the cost to the last digit', () => {
    const steps = ledgerSteps([
      tx('buy', '2024-01-02', '3', '3.3333333333', '0.0000000001'),
      tx('sell', '2024-01-03', '1', '4'),
      tx('sell', '2024-01-04', '2', '5'),
    ]);
    // cost in 3 × 3.3333333333 + 0.0000000001 = 10; the average is 10 / 3 = 3.3333333333 (10 places)
    expect(steps[0]?.position.totalCost.toFixed()).toBe('10');
    expect(steps[0]?.position.averagePrice.toFixed()).toBe('3.3333333333');
    // first sell: cost sold 10 × 1 / 3 rounded = 3.3333333333; realised 4 − 3.3333333333
    expect(steps[1]?.realised.toFixed()).toBe('0.6666666667');
    expect(steps[1]?.position.totalCost.toFixed()).toBe('6.6666666667');
    // closing sell takes all the remaining cost: realised 10 − 6.6666666667
    expect(steps[2]?.realised.toFixed()).toBe('3.3333333333');
    const closed = steps[2]?.position;
    expect(closed?.shares.isZero()).toBe(true);
    expect(closed?.totalCost.isZero()).toBe(true);
    expect(closed?.averagePrice.isZero()).toBe(true);
    // realised in total: proceeds 4 + 10 = 14 less the cost of 10, exactly
    expect(closed?.realisedPnl.toFixed()).toBe('4');
  });

  it('handles a reverse split (ratio 0.1) and keeps fractional shares', () => {
    const position = only(positionsFrom([tx('buy', '2024-01-02', '105', '2'), tx('split', '2024-02-01', '0.1', '0')]));
    // 105 shares × 0.1 = 10.5 shares; cost 210 stays, average 210 / 10.5 = 20
    expect(position.shares.toFixed()).toBe('10.5');
    expect(position.totalCost.toFixed()).toBe('210');
    expect(position.averagePrice.toFixed()).toBe('20');
  });

  it('refuses to sell more than is held, naming the transaction', () => {
    const sell = tx('sell', '2024-01-05', '11', '100');
    const run = (): unknown => positionsFrom([tx('buy', '2024-01-02', '10', '100'), sell]);
    expect(run).toThrow(TransactionError);
    expect(run).toThrow(`transaction ${sell.id} (sell 11 AAPL on 2024-01-05): sells 11 shares but only 10 are held`);
    try {
      run();
    } catch (error) {
      expect((error as TransactionError).transactionId).toBe(String(sell.id));
    }
  });

  it('applies by date whatever the input order, and on one date buys before sells', () => {
    const positions = positionsFrom([
      { ...tx('sell', '2024-01-03', '10', '110'), id: 1 },
      { ...tx('buy', '2024-01-03', '10', '100'), id: 2 },
      { ...tx('buy', '2024-01-02', '5', '90'), id: 3 },
    ]);
    // 5 @ 90 on the 2nd, then on the 3rd the buy (10 @ 100) before the sell:
    // 15 shares costing 1450; sell 10: cost sold 1450 × 10/15 = 966.6666666667 (10 places)
    const position = only(positions);
    expect(position.shares.toFixed()).toBe('5');
    expect(position.realisedPnl.toFixed()).toBe(new Decimal(1100).minus('966.6666666667').toFixed());
  });

  it('breaks a tie of date and type by id, numerically for whole-number ids', () => {
    const steps = ledgerSteps([
      { ...tx('buy', '2024-01-02', '1', '10'), id: '10' },
      { ...tx('buy', '2024-01-02', '1', '20'), id: '9' },
    ]);
    expect(steps.map((step) => step.transaction.id)).toEqual(['9', '10']);
  });

  it('puts a split before trades of the same instant (they are at post-split prices)', () => {
    const position = only(positionsFrom([
      tx('buy', '2024-06-09', '10', '200'),
      tx('buy', '2024-06-10', '10', '100'),
      tx('split', '2024-06-10', '2', '0'),
    ]));
    // split first: 20 shares costing 2000, then 10 more at 100: 30 shares costing 3000
    expect(position.shares.toFixed()).toBe('30');
    expect(position.averagePrice.toFixed()).toBe('100');
  });

  it('keeps a dividend received after the position closed', () => {
    const position = only(positionsFrom([
      tx('buy', '2024-01-02', '10', '10'),
      tx('sell', '2024-02-01', '10', '12'),
      tx('dividend', '2024-02-15', '10', '0.25'),
    ]));
    expect(position.shares.isZero()).toBe(true);
    expect(position.dividends.toFixed()).toBe('2.5');
    expect(position.realisedPnl.toFixed()).toBe('20');
  });

  it('refuses a currency change within a symbol', () => {
    expect(() => positionsFrom([tx('buy', '2024-01-02', '1', '10'), tx('buy', '2024-01-03', '1', '10', '0', { currency: 'EUR' })]))
      .toThrow(/currency EUR differs from the USD of earlier AAPL transactions/);
  });

  it('keeps positions per symbol, ordered by symbol', () => {
    const positions = positionsFrom([
      tx('buy', '2024-01-02', '1', '10', '0', { symbol: 'MSFT' }),
      tx('buy', '2024-01-02', '2', '10', '0', { symbol: 'AAPL' }),
    ]);
    expect(positions.map((p) => [p.symbol, p.shares.toFixed()])).toEqual([['AAPL', '2'], ['MSFT', '1']]);
  });

  it('reports the cash flow of each transaction', () => {
    const steps = ledgerSteps([
      tx('buy', '2024-01-02', '10', '10', '1'),
      tx('sell', '2024-01-03', '4', '12', '0.5'),
      tx('dividend', '2024-01-04', '6', '0.1', '0.1'),
      tx('sell', '2024-01-05', '1', '0', '2'),
    ]);
    const flows = steps.map((step) => [step.cashFlow.inflow.toFixed(), step.cashFlow.outflow.toFixed()]);
    // buy 100 + 1 in; sell 48 − 0.5 out; dividend 0.6 − 0.1 out; a write-off whose fee exceeds its proceeds is money in
    expect(flows).toEqual([['101', '0'], ['0', '47.5'], ['0', '0.5'], ['2', '0']]);
  });

  it('refuses a transaction applied out of order', () => {
    const ledger = new Ledger();
    ledger.apply(normalizeTransaction(tx('buy', '2024-01-03', '1', '10')));
    expect(() => ledger.apply(normalizeTransaction(tx('buy', '2024-01-02', '1', '10')))).toThrow(/applied out of order/);
  });
});

describe('transactionProblem', () => {
  it.each([
    [{ shares: '0' }, 'shares must be > 0'],
    [{ shares: '-1' }, 'shares must be > 0'],
    [{ price: '0' }, 'price must be > 0'],
    [{ fees: '-1' }, 'fees must be ≥ 0'],
    [{ currency: 'dollars' }, 'currency must be a 3-letter ISO code'],
    [{ date: '2024-02-30' }, 'date must be YYYY-MM-DD or an ISO instant with a zone'],
    [{ date: '2024-01-02T10:00:00' }, 'date must be YYYY-MM-DD or an ISO instant with a zone'],
    [{ shares: '1e' }, 'shares must be a decimal number'],
    [{ price: 'NaN' }, 'price must be a decimal number'],
    [{ symbol: '1ABC' }, 'invalid symbol'],
    [{ type: 'short' as TransactionInput['type'] }, 'type must be one of buy, sell, dividend, split'],
  ])('names the problem of %o', (change, problem) => {
    const message = transactionProblem({ ...tx('buy', '2024-01-02', '1', '10'), ...change });
    expect(message).toContain(problem);
  });

  it('accepts a sell at 0 (a write-off) and a split without a price', () => {
    expect(transactionProblem(tx('sell', '2024-01-02', '1', '0'))).toBeNull();
    expect(transactionProblem(tx('split', '2024-01-02', '3', '0'))).toBeNull();
    expect(transactionProblem(tx('split', '2024-01-02', '3', '0', '1'))).toContain('a split has no fees');
    expect(transactionProblem(tx('dividend', '2024-01-02', '3', '0'))).toContain('the dividend per share (price) must be > 0');
  });

  it('dates a date-only transaction on that date and an instant on its New York date', () => {
    expect(normalizeTransaction(tx('buy', '2024-01-02', '1', '1')).tradingDate).toBe('2024-01-02');
    // 02:00 UTC on the 3rd is 21:00 in New York on the 2nd
    expect(normalizeTransaction(tx('buy', '2024-01-03T02:00:00Z', '1', '1')).tradingDate).toBe('2024-01-02');
    expect(normalizeTransaction(tx('buy', '2024-01-03T10:00:00-05:00', '1', '1')).tradingDate).toBe('2024-01-03');
  });
});

const cents = fc.integer({ min: 1, max: 1_000_000 }).map((n) => new Decimal(n).div(100).toFixed());

describe('ledger properties', () => {
  it('a split keeps the total cost and multiplies the shares by its ratio', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(cents, cents), { minLength: 1, maxLength: 8 }),
      fc.constantFrom('2', '3', '0.5', '0.1', '1.5', '7'),
      (buys, ratio) => {
        const inputs = buys.map(([shares, price], i) => tx('buy', `2024-01-${String(i + 2).padStart(2, '0')}`, shares, price));
        const before = only(positionsFrom(inputs));
        const after = only(positionsFrom([...inputs, tx('split', '2024-02-01', ratio, '0')]));
        expect(after.totalCost.eq(before.totalCost)).toBe(true);
        expect(after.shares.eq(before.shares.times(ratio))).toBe(true);
      },
    ));
  });

  it('conserves money: cost held + cost of shares sold = everything paid for buys, exactly', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ sell: fc.boolean(), shares: cents, price: cents, fees: cents, fraction: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 20 }),
      (moves) => {
        const inputs: TransactionInput[] = [];
        let held = new Decimal(0);
        let paid = new Decimal(0);
        let sold = new Decimal(0);
        moves.forEach((move, i) => {
          const date = new Date(Date.UTC(2024, 0, 2 + i)).toISOString();
          if (move.sell && held.gt(0)) {
            const shares = held.times(move.fraction).div(100).toDecimalPlaces(4, Decimal.ROUND_DOWN);
            if (shares.isZero()) return;
            inputs.push(tx('sell', date, shares.toFixed(), move.price, move.fees));
            held = held.minus(shares);
            sold = sold.plus(shares);
          } else {
            inputs.push(tx('buy', date, move.shares, move.price, move.fees));
            held = held.plus(move.shares);
            paid = paid.plus(new Decimal(move.shares).times(move.price).plus(move.fees));
          }
        });
        const steps = ledgerSteps(inputs);
        const last = steps[steps.length - 1]?.position;
        // cost of each sale = its proceeds − fees − realised P&L
        let costSold = new Decimal(0);
        for (const step of steps) {
          if (step.transaction.type !== 'sell') continue;
          costSold = costSold.plus(step.transaction.shares.times(step.transaction.price).minus(step.transaction.fees).minus(step.realised));
        }
        expect(last?.shares.eq(held)).toBe(true);
        expect(last?.totalCost.plus(costSold).eq(paid)).toBe(true);
      },
    ));
  });

  it('the order of the input does not matter', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(cents, cents), { minLength: 2, maxLength: 8 }).chain((buys) => fc.tuple(fc.constant(buys), fc.shuffledSubarray(buys.map((_, i) => i), { minLength: buys.length }))),
      ([buys, order]) => {
        const inputs = buys.map(([shares, price], i) => ({ ...tx('buy', `2024-01-${String(i + 2).padStart(2, '0')}`, shares, price), id: i }));
        const a = only(positionsFrom(inputs));
        const b = only(positionsFrom(order.map((i) => inputs[i] as TransactionInput)));
        expect(b.totalCost.eq(a.totalCost)).toBe(true);
        expect(b.averagePrice.eq(a.averagePrice)).toBe(true);
      },
    ));
  });
});
