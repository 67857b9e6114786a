import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZero, ringSize, select, seriesLength, StreamCursor, trueRange } from '../../../src/domain/indicators/kernel.ts';

describe('select', () => {
  it('takes the first value for a flag of 1 and the second for 0, NaN and signed zeros included', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.double(), fc.double(), (flag, a, b) => {
        expect(Object.is(select(+flag, a, b), flag ? a : b)).toBe(true);
      }),
    );
  });
});

describe('trueRange', () => {
  it("is the greatest of high − low and the distances from the previous close, compared as TA-Lib does", () => {
    expect(trueRange(11, 10, 10.5)).toBe(1);
    expect(trueRange(15, 14, 10.5)).toBe(4.5);
    expect(trueRange(10, 9, 14)).toBe(5);
    // A NaN previous close is never greater: the bar's own range stands.
    expect(trueRange(12, 10, Number.NaN)).toBe(2);
    expect(Number.isNaN(trueRange(Number.NaN, 10, 11))).toBe(true);
  });
});

describe('isZero', () => {
  it("is TA-Lib's epsilon test, false for NaN", () => {
    expect(isZero(0)).toBe(true);
    expect(isZero(-1e-15)).toBe(true);
    expect(isZero(1e-14)).toBe(false);
    expect(isZero(Number.NaN)).toBe(false);
  });
});

describe('ringSize', () => {
  it('is the smallest power of two above the reach', () => {
    expect([0, 1, 2, 13, 16, 199].map(ringSize)).toEqual([1, 2, 4, 16, 32, 256]);
  });
});

describe('seriesLength', () => {
  it('names the column whose length differs', () => {
    expect(seriesLength({ high: new Float64Array(4), low: new Float64Array(4) })).toBe(4);
    expect(() => seriesLength({ high: new Float64Array(4), low: new Float64Array(3) })).toThrow('low has 3 values but high has 4');
  });
});

describe('StreamCursor', () => {
  it('keeps the state from before the open bar, so revising it starts again from there', () => {
    const cursor = new StreamCursor(Float64Array.of(1));
    expect(cursor.revise()).toBe(0);
    cursor.after[0] = 2;
    expect(cursor.append()).toBe(1);
    expect(cursor.before[0]).toBe(2);
    cursor.after[0] = 3;
    expect(cursor.revise()).toBe(1);
    expect(cursor.before[0]).toBe(2);
    expect(cursor.bars).toBe(2);
  });
});
