// What a user may enter as an amount or a date, and how exact decimals go on the wire.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/domain/errors.ts';
import { amountField, instantField, instantProblem, optionalAmount, wire } from '../../../src/services/portfolio/amounts.ts';

const NOW = new Date('2026-11-24T15:00:00Z');

describe('amounts', () => {
  it('reads JSON numbers and decimal strings exactly', () => {
    expect(amountField('shares', 0.1, { sign: 'positive' }).plus(amountField('shares', '0.2', { sign: 'positive' })).toString()).toBe('0.3');
    expect(amountField('price', '1e-3', { sign: 'positive' }).toString()).toBe('0.001');
  });

  it('refuses by sign, size and decimal places, naming the field', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInput);
        return (error as InvalidInput).fields;
      }
      throw new Error('accepted');
    };
    expect(refusal(() => amountField('shares', 0, { sign: 'positive' }))).toHaveProperty('shares');
    expect(refusal(() => amountField('fees', -0.01, { sign: 'nonNegative' }))).toHaveProperty('fees');
    expect(refusal(() => amountField('price', 2e12, { sign: 'positive' }))).toHaveProperty('price');
    expect(refusal(() => amountField('price', '1.1234567', { sign: 'positive', decimals: 6 }))).toHaveProperty('price');
    expect(refusal(() => amountField('price', 'NaN', { sign: 'positive' }))).toHaveProperty('price');
    expect(amountField('fees', 0, { sign: 'nonNegative' }).isZero()).toBe(true);
    expect(optionalAmount('x', null, { sign: 'positive' })).toBeNull();
    expect(optionalAmount('x', undefined, { sign: 'positive' })).toBeUndefined();
  });

  it('rounds on the wire only, to the places asked', () => {
    expect(wire(new Decimal('0.1').times('0.2'), 6)).toBe(0.02);
    expect(wire('2.0000004', 6)).toBe(2);
    expect(wire(new Decimal('-0.0000001'), 6)).toBe(0);
    expect(Object.is(wire(new Decimal('-0.0000001'), 6), -0)).toBe(false);
    expect(wire(null, 6)).toBeNull();
  });
});

describe('transaction dates', () => {
  it('takes a date or an instant with a zone, from 1970 to tomorrow', () => {
    expect(instantField('date', '2024-01-05', NOW).toISOString()).toBe('2024-01-05T00:00:00.000Z');
    expect(instantField('date', '2024-01-05T14:30:00-05:00', NOW).toISOString()).toBe('2024-01-05T19:30:00.000Z');
    expect(() => instantField('date', '2024-01-05T14:30:00', NOW)).toThrow(InvalidInput);
    expect(() => instantField('date', '1969-12-31', NOW)).toThrow(InvalidInput);
    expect(instantProblem(new Date('2026-11-25T12:00:00Z'), NOW)).toBeNull();
    expect(instantProblem(new Date('2026-11-26T12:00:00Z'), NOW)).toContain('future');
  });
});
