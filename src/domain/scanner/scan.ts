// One symbol's scan (its latest period against the periods before it) and the scanner's lists
// over all of them, by the rules in rules.ts.
import type { BarColumns } from './bars.ts';
import {
  averageVolume, isBreakout, isUnusualVolume, MIN_SCAN_PERIODS, priorRange, supportResistance, trendOf, volumeRatio,
  type Trend, type TrendInputs,
} from './rules.ts';

/** The indicators of the scanned timeframe at its latest period (NaN or null when too short). */
export type ScanIndicators = Omit<TrendInputs, 'close'>;

export interface ScanSignal {
  /** The latest period's timestamp (epoch ms of its last session). */
  time: number;
  price: number;
  change: number;
  changePercent: number;
  volume: number;
  avgVolume: number;
  volumeRatio: number;
  isUnusualVolume: boolean;
  isBreakout: boolean;
  isGainer: boolean;
  isLoser: boolean;
  trend: Trend;
  support: number | null;
  resistance: number | null;
  rsi: number | null;
  sma20: number | null;
  sma50: number | null;
}

const orNull = (value: number | null): number | null => (value === null || Number.isNaN(value) ? null : value);

/**
 * The latest period of `bars` (of the timeframe, oldest first) against the periods before it; null
 * when there are fewer than MIN_SCAN_PERIODS or the previous close is not a price.
 */
export function scanBars(bars: BarColumns, indicators: ScanIndicators): ScanSignal | null {
  const end = bars.close.length - 1;
  if (end + 1 < MIN_SCAN_PERIODS) return null;
  const close = bars.close[end]!;
  const previous = bars.close[end - 1]!;
  if (!(previous > 0) || !(close > 0)) return null;
  const change = close - previous;
  const changePercent = (change / previous) * 100;
  const volume = bars.volume[end]!;
  const avgVolume = averageVolume(bars.volume, end);
  const ratio = volumeRatio(volume, avgVolume);
  const { support, resistance } = supportResistance(bars.high, bars.low, close, end);
  return {
    time: bars.time[end]!,
    price: close,
    change,
    changePercent,
    volume,
    avgVolume,
    volumeRatio: ratio,
    isUnusualVolume: isUnusualVolume(ratio),
    isBreakout: isBreakout(close, changePercent, priorRange(bars.high, bars.low, end)),
    isGainer: changePercent > 0,
    isLoser: changePercent < 0,
    trend: trendOf({ close, ...indicators }),
    support,
    resistance,
    rsi: orNull(indicators.rsi),
    sma20: orNull(indicators.sma20),
    sma50: orNull(indicators.sma50),
  };
}

/** What the lists read of a scanned symbol. */
export type ListedRow = { symbol: string } & Pick<ScanSignal, 'changePercent' | 'volume' | 'volumeRatio' | 'isUnusualVolume' | 'isBreakout' | 'isGainer' | 'isLoser' | 'trend'>;

export interface ScanLists<Row> {
  gainers: Row[];
  losers: Row[];
  mostActive: Row[];
  unusualVolume: Row[];
  breakouts: Row[];
  marketOverview: { totalScanned: number; bullish: number; bearish: number; avgChange: number };
}

/** Ties go alphabetically, so a list is the same on every run. */
function ranked<Row extends ListedRow>(rows: readonly Row[], key: (row: Row) => number, limit: number): Row[] {
  return [...rows].sort((a, b) => key(b) - key(a) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)).slice(0, limit);
}

/**
 * The five lists, at most `limit` rows each: gainers (up, largest rise first), losers (down,
 * largest fall first), most active (highest volume), unusual volume (highest volume ratio first)
 * and breakouts (largest move either way first); and the overview of every row given.
 */
export function scanLists<Row extends ListedRow>(rows: readonly Row[], limit: number): ScanLists<Row> {
  const total = rows.reduce((sum, row) => sum + row.changePercent, 0);
  return {
    gainers: ranked(rows.filter((row) => row.isGainer), (row) => row.changePercent, limit),
    losers: ranked(rows.filter((row) => row.isLoser), (row) => -row.changePercent, limit),
    mostActive: ranked(rows, (row) => row.volume, limit),
    unusualVolume: ranked(rows.filter((row) => row.isUnusualVolume), (row) => row.volumeRatio, limit),
    breakouts: ranked(rows.filter((row) => row.isBreakout), (row) => Math.abs(row.changePercent), limit),
    marketOverview: {
      totalScanned: rows.length,
      bullish: rows.filter((row) => row.trend === 'Bullish').length,
      bearish: rows.filter((row) => row.trend === 'Bearish').length,
      avgChange: rows.length === 0 ? 0 : Math.round((total / rows.length) * 100) / 100,
    },
  };
}
