// The latest indicator set of each symbol: computed from its newest daily bars (today's bar
// included while the session is open), stored (technical_indicators), cached 10 minutes and
// published as `indicator_update` on the symbol's channel. The job refreshes the active symbols
// every 5 minutes; any reader that finds the stored values behind the newest bar computes them on
// demand, so every answer reads one set of numbers.
import type { Bus } from '../../adapters/bus.ts';
import type { Cache } from '../../adapters/cache.ts';
import type { BarWindowRepository } from '../../db/repositories/bar-windows.ts';
import { asStored, type IndicatorRecord, type IndicatorRepository } from '../../db/repositories/indicators.ts';
import { Unavailable } from '../../domain/errors.ts';
import { computeIndicatorSet, IndicatorWorkspace } from '../../domain/indicators/index.ts';
import type { BarColumns } from '../../domain/scanner/index.ts';
import { DAY_MS, isoDate, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { StockCatalog } from '../market/catalog.ts';
import type { PriceHistory } from '../market/history.ts';
import { stockChannel } from '../market/quote-ingest.ts';
import { indicatorView, type IndicatorView } from './names.ts';

/**
 * Daily bars the latest values are computed over: SMA 200 plus enough warm-up that the EMA-based
 * values (EMA, MACD, RSI, ATR, ADX) no longer depend on where the history starts (< 1e-11).
 */
export const INDICATOR_BARS = 400;
/** Daily history the job keeps whole for the active symbols: two years (monthly scans, forecasts). */
export const HISTORY_DAYS = 730;
export const INDICATORS_TTL_SECONDS = 600;
export const indicatorsKey = (symbol: string) => `indicators:${symbol}`;

/** How fresh a stored set must be: computed at the newest bar with its current close, or in its session at all. */
export type Freshness = 'close' | 'session';

export interface IndicatorJobSummary extends Record<string, unknown> {
  symbols: number;
  /** Symbols whose history could not be made whole (provider down, or it has no more). */
  incomplete: number;
  computed: number;
  /** Symbols without any daily bar. */
  withoutBars: number;
}

const viewOf = (record: IndicatorRecord) => indicatorView(record.symbol, isoDate(record.timestamp), record.close, record.values);

export class IndicatorService {
  // computeIndicatorSet is synchronous, so one workspace serves every caller of this service.
  private readonly workspace = new IndicatorWorkspace(INDICATOR_BARS);

  constructor(
    private readonly catalog: StockCatalog,
    private readonly history: PriceHistory,
    private readonly windows: BarWindowRepository,
    private readonly store: IndicatorRepository,
    private readonly cache: Cache,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  /** The job: the active symbols' daily history made whole, then their indicators refreshed. */
  async refreshActive(limit: number, log: Log): Promise<IndicatorJobSummary> {
    const symbols = await this.catalog.active(limit);
    const now = this.clock.now();
    const from = new Date(now.getTime() - HISTORY_DAYS * DAY_MS);
    let incomplete = 0;
    for (const symbol of symbols) {
      try {
        const { coverage } = await this.history.daily(symbol, from, now, log, { fill: true });
        if (!coverage.complete) incomplete += 1;
      } catch (error) {
        if (!(error instanceof Unavailable)) throw error;
        incomplete += 1;
        log.warn({ symbol }, `history fill failed: ${error.message}`);
      }
    }
    const computed = await this.refresh(symbols);
    return { symbols: symbols.length, incomplete, computed: computed.size, withoutBars: symbols.length - computed.size };
  }

  /**
   * Computes, stores, caches and publishes the set of each symbol at its newest bar (at or before
   * `until`); symbols without bars are left out.
   */
  async refresh(symbols: readonly string[], until?: Date): Promise<Map<string, IndicatorRecord>> {
    const windows = await this.windows.latest(symbols, INDICATOR_BARS, until);
    const records = new Map<string, IndicatorRecord>();
    for (const [symbol, bars] of windows) records.set(symbol, this.compute(symbol, bars));
    await this.store.upsert([...records.values()]);
    // A set at an earlier bar is no news: only the newest goes to the cache and the channel.
    if (until !== undefined) return records;
    for (const record of records.values()) {
      const view = viewOf(record);
      await this.cache.set(indicatorsKey(record.symbol), view, INDICATORS_TTL_SECONDS);
      await this.bus.publish(stockChannel(record.symbol), { type: 'indicator_update', data: view });
    }
    return records;
  }

  /** The set at the last of `bars`, rounded as the store keeps it. */
  private compute(symbol: string, bars: BarColumns): IndicatorRecord {
    const last = bars.close.length - 1;
    return {
      symbol,
      timestamp: new Date(bars.time[last]!),
      close: bars.close[last]!,
      values: asStored(computeIndicatorSet(bars, this.workspace)),
    };
  }

  /**
   * A symbol's set at its newest daily bar: cached, else stored, else computed now (and stored);
   * null when the symbol has no daily bar.
   */
  async latest(symbol: string): Promise<IndicatorView | null> {
    const newest = (await this.windows.latest([symbol], 1)).get(symbol);
    if (!newest) return null;
    const view = await this.at(symbol, { timestamp: new Date(newest.time[0]!), close: newest.close[0]! });
    await this.cache.set(indicatorsKey(symbol), view, INDICATORS_TTL_SECONDS);
    return view;
  }

  /**
   * A symbol's set at one of its daily bars (the last bar of a history an answer shows), as stored
   * now: cached or stored when computed at that bar with that close, else computed now.
   */
  async at(symbol: string, bar: { timestamp: Date; close: number }): Promise<IndicatorView> {
    const cached = await this.cache.get<IndicatorView>(indicatorsKey(symbol));
    if (cached && cached.asOf === isoDate(bar.timestamp) && cached.close === bar.close) return cached;
    const stored = await this.store.at(symbol, bar.timestamp);
    const record = stored?.close === bar.close ? stored : (await this.refresh([symbol], bar.timestamp)).get(symbol);
    if (!record) throw new Error(`${symbol} has no daily bar at ${bar.timestamp.toISOString()}`);
    return viewOf(record);
  }

  /**
   * The stored set of each symbol when it is fresh against the newest of its `bars` (by `freshness`),
   * computed now for the others. Symbols absent from `bars` are absent from the answer.
   */
  async latestFor(bars: ReadonlyMap<string, BarColumns>, freshness: Freshness): Promise<Map<string, IndicatorRecord>> {
    const symbols = [...bars.keys()];
    const stored = await this.store.latest(symbols);
    const out = new Map<string, IndicatorRecord>();
    const stale: string[] = [];
    for (const symbol of symbols) {
      const window = bars.get(symbol)!;
      const last = window.close.length - 1;
      const record = stored.get(symbol);
      const fresh = record !== undefined && last >= 0 && record.timestamp.getTime() === window.time[last]!
        && (freshness === 'session' || record.close === window.close[last]!);
      if (fresh) out.set(symbol, record);
      else stale.push(symbol);
    }
    if (stale.length > 0) for (const [symbol, record] of await this.refresh(stale)) out.set(symbol, record);
    return out;
  }
}
