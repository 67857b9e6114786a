import { sql } from 'drizzle-orm';
import { check, date, index, integer, numeric, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { createdAt, instant, price, updatedAt } from './columns.ts';
import { stocks } from './market.ts';

// Ledger amounts are unconstrained `numeric`: exact whatever scale they come in (a 1-for-3 split's
// ratio, an average price that is a quotient). The service bounds what a user may enter.
const amount = (name: string) => numeric(name);

/**
 * A user's position in one symbol. With transactions (portfolio_transactions), shares, average
 * price, cost, realised P&L and dividends are the ledger's result, written with each change to
 * them; `ledger_version` counts those changes (it keys caches of the ledger). Shares 0: closed.
 */
export const portfolioHoldings = pgTable('portfolio_holdings', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  symbol: varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol),
  currency: varchar('currency', { length: 3 }).notNull().default('USD'),
  shares: amount('shares').notNull(),
  averagePrice: amount('average_price').notNull(),
  totalCost: amount('total_cost').notNull().default('0'),
  realisedPnl: amount('realised_pnl').notNull().default('0'),
  dividends: amount('dividends').notNull().default('0'),
  transactionCount: integer('transaction_count').notNull().default(0),
  ledgerVersion: integer('ledger_version').notNull().default(0),
  purchaseDate: instant('purchase_date'),
  notes: text('notes'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('portfolio_holdings_user_symbol_key').on(t.userId, t.symbol),
  index('portfolio_holdings_symbol_idx').on(t.symbol),
  check('portfolio_holdings_shares_check', sql`${t.shares} >= 0`),
  check('portfolio_holdings_average_price_check', sql`${t.averagePrice} >= 0`),
]);

/** Buys, sells, dividends and splits of a holding (see src/domain/portfolio/transaction.ts). */
export const portfolioTransactions = pgTable('portfolio_transactions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  holdingId: uuid('holding_id').notNull().references(() => portfolioHoldings.id, { onDelete: 'cascade' }),
  symbol: varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol),
  type: varchar('type', { length: 8 }).notNull(),
  date: instant('date').notNull(),
  /** The New York session date the transaction belongs to (filters and the ledger's day). */
  tradingDate: date('trading_date', { mode: 'string' }).notNull(),
  /** Shares bought, sold or entitled; a split's ratio (new shares per old share). */
  shares: amount('shares').notNull(),
  price: amount('price').notNull(),
  fees: amount('fees').notNull().default('0'),
  currency: varchar('currency', { length: 3 }).notNull(),
  /** opening: the buy a holding created through POST /holdings stands for; manual; import. */
  source: varchar('source', { length: 8 }).notNull(),
  /** SHA-256 of the canonical fields and occurrence (domain transactionKey): a re-import skips it. */
  duplicateKey: varchar('duplicate_key', { length: 64 }),
  notes: text('notes'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  index('portfolio_transactions_user_trading_date_idx').on(t.userId, t.tradingDate),
  index('portfolio_transactions_holding_idx').on(t.holdingId),
  uniqueIndex('portfolio_transactions_user_duplicate_key_key').on(t.userId, t.duplicateKey),
  // A holding stands for at most one opening buy.
  uniqueIndex('portfolio_transactions_opening_key').on(t.holdingId).where(sql`${t.source} = 'opening'`),
  check('portfolio_transactions_type_check', sql`${t.type} in ('buy', 'sell', 'dividend', 'split')`),
  check('portfolio_transactions_source_check', sql`${t.source} in ('opening', 'manual', 'import')`),
  check('portfolio_transactions_shares_check', sql`${t.shares} > 0`),
  check('portfolio_transactions_price_check', sql`${t.price} >= 0`),
  check('portfolio_transactions_fees_check', sql`${t.fees} >= 0`),
]);

export const watchlists = pgTable('watchlists', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  symbol: varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol),
  alertPriceAbove: price('alert_price_above'),
  alertPriceBelow: price('alert_price_below'),
  /** Alert when the day's move is beyond ± this many percent. */
  alertChangePercent: numeric('alert_change_percent', { precision: 9, scale: 4 }),
  notes: text('notes'),
  addedAt: createdAt(),
}, (t) => [
  uniqueIndex('watchlists_user_symbol_key').on(t.userId, t.symbol),
  // Alert checks look up every watcher of a symbol.
  index('watchlists_symbol_idx').on(t.symbol),
  check('watchlists_alert_change_percent_check', sql`${t.alertChangePercent} > 0`),
]);

/** Price alerts that fired (the real-time engine writes them; their owner lists and marks them read). */
export const alerts = pgTable('alerts', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  // The alert outlives its watchlist entry.
  watchlistId: uuid('watchlist_id').references(() => watchlists.id, { onDelete: 'set null' }),
  symbol: varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol, { onDelete: 'cascade' }),
  kind: varchar('kind', { length: 16 }).notNull(),
  /** The line crossed: a price (above, below) or a percent (change_percent). */
  threshold: amount('threshold').notNull(),
  /** The price that crossed it. */
  price: amount('price').notNull(),
  /** The day's move in percent when it fired. */
  changePercent: amount('change_percent'),
  /** Set by the writer so one crossing is recorded once, however many instances see it. */
  dedupeKey: varchar('dedupe_key', { length: 128 }),
  firedAt: instant('fired_at').notNull(),
  readAt: instant('read_at'),
}, (t) => [
  index('alerts_user_fired_at_idx').on(t.userId, t.firedAt),
  uniqueIndex('alerts_user_dedupe_key_key').on(t.userId, t.dedupeKey),
  check('alerts_kind_check', sql`${t.kind} in ('above', 'below', 'change_percent')`),
]);
