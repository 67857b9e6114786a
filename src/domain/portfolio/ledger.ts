// The ledger: positions follow from transactions by the average-cost method.
//
// Per symbol, in the order of compareTransactions:
//   buy       shares += n;  totalCost += n × price + fees   (commission is part of the cost basis)
//   sell      costSold = totalCost × n / shares (all of totalCost when the position closes);
//             realisedPnl += n × price − fees − costSold;  shares −= n;  totalCost −= costSold
//   dividend  dividends += shares × price − fees           (position unchanged)
//   split     shares ×= ratio;  totalCost unchanged         (so averagePrice ÷= ratio)
// averagePrice = totalCost / shares. Sums and products are exact; costSold and averagePrice are
// quotients rounded half-even to MONEY_DP (10) places, and totalCost is carried exactly as
// "cost in − cost sold", so totalCost + Σ costSold = Σ buy costs to the last digit.
import type { Decimal } from 'decimal.js';
import { ZERO, divideMoney } from './decimal.ts';
import {
  TransactionError,
  compareTransactions,
  describeTransaction,
  sortTransactions,
  type Transaction,
  type TransactionInput,
} from './transaction.ts';

/** A symbol's position after its transactions. Amounts are in the position's currency. */
export interface Position {
  symbol: string;
  currency: string;
  /** Shares held (0 once the position is closed). */
  shares: Decimal;
  /** totalCost / shares, rounded half-even to 10 places; 0 when no shares are held. */
  averagePrice: Decimal;
  /** Cost basis of the shares held: buys at price plus their fees, less the cost of shares sold. */
  totalCost: Decimal;
  /** Σ over sells of (shares × price − fees − cost of the shares sold at the average cost). */
  realisedPnl: Decimal;
  /** Σ over dividends of (shares × price − fees): cash received. */
  dividends: Decimal;
  /** Σ of every transaction's fees, for information: each is already counted in totalCost, realisedPnl or dividends. */
  fees: Decimal;
  /** Instants of the first and the last transaction. */
  firstDate: Date;
  lastDate: Date;
  transactions: number;
}

/** Money between the investor and the position that one transaction moves (both ≥ 0). */
export interface CashFlow {
  /** Paid into the position: a buy's n × price + fees (or a sell's / dividend's fees beyond its proceeds). */
  inflow: Decimal;
  /** Taken out: a sell's n × price − fees, a dividend's amount − fees. */
  outflow: Decimal;
}

/** One applied transaction: the position right after it, its cash flow and the P&L it realised. */
export interface LedgerStep {
  transaction: Transaction;
  position: Readonly<Position>;
  cashFlow: CashFlow;
  /** P&L this transaction realised (a sell's; 0 otherwise). */
  realised: Decimal;
}

/** A position as of one step. The average price is a quotient, so it is computed when first read. */
class PositionSnapshot implements Position {
  symbol: string;
  currency: string;
  shares: Decimal;
  totalCost: Decimal;
  realisedPnl: Decimal;
  dividends: Decimal;
  fees: Decimal;
  firstDate: Date;
  lastDate: Date;
  transactions: number;
  private average: Decimal | null = null;

  constructor(from: Omit<Position, 'averagePrice'>) {
    this.symbol = from.symbol;
    this.currency = from.currency;
    this.shares = from.shares;
    this.totalCost = from.totalCost;
    this.realisedPnl = from.realisedPnl;
    this.dividends = from.dividends;
    this.fees = from.fees;
    this.firstDate = from.firstDate;
    this.lastDate = from.lastDate;
    this.transactions = from.transactions;
  }

  get averagePrice(): Decimal {
    this.average ??= this.shares.isZero() ? ZERO : divideMoney(this.totalCost, this.shares);
    return this.average;
  }

  /** A plain object with the average price as a value (what positions() hands out). */
  toPosition(): Position {
    return {
      symbol: this.symbol, currency: this.currency, shares: this.shares, averagePrice: this.averagePrice, totalCost: this.totalCost,
      realisedPnl: this.realisedPnl, dividends: this.dividends, fees: this.fees, firstDate: this.firstDate, lastDate: this.lastDate,
      transactions: this.transactions,
    };
  }
}

