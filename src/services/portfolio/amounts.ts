// What a user may enter as an amount or a date, checked once for every portfolio route, and how
// exact decimals go back on the wire (JSON numbers, rounded to a sensible precision).
import type { Decimal } from 'decimal.js';
import { invalid } from '../../domain/errors.ts';
import { decimalOrNull, parseTransactionDate } from '../../domain/portfolio/index.ts';
import { isoDate } from '../../domain/time.ts';

/** Largest share count or price a user may enter: keeps sums far inside numeric's range. */
export const MAX_AMOUNT = 1e12;
/** Decimal places a user may enter for shares, prices and fees. */
export const MAX_DECIMALS = 10;

export interface AmountRule {
  /** positive: > 0; nonNegative: ≥ 0. */
  sign: 'positive' | 'nonNegative';
  max?: number;
  decimals?: number;
}

/** A decimal from a JSON number or a decimal string, checked against the rule; 400 naming the field otherwise. */
export function amountField(field: string, raw: number | string, rule: AmountRule): Decimal {
  const value = decimalOrNull(raw);
  if (value === null) throw invalid(`${field} must be a decimal number.`, { [field]: ['Enter a number such as 12.5.'] });
  const max = rule.max ?? MAX_AMOUNT;
  const decimals = rule.decimals ?? MAX_DECIMALS;
  if (rule.sign === 'positive' && !(value.gt(0))) throw invalid(`${field} must be greater than 0.`, { [field]: ['Ensure this value is greater than 0.'] });
  if (rule.sign === 'nonNegative' && value.isNegative() && !value.isZero()) throw invalid(`${field} must not be negative.`, { [field]: ['Ensure this value is greater than or equal to 0.'] });
  if (value.gt(max)) throw invalid(`${field} is too large.`, { [field]: [`Ensure this value is at most ${max}.`] });
  if (value.decimalPlaces() > decimals) throw invalid(`${field} has too many decimal places.`, { [field]: [`Use at most ${decimals} decimal places.`] });
  return value;
}

/** The optional form: undefined stays undefined, null stays null (clears a value). */
export function optionalAmount(field: string, raw: number | string | null | undefined, rule: AmountRule): Decimal | null | undefined {
  if (raw === undefined || raw === null) return raw;
  return amountField(field, raw, rule);
}

/** The first date a transaction may carry. */
const EARLIEST = Date.UTC(1970, 0, 1);

/**
 * An instant from YYYY-MM-DD (00:00 UTC of that day, the daily-bar convention) or an ISO instant
 * with a zone, within instantProblem's bounds; 400 naming the field otherwise.
 */
export function instantField(field: string, raw: string, now: Date): Date {
  const date = parseTransactionDate(raw);
  if (date === null) throw invalid(`${field} must be a date.`, { [field]: ['Use YYYY-MM-DD or an ISO 8601 instant with a zone, such as 2024-01-05T14:30:00Z.'] });
  const problem = instantProblem(date, now);
  if (problem !== null) throw invalid(`${field} ${problem}.`, { [field]: [`The date ${problem}.`] });
  return date;
}

/** Why a transaction date cannot be recorded (before 1970, or after tomorrow: a trade is not recorded before it happens), or null. */
export function instantProblem(date: Date, now: Date): string | null {
  if (date.getTime() < EARLIEST) return 'is before 1970';
  if (date.getTime() > now.getTime() + 86_400_000) return `is in the future (after ${isoDate(now)})`;
  return null;
}

/** A decimal (or decimal string) as a JSON number rounded to `places`; null stays null. */
export function wire(value: Decimal | string | null, places: number): number | null {
  if (value === null) return null;
  const decimal = typeof value === 'string' ? decimalOrNull(value) : value;
  if (decimal === null) return null;
  const number = Number(decimal.toDecimalPlaces(places).toString());
  // -0 reads as 0 on the wire.
  return number === 0 ? 0 : number;
}

/** Places on the wire: shares and ratios, prices and money, percentages. */
export const PLACES = { shares: 10, price: 6, money: 6, percent: 4 } as const;
