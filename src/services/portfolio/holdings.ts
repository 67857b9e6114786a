// Holdings (the seed's portfolio): create, read, change and delete a user's positions, each read
// back valued at the latest price, and the summary per currency. A holding created here stands
// for one opening buy in its ledger; once it has other transactions, its shares and average
// price follow from them (src/services/portfolio/transactions.ts).
import type { Decimal } from 'decimal.js';
import type { HoldingWithStock, PortfolioRepository } from '../../db/repositories/portfolio.ts';
import { conflict, invalid, NotFound, notFound } from '../../domain/errors.ts';
import { Money, normalizeTransaction, summarizeByCurrency, valueHolding, type CurrencySummary, type HoldingValuation } from '../../domain/portfolio/index.ts';
import type { Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import { symbolOrThrow, type StockCatalog, type StockRow } from '../market/catalog.ts';
import type { QuoteService } from '../market/quotes.ts';
import { amountField, instantField, PLACES, wire } from './amounts.ts';
import { freeDuplicateKey, rebuildPositions } from './ledger.ts';
import { latestPrices, type Priced } from './pricing.ts';

export const MAX_HOLDINGS = 1_000;

export interface HoldingInput {
  symbol: string;
  shares: number | string;
  averagePrice: number | string;
  purchaseDate?: string | null;
  notes?: string | null;
}

export interface HoldingPatch {
  shares?: number | string;
  averagePrice?: number | string;
  purchaseDate?: string | null;
  notes?: string | null;
}

/** A holding on the wire (API_CONTRACT.md's fields and what explains them). */
export interface HoldingView {
  id: string;
  symbol: string;
  stockName: string;
  currency: string;
  sector: string | null;
  shares: number;
  averagePrice: number;
  purchaseDate: string | null;
  notes: string | null;
  totalCost: number;
  currentPrice: number | null;
  previousClose: number | null;
  currentValue: number | null;
  profitLoss: number | null;
  profitLossPercent: number | null;
  dayChange: number | null;
  dayChangePercent: number | null;
  priceAsOf: string | null;
  priceSource: string | null;
  valueReason: string | null;
  dayChangeReason: string | null;
  realisedPnl: number;
  dividends: number;
  transactionCount: number;
  createdAt: string;
  updatedAt: string;
}

/** The totals of a set of holdings in one currency (day change null when no price of the day is known). */
interface Totals {
  totalValue: number;
  totalCost: number;
  profitLoss: number;
  profitLossPercent: number;
  dayChange: number | null;
  dayChangePercent: number | null;
  realisedPnl: number;
  dividends: number;
  note: string | null;
}

export interface CurrencyBreakdown extends Totals {
  currency: string;
  holdings: number;
  pricedHoldings: number;
}

/** GET /api/portfolio/summary: the contract's totals (of the main currency) and the breakdown per currency. */
export interface PortfolioSummary extends Totals {
  totalHoldings: number;
  currency: string;
  currencyBreakdown: CurrencyBreakdown[];
}

/** A holding with its valuation at the latest price. */
export interface ValuedHolding {
  holding: HoldingWithStock;
  valuation: HoldingValuation;
  priced: Priced;
}

const MAX_NOTES = 2_000;

function notesField(notes: string | null | undefined): string | null | undefined {
  if (notes === undefined || notes === null) return notes;
  if (notes.length > MAX_NOTES) throw invalid('notes is too long.', { notes: [`Ensure this field has no more than ${MAX_NOTES} characters.`] });
  return notes;
}

/** A symbol the catalog knows (fetched from the provider when new); unknown is a 400 on a body field. */
export async function knownStock(catalog: StockCatalog, raw: string): Promise<StockRow> {
  const symbol = symbolOrThrow(raw);
  try {
    return await catalog.resolve(symbol);
  } catch (error) {
    if (error instanceof NotFound) throw invalid(`Unknown symbol: ${symbol}.`, { symbol: [`${symbol} is not a symbol the market data provider knows.`] });
    throw error;
  }
}

export function holdingView({ holding, valuation, priced }: ValuedHolding): HoldingView {
  const { money, price, percent, shares } = PLACES;
  return {
    id: holding.id,
    symbol: holding.symbol,
    stockName: holding.stockName,
    currency: holding.currency,
    sector: holding.sector,
    shares: wire(valuation.shares, shares) as number,
    averagePrice: wire(valuation.averagePrice, price) as number,
    purchaseDate: holding.purchaseDate?.toISOString() ?? null,
    notes: holding.notes,
    totalCost: wire(valuation.totalCost, money) as number,
    currentPrice: wire(valuation.price, price),
    previousClose: wire(valuation.previousClose, price),
    currentValue: wire(valuation.currentValue, money),
    profitLoss: wire(valuation.profitLoss, money),
    profitLossPercent: wire(valuation.profitLossPercent, percent),
    dayChange: wire(valuation.dayChange, money),
    dayChangePercent: wire(valuation.dayChangePercent, percent),
    priceAsOf: priced.quote?.timestamp ?? null,
    priceSource: priced.quote?.source ?? null,
    valueReason: valuation.valueReason,
    dayChangeReason: valuation.dayChangeReason,
    realisedPnl: wire(holding.realisedPnl, money) as number,
    dividends: wire(holding.dividends, money) as number,
    transactionCount: holding.transactionCount,
    createdAt: holding.createdAt.toISOString(),
    updatedAt: holding.updatedAt.toISOString(),
  };
}

/** Values holdings at the latest prices (a price in another currency than the holding's is not used). */
export async function valueHoldings(quotes: QuoteService, holdings: readonly HoldingWithStock[], log: Log): Promise<ValuedHolding[]> {
  const prices = await latestPrices(quotes, holdings.map((holding) => holding.symbol), log);
  return holdings.map((holding) => {
    let priced = prices.get(holding.symbol) ?? { quote: null, reason: `no price for ${holding.symbol} yet` };
    if (priced.quote !== null && priced.quote.currency !== holding.currency) {
      priced = { quote: null, reason: `the latest ${holding.symbol} price is in ${priced.quote.currency}, the holding in ${holding.currency}` };
    }
    const valuation = valueHolding({
      shares: holding.shares,
      averagePrice: holding.averagePrice,
      totalCost: holding.totalCost,
      price: priced.quote === null ? null : priced.quote.price,
      previousClose: priced.quote?.previousClose ?? null,
      ...(priced.reason === null ? {} : { priceMissingReason: priced.reason }),
    });
    return { holding, valuation, priced };
  });
}

export class HoldingService {
  constructor(
    private readonly repo: PortfolioRepository,
    private readonly catalog: StockCatalog,
    private readonly quotes: QuoteService,
    private readonly clock: Clock,
  ) {}

  async list(userId: string, options: { includeClosed: boolean }, page: { offset: number; limit: number }, log: Log): Promise<{ items: HoldingView[]; count: number }> {
    const { rows, count } = await this.repo.holdings(userId, options, page);
    return { items: (await valueHoldings(this.quotes, rows, log)).map(holdingView), count };
  }

  async get(userId: string, id: string, log: Log): Promise<HoldingView> {
    const holding = await this.repo.holding(userId, id);
    if (holding === null) throw notFound('Holding not found.');
    const [valued] = await valueHoldings(this.quotes, [holding], log);
    return holdingView(valued as ValuedHolding);
  }

  async create(userId: string, input: HoldingInput, log: Log): Promise<HoldingView> {
    const stock = await knownStock(this.catalog, input.symbol);
    const shares = amountField('shares', input.shares, { sign: 'positive' });
    const averagePrice = amountField('averagePrice', input.averagePrice, { sign: 'positive' });
    const now = this.clock.now();
    const purchaseDate = input.purchaseDate === undefined || input.purchaseDate === null ? null : instantField('purchaseDate', input.purchaseDate, now);
    const notes = notesField(input.notes) ?? null;
    const id = await this.repo.withUserLock(userId, async (tx) => {
      if ((await tx.countHoldings(userId)) >= MAX_HOLDINGS) {
        throw invalid(`At most ${MAX_HOLDINGS} holdings per user.`, { symbol: [`You have ${MAX_HOLDINGS} holdings; delete one before adding another.`] });
      }
      const holding = await tx.insertHolding({ userId, symbol: stock.symbol, currency: stock.currency, purchaseDate, notes });
      if (holding === null) {
        const existing = await tx.holdingBySymbol(userId, stock.symbol);
        throw conflict(`You already hold ${stock.symbol}: change that holding (id ${existing?.id ?? '?'}) or record a transaction instead.`, { symbol: [`${stock.symbol} is already in your portfolio.`] });
      }
      const opening = normalizeTransaction({ id: 'opening', symbol: stock.symbol, type: 'buy', date: purchaseDate ?? now, shares, price: averagePrice, currency: stock.currency });
      await tx.insertTransactions([{
        userId, holdingId: holding.id, symbol: stock.symbol, type: 'buy', date: opening.date, tradingDate: opening.tradingDate,
        shares: shares.toFixed(), price: averagePrice.toFixed(), fees: '0', currency: stock.currency, source: 'opening',
        duplicateKey: await freeDuplicateKey(tx, userId, opening), notes: null,
      }]);
      await rebuildPositions(tx, [holding]);
      return holding.id;
    });
    return this.get(userId, id, log);
  }

  async update(userId: string, id: string, patch: HoldingPatch, log: Log): Promise<HoldingView> {
    const notes = notesField(patch.notes);
    const shares = patch.shares === undefined ? undefined : amountField('shares', patch.shares, { sign: 'positive' });
    const averagePrice = patch.averagePrice === undefined ? undefined : amountField('averagePrice', patch.averagePrice, { sign: 'positive' });
    const now = this.clock.now();
    const purchaseDate = patch.purchaseDate === undefined || patch.purchaseDate === null ? patch.purchaseDate : instantField('purchaseDate', patch.purchaseDate, now);
    await this.repo.withUserLock(userId, async (tx) => {
      const holding = await tx.holding(userId, id);
      if (holding === null) throw notFound('Holding not found.');
      if (notes !== undefined) await tx.updateNotes(userId, id, notes);
      if (shares === undefined && averagePrice === undefined && purchaseDate === undefined) return;
      const rows = await tx.transactionsOfHoldings([id]);
      const opening = rows.find((row) => row.source === 'opening');
      if (rows.length !== 1 || opening === undefined) {
        const touched = Object.fromEntries((['shares', 'averagePrice', 'purchaseDate'] as const)
          .filter((field) => patch[field] !== undefined)
          .map((field) => [field, ['Follows from the transactions: record a buy, sell or split instead.']]));
        throw invalid(
          `${holding.symbol}'s shares, average price and purchase date follow from its ${rows.length} transactions: record a buy, sell or split at POST /api/portfolio/transactions instead.`,
          touched,
        );
      }
      const opened = normalizeTransaction({
        id: opening.id, symbol: opening.symbol, type: 'buy',
        date: purchaseDate === undefined ? opening.date : purchaseDate ?? opening.createdAt,
        shares: shares ?? opening.shares, price: averagePrice ?? opening.price, currency: opening.currency,
      });
      await tx.updateTransaction(userId, opening.id, {
        date: opened.date, tradingDate: opened.tradingDate, shares: opened.shares.toFixed(), price: opened.price.toFixed(),
        duplicateKey: await freeDuplicateKey(tx, userId, opened, opening.duplicateKey),
      });
      await rebuildPositions(tx, [holding]);
    });
    return this.get(userId, id, log);
  }

  /** Deletes a holding and its transactions. */
  async delete(userId: string, id: string): Promise<void> {
    const gone = await this.repo.withUserLock(userId, (tx) => tx.deleteHolding(userId, id));
    if (!gone) throw notFound('Holding not found.');
  }

  async summary(userId: string, log: Log): Promise<PortfolioSummary> {
    const holdings = await this.repo.allHoldings(userId);
    const open = holdings.filter((holding) => new Money(holding.shares).gt(0));
    const valued = await valueHoldings(this.quotes, open, log);
    const perCurrency = summarizeByCurrency(valued.map(({ holding, valuation }) => ({ currency: holding.currency, valuation })));
    // Realised P&L and dividends of closed positions count too.
    const realised = new Map<string, { realisedPnl: Decimal; dividends: Decimal }>();
    for (const holding of holdings) {
      const sums = realised.get(holding.currency) ?? { realisedPnl: new Money(0), dividends: new Money(0) };
      realised.set(holding.currency, { realisedPnl: sums.realisedPnl.plus(holding.realisedPnl), dividends: sums.dividends.plus(holding.dividends) });
    }
    const breakdown = perCurrency.map((summary) => breakdownView(summary, realised.get(summary.currency)));
    for (const [currency, sums] of realised) {
      if (breakdown.some((row) => row.currency === currency)) continue;
      breakdown.push(breakdownView(emptySummary(currency), sums));
    }
    // The main currency: the one with the most money in it.
    breakdown.sort((a, b) => b.totalCost - a.totalCost || (a.currency < b.currency ? -1 : 1));
    const main = breakdown[0] ?? breakdownView(emptySummary('USD'), undefined);
    const notes = [
      breakdown.length > 1 ? `Totals are in ${main.currency} and cover its holdings only; ${breakdown.slice(1).map((row) => row.currency).join(', ')} holdings are in currencyBreakdown (currencies are not converted).` : null,
      ...breakdown.map((row) => row.note),
    ].filter((note): note is string => note !== null);
    return {
      totalHoldings: open.length,
      currency: main.currency,
      totalValue: main.totalValue,
      totalCost: main.totalCost,
      profitLoss: main.profitLoss,
      profitLossPercent: main.profitLossPercent,
      dayChange: main.dayChange,
      dayChangePercent: main.dayChangePercent,
      realisedPnl: main.realisedPnl,
      dividends: main.dividends,
      currencyBreakdown: breakdown,
      note: notes.length === 0 ? null : notes.join(' '),
    };
  }
}

function emptySummary(currency: string): CurrencySummary {
  const zero = new Money(0);
  return {
    currency, holdings: 0, pricedHoldings: 0, totalCost: zero, totalValue: null, profitLoss: null, profitLossPercent: null,
    dayChange: null, dayChangePercent: null, realisedPnl: zero, dividends: zero, note: null,
  };
}

/**
 * One currency's totals on the wire. The contract's client formats these numbers directly, so
 * value and P&L cover the priced holdings (0 when none is priced) and `note` names what is left out.
 */
function breakdownView(summary: CurrencySummary, realised: { realisedPnl: Decimal; dividends: Decimal } | undefined): CurrencyBreakdown {
  const { money, percent } = PLACES;
  const note = summary.pricedHoldings === 0 && summary.holdings > 0
    ? `No ${summary.currency} holding has a price yet: value and P&L are 0 until one does.`
    : summary.note;
  return {
    currency: summary.currency,
    holdings: summary.holdings,
    pricedHoldings: summary.pricedHoldings,
    totalValue: wire(summary.totalValue, money) ?? 0,
    totalCost: wire(summary.totalCost, money) ?? 0,
    profitLoss: wire(summary.profitLoss, money) ?? 0,
    profitLossPercent: wire(summary.profitLossPercent, percent) ?? 0,
    dayChange: wire(summary.dayChange, money),
    dayChangePercent: wire(summary.dayChangePercent, percent),
    realisedPnl: wire(realised?.realisedPnl ?? summary.realisedPnl, money) ?? 0,
    dividends: wire(realised?.dividends ?? summary.dividends, money) ?? 0,
    note: note === null ? null : `${note}.`.replace(/\.\.$/, '.'),
  };
}
