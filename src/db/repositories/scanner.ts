// market_scan_results: one row per symbol per scan (timeframe, scannedAt). A scan's rows share
// their scannedAt, so "the latest scan" is the rows of the newest scannedAt of a timeframe.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { ScanSignal, Timeframe, Trend } from '../../domain/scanner/index.ts';
import type { Db } from '../client.ts';
import { marketScanResults, stocks } from '../schema/index.ts';

/** One symbol's result in a scan. */
export type ScanRecord = { symbol: string } & Omit<ScanSignal, 'time'>;

/** A stored result with the stock's name, currency and sector. */
export type ScanResultRow = ScanRecord & {
  name: string;
  currency: string;
  sector: string | null;
};

export interface StoredScan {
  timeframe: Timeframe;
  scannedAt: Date;
  rows: ScanResultRow[];
}

const text = (value: number | null, decimals: number) => (value === null ? null : value.toFixed(decimals));
const number = (value: string | null) => (value === null ? null : Number(value));

export class ScanRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores one scan's rows under one scannedAt in one statement: each column goes as one array
   * parameter (unnest), which PostgreSQL takes many times faster than a VALUES list of 90,000 parameters.
   */
  async insert(timeframe: Timeframe, scannedAt: Date, records: readonly ScanRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const column = <T>(read: (record: ScanRecord) => T) => sql.param(records.map(read));
    await this.db.execute(sql`
      insert into ${marketScanResults} (symbol, timeframe, scanned_at, price, change, change_percent, volume, avg_volume, volume_ratio,
        is_unusual_volume, is_breakout, is_gainer, is_loser, trend, support, resistance, rsi, sma_20, sma_50)
      select t.symbol, ${timeframe}, ${scannedAt.toISOString()}::timestamptz, t.price, t.change, t.change_percent, t.volume, t.avg_volume,
        t.volume_ratio, t.is_unusual_volume, t.is_breakout, t.is_gainer, t.is_loser, t.trend, t.support, t.resistance, t.rsi, t.sma_20, t.sma_50
      from unnest(
        ${column((r) => r.symbol)}::text[], ${column((r) => r.price.toFixed(6))}::numeric[], ${column((r) => r.change.toFixed(6))}::numeric[],
        ${column((r) => r.changePercent.toFixed(4))}::numeric[], ${column((r) => Math.round(r.volume))}::bigint[], ${column((r) => Math.round(r.avgVolume))}::bigint[],
        ${column((r) => r.volumeRatio.toFixed(4))}::numeric[], ${column((r) => r.isUnusualVolume)}::boolean[], ${column((r) => r.isBreakout)}::boolean[],
        ${column((r) => r.isGainer)}::boolean[], ${column((r) => r.isLoser)}::boolean[], ${column((r) => r.trend)}::text[],
        ${column((r) => text(r.support, 6))}::numeric[], ${column((r) => text(r.resistance, 6))}::numeric[], ${column((r) => text(r.rsi, 8))}::numeric[],
        ${column((r) => text(r.sma20, 8))}::numeric[], ${column((r) => text(r.sma50, 8))}::numeric[]
      ) as t(symbol, price, change, change_percent, volume, avg_volume, volume_ratio, is_unusual_volume, is_breakout, is_gainer, is_loser,
        trend, support, resistance, rsi, sma_20, sma_50)
      on conflict (symbol, timeframe, scanned_at) do nothing`);
    return records.length;
  }

  /** When the newest scan of a timeframe ran, or null when none has. */
  async latestTime(timeframe: Timeframe): Promise<Date | null> {
    const [row] = await this.db.select({ scannedAt: marketScanResults.scannedAt }).from(marketScanResults)
      .where(eq(marketScanResults.timeframe, timeframe)).orderBy(desc(marketScanResults.scannedAt)).limit(1);
    return row?.scannedAt ?? null;
  }

  /** The newest scan of a timeframe with each stock's name, or null when none has run. */
  async latest(timeframe: Timeframe): Promise<StoredScan | null> {
    const scannedAt = await this.latestTime(timeframe);
    if (scannedAt === null) return null;
    const rows = await this.db.select({
      result: marketScanResults, name: stocks.name, currency: stocks.currency, sector: stocks.sector,
    }).from(marketScanResults)
      .innerJoin(stocks, eq(stocks.symbol, marketScanResults.symbol))
      .where(and(eq(marketScanResults.timeframe, timeframe), eq(marketScanResults.scannedAt, scannedAt)));
    return {
      timeframe, scannedAt,
      rows: rows.map(({ result, name, currency, sector }) => ({
        symbol: result.symbol, name, currency, sector,
        price: Number(result.price), change: Number(result.change), changePercent: Number(result.changePercent),
        volume: result.volume, avgVolume: result.avgVolume, volumeRatio: Number(result.volumeRatio),
        isUnusualVolume: result.isUnusualVolume, isBreakout: result.isBreakout, isGainer: result.isGainer, isLoser: result.isLoser,
        trend: result.trend as Trend, support: number(result.support), resistance: number(result.resistance),
        rsi: number(result.rsi), sma20: number(result.sma20), sma50: number(result.sma50),
      })),
    };
  }

  /** Drops the scans of a timeframe older than `before` (the newest one is always kept). */
  async prune(timeframe: Timeframe, before: Date): Promise<number> {
    const gone = await this.db.delete(marketScanResults)
      .where(and(eq(marketScanResults.timeframe, timeframe), sql`${marketScanResults.scannedAt} < ${before}`,
        sql`${marketScanResults.scannedAt} < (select max(scanned_at) from market_scan_results where timeframe = ${timeframe})`))
      .returning({ id: marketScanResults.id });
    return gone.length;
  }
}
