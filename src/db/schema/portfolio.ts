import { sql } from 'drizzle-orm';
import { check, index, numeric, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { createdAt, instant, price, updatedAt } from './columns.ts';
import { stocks } from './market.ts';

export const portfolioHoldings = pgTable('portfolio_holdings', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  symbol: varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol),
  // Fractional shares are common at retail brokers.
  shares: numeric('shares', { precision: 20, scale: 6 }).notNull(),
  averagePrice: price('average_price').notNull(),
  purchaseDate: instant('purchase_date'),
  notes: text('notes'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('portfolio_holdings_user_symbol_key').on(t.userId, t.symbol),
  index('portfolio_holdings_symbol_idx').on(t.symbol),
  check('portfolio_holdings_shares_check', sql`${t.shares} > 0`),
  check('portfolio_holdings_average_price_check', sql`${t.averagePrice} >= 0`),
]);

export const watchlists = pgTable('watchlists', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  symbol: varchar('symbol', { length: 16 }).notNull().references(() => stocks.symbol),
  alertPriceAbove: price('alert_price_above'),
  alertPriceBelow: price('alert_price_below'),
  notes: text('notes'),
  addedAt: createdAt(),
}, (t) => [
  uniqueIndex('watchlists_user_symbol_key').on(t.userId, t.symbol),
  // Alert checks look up every watcher of a symbol.
  index('watchlists_symbol_idx').on(t.symbol),
]);