/** Applies checked transactions in order and keeps every symbol's position. */
export class Ledger {
  private readonly bySymbol = new Map<string, PositionSnapshot>();
  private last: Transaction | null = null;

  /** Applies the next transaction; throws TransactionError (naming it) when it cannot apply. */
  apply(tx: Transaction): LedgerStep {
    if (this.last !== null && compareTransactions(this.last, tx) > 0) {
      throw ledgerError(tx, `applied out of order: it comes before ${describeTransaction(this.last)}`);
    }
    const before = this.bySymbol.get(tx.symbol);
    if (before !== undefined && before.currency !== tx.currency) {
      throw ledgerError(tx, `currency ${tx.currency} differs from the ${before.currency} of earlier ${tx.symbol} transactions`);
    }
    const position = new PositionSnapshot(before ?? {
      symbol: tx.symbol, currency: tx.currency, shares: ZERO, totalCost: ZERO,
      realisedPnl: ZERO, dividends: ZERO, fees: ZERO, firstDate: tx.date, lastDate: tx.date, transactions: 0,
    });
    let inflow = ZERO;
    let outflow = ZERO;
    let realised = ZERO;
    switch (tx.type) {
      case 'buy': {
        inflow = tx.shares.times(tx.price).plus(tx.fees);
        position.shares = position.shares.plus(tx.shares);
        position.totalCost = position.totalCost.plus(inflow);
        break;
      }
      case 'sell': {
        if (tx.shares.gt(position.shares)) {
          throw ledgerError(tx, `sells ${tx.shares.toFixed()} shares but only ${position.shares.toFixed()} are held`);
        }
        const costSold = tx.shares.eq(position.shares)
          ? position.totalCost
          : divideMoney(position.totalCost.times(tx.shares), position.shares);
        const proceeds = tx.shares.times(tx.price).minus(tx.fees);
        realised = proceeds.minus(costSold);
        position.realisedPnl = position.realisedPnl.plus(realised);
        position.shares = position.shares.minus(tx.shares);
        position.totalCost = position.totalCost.minus(costSold);
        ({ inflow, outflow } = splitFlow(proceeds));
        break;
      }
      case 'dividend': {
        const received = tx.shares.times(tx.price).minus(tx.fees);
        position.dividends = position.dividends.plus(received);
        ({ inflow, outflow } = splitFlow(received));
        break;
      }
      case 'split': {
        position.shares = position.shares.times(tx.shares);
        break;
      }
    }
    if (!tx.fees.isZero()) position.fees = position.fees.plus(tx.fees);
    position.lastDate = tx.date;
    position.transactions += 1;
    this.bySymbol.set(tx.symbol, position);
    this.last = tx;
    return { transaction: tx, position, cashFlow: { inflow, outflow }, realised };
  }

  /** The position of a symbol, or undefined when it has no transaction yet. */
  position(symbol: string): Position | undefined {
    return this.bySymbol.get(symbol)?.toPosition();
  }

  /** Every position, closed ones included, by symbol. */
  positions(): Position[] {
    return [...this.bySymbol.values()]
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
      .map((snapshot) => snapshot.toPosition());
  }
}

function ledgerError(tx: Transaction, why: string): TransactionError {
  return new TransactionError(`${describeTransaction(tx)}: ${why}`, tx.id);
}

/** Net money out as a flow: negative (fees beyond the proceeds) is money in. */
function splitFlow(net: Decimal): CashFlow {
  return net.isNegative() && !net.isZero() ? { inflow: net.neg(), outflow: ZERO } : { inflow: ZERO, outflow: net };
}

/**
 * Every step of a ledger, in application order (checks and sorts the transactions first).
 * Throws TransactionError naming the first transaction that is invalid or cannot apply (a sell
 * of more shares than held, a currency change).
 */
export function ledgerSteps(transactions: readonly TransactionInput[]): LedgerStep[] {
  const ledger = new Ledger();
  return sortTransactions(transactions).map((tx) => ledger.apply(tx));
}

/** The position of every symbol with transactions (closed ones included, shares 0), by symbol. */
export function positionsFrom(transactions: readonly TransactionInput[]): Position[] {
  const ledger = new Ledger();
  for (const tx of sortTransactions(transactions)) ledger.apply(tx);
  return ledger.positions();
}
