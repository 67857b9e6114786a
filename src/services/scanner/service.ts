// The market scanner: every active symbol's latest period (a session, a week or a month) by the
// rules of domain/scanner, saved as one scan per timeframe (market_scan_results), and the lists
// the scanner route answers from the newest scan, cached 10 minutes.
import type { Cache } from '../../adapters/cache.ts';
import type { BarWindowRepository } from '../../db/repositories/bar-windows.ts';
import type { ScanRecord, ScanRepository, ScanResultRow } from '../../db/repositories/scanner.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import { computeIndicatorSet, IndicatorWorkspace, type IndicatorSet } from '../../domain/indicators/index.ts';
import { roundTo } from '../../domain/market/quote.ts';
import {
  isCurrent, resample, SCAN_WINDOW_PERIODS, scanBars, scanLists, TIMEFRAMES, type BarColumns, type ScanIndicators, type ScanLists, type ScanSignal, type Timeframe,
} from '../../domain/scanner/index.ts';
import { DAY_MS, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import { HISTORY_DAYS, type IndicatorService } from '../indicators/service.ts';
import type { StockCatalog } from '../market/catalog.ts';

export const SCAN_TTL_SECONDS = 600;
const scanKey = (timeframe: Timeframe) => `scanner:${timeframe}`;
/** Daily bars read for a weekly or monthly scan: the history the indicators job keeps (two years). */
const RESAMPLED_DAILY_BARS = Math.round((HISTORY_DAYS * 252) / 365);
/** Scans older than this are dropped when a new one is saved (the newest of each timeframe always stays). */
const KEEP_SCANS_DAYS = 90;
/** The largest volume ratio the store holds (numeric(12, 4)); a ratio past it is a near-zero average anyway. */
const MAX_VOLUME_RATIO = 99_999_999;

export interface ScanSummary extends Record<string, unknown> {
  timeframe: Timeframe;
  scannedAt: string;
  symbols: number;
  scanned: number;
  /** Symbols with too short a history, or whose last bar is stale. */
  skipped: number;
}

export interface ScannerQuery {
  timeframe: Timeframe;
  sector?: string;
  minPrice?: number;
  minVolume?: number;
  limit: number;
}

export type ScannerRow = Omit<ScanResultRow, 'sector' | 'isGainer' | 'isLoser'>;

export type ScannerAnswer = ScanLists<ScannerRow> & {
  timeframe: Timeframe;
  /** When the scan ran. */
  timestamp: string;
};

interface CachedScan {
  scannedAt: string;
  rows: ScanResultRow[];
}

const orNull = (value: number | null | undefined): number | null => (value === null || value === undefined || Number.isNaN(value) ? null : value);

function trendIndicators(values: IndicatorSet | undefined): ScanIndicators {
  return {
    rsi: orNull(values?.rsi14), macd: orNull(values?.macd), macdSignal: orNull(values?.macdSignal),
    sma20: orNull(values?.sma20), sma50: orNull(values?.sma50), sma200: orNull(values?.sma200),
  };
}

/** A scanned row as the store keeps it (prices to 6 decimals, percentages and ratios to 4). */
function record(symbol: string, signal: ScanSignal): ScanRecord {
  const { time: _time, ...fields } = signal;
  return {
    ...fields, symbol,
    price: roundTo(signal.price, 6), change: roundTo(signal.change, 6), changePercent: roundTo(signal.changePercent, 4),
    avgVolume: Math.round(signal.avgVolume), volumeRatio: roundTo(Math.min(signal.volumeRatio, MAX_VOLUME_RATIO), 4),
  };
}

export class ScannerService {
  private readonly workspace = new IndicatorWorkspace(RESAMPLED_DAILY_BARS);

  constructor(
    private readonly catalog: StockCatalog,
    private readonly windows: BarWindowRepository,
    private readonly indicators: IndicatorService,
    private readonly scans: ScanRepository,
    private readonly cache: Cache,
    private readonly clock: Clock,
    private readonly activeSymbols: number,
  ) {}

  /** Scans every active symbol on one timeframe and saves the scan (nothing when no symbol could be scanned). */
  async scan(timeframe: Timeframe, log: Log): Promise<ScanSummary> {
    const scannedAt = this.clock.now();
    const symbols = await this.catalog.active(this.activeSymbols);
    const daily = await this.windows.latest(symbols, timeframe === 'daily' ? SCAN_WINDOW_PERIODS : RESAMPLED_DAILY_BARS);
    let newest = Number.NEGATIVE_INFINITY;
    for (const bars of daily.values()) newest = Math.max(newest, bars.time[bars.time.length - 1]!);
    const current = new Map([...daily].filter(([, bars]) => isCurrent(bars.time[bars.time.length - 1]!, newest)));
    // Daily: the indicator set of the newest bar, as the stock detail and screens read it (computed
    // now where the job has not caught up). Weekly and monthly: the set of the resampled bars.
    const dailySets = timeframe === 'daily' ? await this.indicators.latestFor(current, 'close') : null;
    const records: ScanRecord[] = [];
    for (const [symbol, bars] of current) {
      const periods: BarColumns = resample(bars, timeframe);
      const values = dailySets ? dailySets.get(symbol)?.values : computeIndicatorSet(periods, this.workspace);
      const signal = scanBars(periods, trendIndicators(values));
      if (signal) records.push(record(symbol, signal));
    }
    if (records.length > 0) {
      await this.scans.insert(timeframe, scannedAt, records);
      await this.scans.prune(timeframe, new Date(scannedAt.getTime() - KEEP_SCANS_DAYS * DAY_MS));
      await this.cache.delete(scanKey(timeframe));
    }
    const summary = { timeframe, scannedAt: scannedAt.toISOString(), symbols: symbols.length, scanned: records.length, skipped: symbols.length - records.length };
    log.debug(summary, 'market scan done');
    return summary;
  }

  /** Every timeframe, daily first. */
  async scanAll(log: Log, timeframes: readonly Timeframe[] = TIMEFRAMES): Promise<ScanSummary[]> {
    const summaries: ScanSummary[] = [];
    for (const timeframe of timeframes) summaries.push(await this.scan(timeframe, log));
    return summaries;
  }

  /**
   * The first scan of a fresh install: every timeframe is scanned when no daily scan exists yet
   * (and saved once enough bars exist). Null when a scan existed already.
   */
  async ensureScanned(log: Log): Promise<ScanSummary[] | null> {
    if (await this.scans.latestTime('daily')) return null;
    return this.scanAll(log);
  }

  /** The scanner's answer from the newest scan of a timeframe: the five lists and the overview. */
  async report(query: ScannerQuery): Promise<ScannerAnswer> {
    const scan = await this.newest(query.timeframe);
    let rows = scan.rows;
    if (query.sector !== undefined) {
      const sectors = await this.catalog.sectors();
      const wanted = query.sector.toLowerCase();
      if (!sectors.some((s) => s.sector.toLowerCase() === wanted)) {
        throw invalid(`Unknown sector "${query.sector}".`, { sector: [`Expected one of: ${sectors.map((s) => s.sector).join(', ')}.`] });
      }
      rows = rows.filter((row) => row.sector?.toLowerCase() === wanted);
    }
    if (query.minPrice !== undefined) rows = rows.filter((row) => row.price >= query.minPrice!);
    if (query.minVolume !== undefined) rows = rows.filter((row) => row.volume >= query.minVolume!);
    const lists = scanLists(rows, query.limit);
    const shown = (list: ScanResultRow[]): ScannerRow[] => list.map(({ sector: _sector, isGainer: _gainer, isLoser: _loser, ...row }) => row);
    return {
      timeframe: query.timeframe,
      timestamp: scan.scannedAt,
      gainers: shown(lists.gainers), losers: shown(lists.losers), mostActive: shown(lists.mostActive),
      unusualVolume: shown(lists.unusualVolume), breakouts: shown(lists.breakouts),
      marketOverview: lists.marketOverview,
    };
  }

  /** The newest scan's rows, cached 10 minutes (a new scan drops the entry). */
  private async newest(timeframe: Timeframe): Promise<CachedScan> {
    const cached = await this.cache.get<CachedScan>(scanKey(timeframe));
    if (cached) return cached;
    const stored = await this.scans.latest(timeframe);
    if (!stored) {
      throw notFound(`No scan results for the ${timeframe} timeframe yet: the scanner runs at the close (16:00 New York) on trading days, and once on start-up when enough bars exist.`);
    }
    const scan = { scannedAt: stored.scannedAt.toISOString(), rows: stored.rows };
    await this.cache.set(scanKey(timeframe), scan, SCAN_TTL_SECONDS);
    return scan;
  }
}
