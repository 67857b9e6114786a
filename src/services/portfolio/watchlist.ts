// The watchlist: symbols a user follows, with the latest price and the alert lines the real-time
// engine watches (price above, price below, the day's move beyond ±N%).
import type { Decimal } from 'decimal.js';
import type { WatchlistFields, WatchlistRepository, WatchlistWithStock } from '../../db/repositories/watchlist.ts';
import { conflict, invalid, notFound } from '../../domain/errors.ts';
import { decimalOrNull } from '../../domain/portfolio/index.ts';
import type { Log } from '../../logging.ts';
import type { StockCatalog } from '../market/catalog.ts';
import type { QuoteService } from '../market/quotes.ts';
import { optionalAmount, PLACES, wire } from './amounts.ts';
import { knownStock } from './holdings.ts';
import { latestPrices, type Priced } from './pricing.ts';

export const MAX_WATCHLIST = 1_000;

export interface WatchlistInput {
  symbol: string;
  alertPriceAbove?: number | string | null;
  alertPriceBelow?: number | string | null;
  alertChangePercent?: number | string | null;
  notes?: string | null;
}

export type WatchlistPatch = Omit<WatchlistInput, 'symbol'>;

export interface WatchlistView {
  id: string;
  symbol: string;
  stockName: string;
  currency: string;
  currentPrice: number | null;
  change: number | null;
  changePercent: number | null;
  priceAsOf: string | null;
  priceReason: string | null;
  alertPriceAbove: number | null;
  alertPriceBelow: number | null;
  alertChangePercent: number | null;
  notes: string | null;
  addedAt: string;
}

// The columns hold 6 decimals for prices and 4 for the percent.
const PRICE_RULE = { sign: 'positive', max: 1e9, decimals: 6 } as const;
const PERCENT_RULE = { sign: 'positive', max: 1_000, decimals: 4 } as const;
const MAX_NOTES = 2_000;

function view(entry: WatchlistWithStock, priced: Priced | undefined): WatchlistView {
  const quote = priced?.quote ?? null;
  return {
    id: entry.id,
    symbol: entry.symbol,
    stockName: entry.stockName,
    currency: entry.currency,
    currentPrice: quote?.price ?? null,
    change: quote?.change ?? null,
    changePercent: quote?.changePercent ?? null,
    priceAsOf: quote?.timestamp ?? null,
    priceReason: priced?.reason ?? null,
    alertPriceAbove: wire(entry.alertPriceAbove, PLACES.price),
    alertPriceBelow: wire(entry.alertPriceBelow, PLACES.price),
    alertChangePercent: wire(entry.alertChangePercent, PLACES.percent),
    notes: entry.notes,
    addedAt: entry.addedAt.toISOString(),
  };
}

const text = (value: Decimal | null | undefined): string | null | undefined => (value === undefined || value === null ? value : value.toFixed());

/** Checked alert lines and notes; the two price lines may not cross (above must be over below). */
function fieldsOf(input: WatchlistPatch, current: Pick<WatchlistWithStock, 'alertPriceAbove' | 'alertPriceBelow'> | null): WatchlistFields {
  const above = optionalAmount('alertPriceAbove', input.alertPriceAbove, PRICE_RULE);
  const below = optionalAmount('alertPriceBelow', input.alertPriceBelow, PRICE_RULE);
  const percent = optionalAmount('alertChangePercent', input.alertChangePercent, PERCENT_RULE);
  if (input.notes !== undefined && input.notes !== null && input.notes.length > MAX_NOTES) {
    throw invalid('notes is too long.', { notes: [`Ensure this field has no more than ${MAX_NOTES} characters.`] });
  }
  const finalAbove = above !== undefined ? above : decimalOrNull(current?.alertPriceAbove);
  const finalBelow = below !== undefined ? below : decimalOrNull(current?.alertPriceBelow);
  if (finalAbove !== null && finalBelow !== null && !finalAbove.gt(finalBelow)) {
    throw invalid('alertPriceAbove must be higher than alertPriceBelow.', { alertPriceAbove: ['Must be higher than alertPriceBelow.'] });
  }
  const fields: WatchlistFields = {};
  if (above !== undefined) fields.alertPriceAbove = text(above);
  if (below !== undefined) fields.alertPriceBelow = text(below);
  if (percent !== undefined) fields.alertChangePercent = text(percent);
  if (input.notes !== undefined) fields.notes = input.notes;
  return fields;
}

export class WatchlistService {
  constructor(
    private readonly repo: WatchlistRepository,
    private readonly catalog: StockCatalog,
    private readonly quotes: QuoteService,
    /** Told when an entry's alert lines may have changed, so the alert engine reloads the symbol's (issue 21). */
    private readonly alertLines: { linesChanged(symbol: string): Promise<void> } | null = null,
  ) {}

  private async views(entries: readonly WatchlistWithStock[], log: Log): Promise<WatchlistView[]> {
    const prices = await latestPrices(this.quotes, entries.map((entry) => entry.symbol), log);
    return entries.map((entry) => view(entry, prices.get(entry.symbol)));
  }

  async list(userId: string, page: { offset: number; limit: number }, log: Log): Promise<{ items: WatchlistView[]; count: number }> {
    const { rows, count } = await this.repo.list(userId, page);
    return { items: await this.views(rows, log), count };
  }

  async get(userId: string, id: string, log: Log): Promise<WatchlistView> {
    const entry = await this.repo.get(userId, id);
    if (entry === null) throw notFound('Watchlist entry not found.');
    const [answer] = await this.views([entry], log);
    return answer as WatchlistView;
  }

  async create(userId: string, input: WatchlistInput, log: Log): Promise<WatchlistView> {
    const stock = await knownStock(this.catalog, input.symbol);
    const fields = fieldsOf(input, null);
    const id = await this.repo.withUserLock(userId, async (tx) => {
      if ((await tx.count(userId)) >= MAX_WATCHLIST) {
        throw invalid(`At most ${MAX_WATCHLIST} watchlist entries per user.`, { symbol: [`Your watchlist has ${MAX_WATCHLIST} entries; remove one before adding another.`] });
      }
      const row = await tx.insert(userId, stock.symbol, fields);
      if (row === null) throw conflict(`${stock.symbol} is already on your watchlist.`, { symbol: [`${stock.symbol} is already on your watchlist.`] });
      return row.id;
    });
    await this.alertLines?.linesChanged(stock.symbol);
    return this.get(userId, id, log);
  }

  async update(userId: string, id: string, patch: WatchlistPatch, log: Log): Promise<WatchlistView> {
    const current = await this.repo.get(userId, id);
    if (current === null) throw notFound('Watchlist entry not found.');
    const found = await this.repo.update(userId, id, fieldsOf(patch, current));
    if (!found) throw notFound('Watchlist entry not found.');
    await this.alertLines?.linesChanged(current.symbol);
    return this.get(userId, id, log);
  }

  async delete(userId: string, id: string): Promise<void> {
    const entry = this.alertLines ? await this.repo.get(userId, id) : null;
    if (!(await this.repo.delete(userId, id))) throw notFound('Watchlist entry not found.');
    if (entry) await this.alertLines?.linesChanged(entry.symbol);
  }
}
