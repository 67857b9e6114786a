// A symbol's bars as parallel columns (oldest first): what the scanner, the indicator set and the
// bulk reads of thousands of symbols share, without an object per bar.
import type { Bar } from '../market/bar.ts';

export interface BarColumns {
  /** Each bar's timestamp, epoch ms (daily bars: 00:00 UTC of the session date). */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** `length` bars of zeros, the six columns carved from one allocation. */
export function emptyColumns(length: number): BarColumns {
  const block = new Float64Array(FIELDS.length * length);
  const at = (k: number) => block.subarray(k * length, (k + 1) * length);
  return { time: at(0), open: at(1), high: at(2), low: at(3), close: at(4), volume: at(5) };
}

export function columnsOf(bars: readonly Bar[]): BarColumns {
  const columns = emptyColumns(bars.length);
  bars.forEach((bar, i) => {
    columns.time[i] = bar.timestamp.getTime();
    columns.open[i] = bar.open;
    columns.high[i] = bar.high;
    columns.low[i] = bar.low;
    columns.close[i] = bar.close;
    columns.volume[i] = bar.volume;
  });
  return columns;
}

/** The last `count` bars (all of them when there are fewer), as views of the same columns. */
export function lastBars(columns: BarColumns, count: number): BarColumns {
  const length = columns.close.length;
  const from = Math.max(0, length - count);
  if (from === 0) return columns;
  const view = (column: Float64Array) => column.subarray(from, length);
  return { time: view(columns.time), open: view(columns.open), high: view(columns.high), low: view(columns.low), close: view(columns.close), volume: view(columns.volume) };
}

/** Bars whose time lies in [from, to], as views (times ascending). */
export function barsBetween(columns: BarColumns, from: number, to: number): BarColumns {
  const { time } = columns;
  let start = 0;
  while (start < time.length && time[start]! < from) start += 1;
  let end = start;
  while (end < time.length && time[end]! <= to) end += 1;
  const view = (column: Float64Array) => column.subarray(start, end);
  return { time: view(time), open: view(columns.open), high: view(columns.high), low: view(columns.low), close: view(columns.close), volume: view(columns.volume) };
}
