// Indicator series for charts: the named indicators over a date range, aligned on one axis of
// bars (daily, weekly or monthly made from daily bars, or stored 1-minute bars), each computed
// from enough bars before the range that its first point is already a real value.
import { invalid } from '../../domain/errors.ts';
import { nyDate } from '../../domain/calendar/index.ts';
import { barsBetween, columnsOf, resample, type BarColumns, type Timeframe } from '../../domain/scanner/index.ts';
import { DAY_MS, dateField, isoDate, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { StockCatalog } from '../market/catalog.ts';
import { onDemand } from '../market/gateway.ts';
import type { PriceHistory } from '../market/history.ts';
import { indicatorSeries, parseNames, SERIES_NAMES, type SeriesName } from './names.ts';

export type SeriesInterval = '1d' | '1w' | '1mo' | '1m';
export const SERIES_INTERVALS: readonly SeriesInterval[] = ['1d', '1w', '1mo', '1m'];

const TIMEFRAME: Record<Exclude<SeriesInterval, '1m'>, Timeframe> = { '1d': 'daily', '1w': 'weekly', '1mo': 'monthly' };

/** Per interval: the default range, the longest range, and the calendar days of bars read before `from` as warm-up. */
const RANGE: Record<SeriesInterval, { defaultDays: number; maxDays: number; warmupDays: number }> = {
  '1d': { defaultDays: 365, maxDays: 20 * 366, warmupDays: 600 },
  '1w': { defaultDays: 3 * 365, maxDays: 20 * 366, warmupDays: 7 * 400 },
  '1mo': { defaultDays: 10 * 365, maxDays: 30 * 366, warmupDays: 31 * 400 },
  // Stored 1-minute bars are kept 30 days; a session holds 390 of them.
  '1m': { defaultDays: 0, maxDays: 31, warmupDays: 4 },
};
const FIRST_DAY = Date.UTC(1990, 0, 1);

export interface SeriesQuery {
  names?: string;
  from?: string;
  to?: string;
  interval?: SeriesInterval;
}

export interface IndicatorSeriesAnswer {
  symbol: string;
  interval: SeriesInterval;
  from: string;
  to: string;
  /** One per bar: YYYY-MM-DD (the period's last session for weekly and monthly), an ISO instant for 1m. */
  dates: string[];
  /** Each named indicator, aligned with `dates`; null during warm-up. */
  series: Partial<Record<SeriesName, (number | null)[]>>;
}

/** 8 decimals, as stored values are kept. */
const rounded = (value: number) => (Number.isFinite(value) ? Number(value.toFixed(8)) : null);

export class IndicatorSeries {
  constructor(
    private readonly catalog: StockCatalog,
    private readonly history: PriceHistory,
    private readonly clock: Clock,
  ) {}

  async series(rawSymbol: string, query: SeriesQuery, log: Log): Promise<IndicatorSeriesAnswer> {
    const interval = query.interval ?? '1d';
    const names = parseNames(query.names, interval === '1m' ? SERIES_NAMES : SERIES_NAMES.filter((name) => name !== 'vwap'));
    const range = RANGE[interval];
    const today = nyDate(this.clock.now());
    const to = query.to ?? today;
    const toMs = dateField('to', to);
    const fromMs = query.from !== undefined ? dateField('from', query.from) : toMs - range.defaultDays * DAY_MS;
    if (fromMs > toMs) throw invalid('from is after to.', { to: ['Must be on or after from.'] });
    if (fromMs < FIRST_DAY) throw invalid('History starts in 1990.', { from: ['Use a date from 1990-01-01 on.'] });
    if (toMs - fromMs > range.maxDays * DAY_MS) throw invalid('Range too long.', { to: [`Ask for at most ${range.maxDays} days of ${interval} bars at a time.`] });
    const { symbol } = await this.catalog.resolve(rawSymbol, onDemand());
    const start = new Date(fromMs);
    const end = new Date(toMs + DAY_MS - 1);
    const warmupStart = new Date(Math.max(FIRST_DAY, fromMs - range.warmupDays * DAY_MS));

    let bars: BarColumns;
    if (interval === '1m') {
      bars = columnsOf(await this.history.minute(symbol, warmupStart, end));
    } else {
      // The range itself is made whole from the provider; the warm-up reads what is stored.
      await this.history.daily(symbol, start, end, log, onDemand());
      bars = resample(columnsOf(await this.history.stored(symbol, '1d', warmupStart, end)), TIMEFRAME[interval]);
    }
    const lines = indicatorSeries(bars, names);
    const shown = barsBetween(bars, fromMs, end.getTime());
    const offset = shown.time.length === 0 ? 0 : bars.time.indexOf(shown.time[0]!);
    const dates = Array.from(shown.time, (time) => (interval === '1m' ? new Date(time).toISOString() : isoDate(new Date(time))));
    const series: IndicatorSeriesAnswer['series'] = {};
    for (const name of names) series[name] = Array.from(lines[name].subarray(offset, offset + dates.length), rounded);
    return { symbol, interval, from: isoDate(start), to, dates, series };
  }
}
