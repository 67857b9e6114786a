import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBeyond, ThresholdIndex, type AlertLine, type AlertKind } from '../../../src/domain/alerts/thresholds.ts';

const line = (kind: AlertKind, threshold: number, entryId = `${kind}-${threshold}`): AlertLine =>
  ({ entryId, userId: 'u', symbol: 'AAPL', kind, threshold, thresholdText: String(threshold) });

describe('isBeyond', () => {
  it('counts the line itself as crossed, and a day\'s move either way', () => {
    expect(isBeyond(line('above', 100), { price: 100, changePercent: 0 })).toBe(true);
    expect(isBeyond(line('above', 100), { price: 99.99, changePercent: 0 })).toBe(false);
    expect(isBeyond(line('below', 50), { price: 50, changePercent: 0 })).toBe(true);
    expect(isBeyond(line('below', 50), { price: 50.01, changePercent: 0 })).toBe(false);
    expect(isBeyond(line('change_percent', 3), { price: 1, changePercent: -3.2 })).toBe(true);
    expect(isBeyond(line('change_percent', 3), { price: 1, changePercent: 2.9 })).toBe(false);
  });
});

describe('ThresholdIndex.crossed', () => {
  it('finds the lines between the previous and the current price, in either direction', () => {
    const index = new ThresholdIndex([line('above', 105), line('above', 110), line('above', 120), line('below', 100), line('below', 95)]);
    const at = (price: number, changePercent = 0) => ({ price, changePercent });
    expect(index.crossed(at(100), at(111)).map((l) => l.entryId)).toEqual(['above-105', 'above-110', 'below-100']);
    expect(index.crossed(at(111), at(100)).map((l) => l.entryId)).toEqual(['above-105', 'above-110', 'below-100']);
    expect(index.crossed(at(106), at(109))).toEqual([]);
    expect(index.crossed(at(110), at(110))).toEqual([]);
  });

  it('finds exactly the lines whose side changed (against checking every line)', () => {
    const kinds = fc.constantFrom<AlertKind>('above', 'below', 'change_percent');
    const quote = fc.record({ price: fc.integer({ min: 1, max: 50 }), changePercent: fc.integer({ min: -10, max: 10 }) });
    fc.assert(fc.property(fc.array(fc.tuple(kinds, fc.integer({ min: 0, max: 50 })), { maxLength: 40 }), quote, quote, (specs, previous, current) => {
      const lines = specs.map(([kind, threshold], i) => line(kind, threshold, `e${i}`));
      const expected = lines.filter((l) => isBeyond(l, previous) !== isBeyond(l, current)).map((l) => l.entryId).sort();
      expect(new ThresholdIndex(lines).crossed(previous, current).map((l) => l.entryId).sort()).toEqual(expected);
    }), { numRuns: 500 });
  });

  it('ignores a line whose threshold is not a number', () => {
    const index = new ThresholdIndex([line('above', Number.NaN), line('above', 10)]);
    expect(index.size).toBe(1);
    expect(index.all().map((l) => l.threshold)).toEqual([10]);
  });
});
