import { numeric, timestamp } from 'drizzle-orm/pg-core';

// Prices: 6 decimals covers sub-penny quotes; 18 digits covers any share price.
export const price = (name: string) => numeric(name, { precision: 18, scale: 6 });
// Money totals (market cap, position values): 2 decimals, 22 digits.
export const money = (name: string) => numeric(name, { precision: 22, scale: 2 });
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => instant('created_at').notNull().defaultNow();
export const updatedAt = () => instant('updated_at').notNull().defaultNow();
