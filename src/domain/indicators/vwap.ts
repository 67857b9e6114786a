// Volume-weighted average price, anchored to the session: Σ(typical price × volume) / Σ volume
// from the session's first bar. TA-Lib has none, so it is defined here: the typical price is
// (high + low + close) / 3 as TA-Lib's; the sums restart at every bar flagged as a session start;
// bars before the first flagged start (their session began outside the series) and bars while
// the session's volume is still zero have no VWAP (NaN). A NaN input makes the rest of its
// session NaN, as a running sum would.

import { nyDate } from '../calendar/index.ts';
import { seriesLength, StreamCursor, typicalPrice, WHOLE, type PriceBar } from './kernel.ts';

/** Advances VWAP over bars [from, to). State: [Σ price × volume, Σ volume, 1 once a session started]. */
export function vwapKernel(
  high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, sessionStart: Uint8Array,
  out: Float64Array, mask: number, from: number, to: number, before: Float64Array, after: Float64Array,
): void {
  let priceVolume = before[0]!;
  let totalVolume = before[1]!;
  let inSession = before[2]!;
  for (let i = from; i < to; i++) {
    const at = i & mask;
    if (sessionStart[at] !== 0) {
      priceVolume = 0;
      totalVolume = 0;
      inSession = 1;
    }
    if (inSession === 0) {
      out[at] = NaN;
      continue;
    }
    const barVolume = volume[at]!;
    priceVolume += typicalPrice(high[at]!, low[at]!, close[at]!) * barVolume;
    totalVolume += barVolume;
    out[at] = totalVolume > 0 ? priceVolume / totalVolume : NaN;
  }
  after[0] = priceVolume;
  after[1] = totalVolume;
  after[2] = inSession;
}

/** Session-anchored VWAP; `sessionStart` is 1 at each bar that opens a session. */
export function vwap(
  high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, sessionStart: Uint8Array,
): Float64Array {
  const length = seriesLength({ high, low, close, volume, sessionStart });
  const out = new Float64Array(length);
  const state = new Float64Array(3);
  vwapKernel(high, low, close, volume, sessionStart, out, WHOLE, 0, length, state, state);
  return out;
}

/**
 * Session-start flags for bars stamped `timestamps` (oldest first): 1 at the first bar of each New
 * York session date, the first bar included. Pass regular-hours bars for the usual 09:30 anchor;
 * pre-market bars would open the session earlier.
 */
export function sessionStarts(timestamps: readonly Date[]): Uint8Array {
  const flags = new Uint8Array(timestamps.length);
  let previous = '';
  for (let i = 0; i < timestamps.length; i++) {
    const date = nyDate(timestamps[i]!);
    if (date !== previous) flags[i] = 1;
    previous = date;
  }
  return flags;
}

/** VWAP, one bar at a time. */
export class VwapStream {
  private readonly cursor = new StreamCursor(new Float64Array(3));
  private readonly high = new Float64Array(1);
  private readonly low = new Float64Array(1);
  private readonly close = new Float64Array(1);
  private readonly volume = new Float64Array(1);
  private readonly sessionStart = new Uint8Array(1);
  private readonly out = new Float64Array(1);

  get bars(): number {
    return this.cursor.bars;
  }

  /** Appends a bar; `sessionStart` when it opens a session. */
  update(bar: PriceBar, sessionStart = false): number {
    return this.run(this.cursor.append(), bar, sessionStart);
  }

  /** Revises the open bar (appends when there is none); it keeps opening its session unless told. */
  replace(bar: PriceBar, sessionStart = this.sessionStart[0] === 1): number {
    return this.run(this.cursor.revise(), bar, sessionStart);
  }

  private run(i: number, bar: PriceBar, sessionStart: boolean): number {
    const { cursor } = this;
    this.high[0] = bar.high;
    this.low[0] = bar.low;
    this.close[0] = bar.close;
    this.volume[0] = bar.volume;
    this.sessionStart[0] = sessionStart ? 1 : 0;
    vwapKernel(this.high, this.low, this.close, this.volume, this.sessionStart, this.out, 0, i, i + 1, cursor.before, cursor.after);
    return this.out[0]!;
  }
}
