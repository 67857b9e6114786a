import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/domain/errors.ts';
import { sessionDateOf } from '../../../src/domain/market/bar.ts';
import { addDays } from '../../../src/domain/time.ts';
import { barsFromClient, MAX_CLIENT_BARS, type ClientBar } from '../../../src/services/predictions/client-bars.ts';
import { MIN_PREDICTION_BARS } from '../../../src/services/predictions/served.ts';

const clientBars = (count: number): ClientBar[] => Array.from({ length: count }, (_, i) => ({
  date: addDays('2024-01-01', i), open: 100 + i, high: 102 + i, low: 99 + i, close: 101 + i, volume: 1_000 + i,
}));

function refusal(bars: ClientBar[]): InvalidInput {
  try {
    barsFromClient(bars);
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('bars a client sends', () => {
  it('become daily bars on their session dates, oldest first', () => {
    const sent = clientBars(MIN_PREDICTION_BARS);
    const bars = barsFromClient(sent);
    expect(bars.map(sessionDateOf)).toEqual(sent.map((b) => b.date));
    expect(bars[3]).toMatchObject({ open: sent[3]!.open, close: sent[3]!.close, volume: sent[3]!.volume, adjustedClose: null });
  });

  it('accept ISO timestamps (their date is the session) and missing volumes', () => {
    const sent = clientBars(MIN_PREDICTION_BARS).map((b, i) => ({ ...b, date: `${b.date}T00:00:00.000Z`, volume: i % 2 === 0 ? undefined : 10.4 }));
    const bars = barsFromClient(sent);
    expect(sessionDateOf(bars[0]!)).toBe('2024-01-01');
    expect(bars.map((b) => b.volume).slice(0, 2)).toEqual([0, 10]);
  });

  it('refuse fewer than the minimum, naming how many came', () => {
    const error = refusal(clientBars(MIN_PREDICTION_BARS - 1));
    expect(error.message).toContain(`At least ${MIN_PREDICTION_BARS} daily bars`);
    expect(error.message).toContain(`has ${MIN_PREDICTION_BARS - 1}`);
    expect(error.fields.historicalData).toBeDefined();
  });

  it('refuse more than the maximum', () => {
    expect(refusal(clientBars(MAX_CLIENT_BARS + 1)).message).toContain(`At most ${MAX_CLIENT_BARS}`);
  });

  it('refuse unsorted and repeated dates, naming the bar', () => {
    const unsorted = clientBars(40);
    [unsorted[10], unsorted[11]] = [unsorted[11]!, unsorted[10]!];
    const error = refusal(unsorted);
    expect(error.message).toContain('oldest first');
    expect(Object.keys(error.fields)).toEqual(['historicalData.11.date']);

    const repeated = clientBars(40);
    repeated[20] = { ...repeated[20]!, date: repeated[19]!.date };
    expect(refusal(repeated).message).toContain(`repeats the date ${repeated[19]!.date}`);
  });

  it('refuse dates that are not dates, and bars that are not prices', () => {
    const bad = clientBars(40);
    bad[5] = { ...bad[5]!, date: '2024-02-30' };
    expect(Object.keys(refusal(bad).fields)).toEqual(['historicalData.5.date']);

    const zero = clientBars(40);
    zero[7] = { ...zero[7]!, close: 0 };
    expect(refusal(zero).message).toContain('zero close');

    const inverted = clientBars(40);
    inverted[8] = { ...inverted[8]!, high: 50, low: 60 };
    expect(refusal(inverted).fields['historicalData.8']![0]).toContain('below low');
  });
});
