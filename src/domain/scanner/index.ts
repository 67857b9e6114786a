// The market scanner's rules: weekly and monthly bars from daily ones, each symbol's latest period
// (volume against its average, breakouts, gainers and losers, trend, support and resistance), and
// the lists over every symbol.
export { barsBetween, columnsOf, emptyColumns, lastBars, type BarColumns } from './bars.ts';
export {
  averageVolume, isBreakout, isCurrent, isUnusualVolume, MIN_SCAN_PERIODS, priorRange, SCAN_RULES, SCAN_WINDOW_PERIODS,
  supportResistance, trendOf, TRENDS, volumeRatio, type Trend, type TrendInputs,
} from './rules.ts';
export { scanBars, scanLists, type ListedRow, type ScanIndicators, type ScanLists, type ScanSignal } from './scan.ts';
export { periodStart, resample, TIMEFRAMES, type Timeframe } from './timeframe.ts';
