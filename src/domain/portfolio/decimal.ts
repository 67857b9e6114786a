// Exact money: every share count, price, cost and P&L of the portfolio is a decimal.js value of
// this one constructor, so sums are exact (0.1 + 0.2 is 0.3) and only division rounds.
import { Decimal } from 'decimal.js';

/**
 * decimal.js with 50 significant digits: additions and products of realistic amounts (up to
 * 10^15 with 20 decimals) are exact; a quotient keeps 50 digits before MONEY_DP rounds it.
 * Its values are ordinary `Decimal` instances (`instanceof Decimal` holds).
 */
export const Money = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_EVEN });

/** Decimal places kept by amounts that come from a division (average price, cost of shares sold). */
export const MONEY_DP = 10;

export const ZERO = new Money(0);

/** A plain decimal numeral: optional sign, digits with an optional fraction, optional exponent. */
const DECIMAL_NUMERAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A Decimal of this module's precision from a Decimal, a finite number or a decimal string, or
 * null when the value is none of these (hex, "NaN", "Infinity", "", "1,5" are refused).
 */
export function decimalOrNull(value: Decimal.Value | null | undefined): Decimal | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? new Money(value) : null;
  if (typeof value === 'string') {
    const text = value.trim();
    return DECIMAL_NUMERAL.test(text) ? new Money(text) : null;
  }
  return Decimal.isDecimal(value) && value.isFinite() ? new Money(value) : null;
}

/** Like decimalOrNull, but throws a RangeError naming `field` for a value that is not a decimal. */
export function toDecimal(value: Decimal.Value | null | undefined, field: string): Decimal {
  const decimal = decimalOrNull(value);
  if (decimal === null) throw new RangeError(`${field} must be a decimal number, got ${JSON.stringify(String(value))}`);
  return decimal;
}

/** A quotient rounded to MONEY_DP places (half-even): the one place division rounds money. */
export function divideMoney(numerator: Decimal, denominator: Decimal): Decimal {
  return numerator.div(denominator).toDecimalPlaces(MONEY_DP, Decimal.ROUND_HALF_EVEN);
}

/** A canonical text of a decimal (no exponent, no trailing zeros, "-0" as "0"): for keys. */
export function canonicalDecimal(value: Decimal): string {
  return value.isZero() ? '0' : value.toFixed();
}
