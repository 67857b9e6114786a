// The rows a screen runs over: for each active symbol, its latest quote (the newest daily bar
// against the one before), volume against its 20-session average, the indicator set at that bar,
// support and resistance by the scanner's rules, and the 52-week range when a screen asks for it.
import type { BarWindowRepository } from '../../db/repositories/bar-windows.ts';
import type { StockFactsRepository } from '../../db/repositories/screens.ts';
import type { IndicatorSet } from '../../domain/indicators/index.ts';
import {
  averageVolume, isCurrent, lastBars, SCAN_RULES, SCAN_WINDOW_PERIODS, supportResistance, volumeRatio, type BarColumns,
} from '../../domain/scanner/index.ts';
import { DAY_MS, isoDate } from '../../domain/time.ts';
import type { IndicatorService } from '../indicators/service.ts';
import type { StockCatalog } from '../market/catalog.ts';

/** One symbol as a screen sees it; every number is null when its history is too short. */
export interface ScreenRow {
  symbol: string;
  name: string;
  sector: string | null;
  currency: string;
  /** Session date of the newest daily bar. */
  asOf: string;
  price: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  change: number | null;
  changePercent: number | null;
  marketCap: number | null;
  avgVolume20: number | null;
  volumeRatio: number | null;
  rsi: number | null;
  macd: number | null;
  macdSignal: number | null;
  macdHistogram: number | null;
  sma20: number | null;
  sma50: number | null;
  sma200: number | null;
  ema12: number | null;
  ema26: number | null;
  bollingerUpper: number | null;
  bollingerMiddle: number | null;
  bollingerLower: number | null;
  atr: number | null;
  obv: number | null;
  stochK: number | null;
  stochD: number | null;
  adx: number | null;
  cci: number | null;
  mfi: number | null;
  williamsR: number | null;
  /** Only computed when the screen or its sort names them (they read a year of bars). */
  high52w: number | null;
  low52w: number | null;
  support: number | null;
  resistance: number | null;
}

/** Fields that need a year of bars rather than the scanner's window. */
export const YEAR_FIELDS: ReadonlySet<string> = new Set(['high52w', 'low52w']);
/** Enough daily bars to cover 365 days. */
const YEAR_BARS = 260;

const value = (number: number): number | null => (Number.isFinite(number) ? number : null);
const round = (number: number, places: number): number | null => (Number.isFinite(number) ? Number(number.toFixed(places)) : null);

function indicatorsOf(values: IndicatorSet | undefined): Pick<ScreenRow, 'rsi' | 'macd' | 'macdSignal' | 'macdHistogram' | 'sma20' | 'sma50' | 'sma200' | 'ema12' | 'ema26' | 'bollingerUpper' | 'bollingerMiddle' | 'bollingerLower' | 'atr' | 'obv' | 'stochK' | 'stochD' | 'adx' | 'cci' | 'mfi' | 'williamsR'> {
  const get = (number: number | undefined) => (number === undefined ? null : value(number));
  return {
    rsi: get(values?.rsi14), macd: get(values?.macd), macdSignal: get(values?.macdSignal), macdHistogram: get(values?.macdHistogram),
    sma20: get(values?.sma20), sma50: get(values?.sma50), sma200: get(values?.sma200), ema12: get(values?.ema12), ema26: get(values?.ema26),
    bollingerUpper: get(values?.bollingerUpper), bollingerMiddle: get(values?.bollingerMiddle), bollingerLower: get(values?.bollingerLower),
    atr: get(values?.atr14), obv: get(values?.obv), stochK: get(values?.stochK), stochD: get(values?.stochD), adx: get(values?.adx14),
    cci: get(values?.cci20), mfi: get(values?.mfi14), williamsR: get(values?.williamsR14),
  };
}

/** Highest high and lowest low of the bars in the 365 days up to the newest one. */
function yearRange(bars: BarColumns): { high: number | null; low: number | null } {
  const last = bars.time.length - 1;
  const since = bars.time[last]! - 365 * DAY_MS;
  let high = Number.NEGATIVE_INFINITY;
  let low = Number.POSITIVE_INFINITY;
  for (let i = last; i >= 0 && bars.time[i]! >= since; i -= 1) {
    high = Math.max(high, bars.high[i]!);
    low = Math.min(low, bars.low[i]!);
  }
  return { high: value(high), low: value(low) };
}

export class ScreenRows {
  constructor(
    private readonly catalog: StockCatalog,
    private readonly windows: BarWindowRepository,
    private readonly facts: StockFactsRepository,
    private readonly indicators: IndicatorService,
    private readonly activeSymbols: number,
  ) {}

  /**
   * Every active symbol with a recent daily bar (the scanner's rule: halted and delisted symbols are
   * left out), largest first; `fields` are the ones the screen reads.
   */
  async rows(fields: readonly string[]): Promise<ScreenRow[]> {
    const withYear = fields.some((field) => YEAR_FIELDS.has(field));
    const symbols = await this.catalog.active(this.activeSymbols);
    const [all, facts] = await Promise.all([
      this.windows.latest(symbols, withYear ? YEAR_BARS : SCAN_WINDOW_PERIODS),
      this.facts.facts(symbols),
    ]);
    const lastTime = (bars: BarColumns) => bars.time[bars.time.length - 1]!;
    const newest = Math.max(...Array.from(all.values(), lastTime));
    const windows = new Map([...all].filter(([, bars]) => isCurrent(lastTime(bars), newest)));
    const sets = await this.indicators.latestFor(windows, 'session');
    const rows: ScreenRow[] = [];
    for (const symbol of symbols) {
      const bars = windows.get(symbol);
      const stock = facts.get(symbol);
      if (!bars || !stock) continue;
      const recent = lastBars(bars, SCAN_WINDOW_PERIODS);
      const end = recent.close.length - 1;
      const close = recent.close[end]!;
      const previous = end > 0 ? recent.close[end - 1]! : Number.NaN;
      const average = averageVolume(recent.volume, end, SCAN_RULES.averageVolumePeriods);
      const levels = supportResistance(recent.high, recent.low, close, end);
      const year = withYear ? yearRange(bars) : { high: null, low: null };
      rows.push({
        symbol, name: stock.name, sector: stock.sector, currency: stock.currency,
        asOf: isoDate(new Date(recent.time[end]!)),
        price: close, open: recent.open[end]!, high: recent.high[end]!, low: recent.low[end]!, close, volume: recent.volume[end]!,
        change: round(close - previous, 6), changePercent: round(((close - previous) / previous) * 100, 4),
        marketCap: stock.marketCap,
        avgVolume20: round(average, 2), volumeRatio: Number.isNaN(average) ? null : round(volumeRatio(recent.volume[end]!, average), 4),
        ...indicatorsOf(sets.get(symbol)?.values),
        high52w: year.high, low52w: year.low,
        support: levels.support, resistance: levels.resistance,
      });
    }
    return rows;
  }
}
