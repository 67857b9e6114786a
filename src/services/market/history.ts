// Price history with an explicit coverage check: the daily bars a range asks for are compared
// with the NYSE sessions it spans, and the missing part is filled from the provider before the
// answer (so a history never shrinks to the one bar today's quote stored). What cannot be filled
// is said in the answer's coverage.
import type { Cache } from '../../adapters/cache.ts';
import type { PriceRepository, WriteResult } from '../../db/repositories/prices.ts';
import { Unavailable } from '../../domain/errors.ts';
import { lastSessionClosedBy, sessionsBetween } from '../../domain/calendar/index.ts';
import { dailyBarTimestamp, sessionDateOf, type BarInterval } from '../../domain/market/bar.ts';
import { periodStart, type Period } from '../../domain/market/period.ts';
import type { SourcedBar } from '../../domain/market/quote.ts';
import { isRealSource } from '../../domain/market/source.ts';
import { DAY_MS, isoDate, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { CallOptions, MarketGateway } from './gateway.ts';

/** What a history answer holds of the range it was asked for. */
export interface Coverage {
  /** The range asked for (YYYY-MM-DD, New York session dates). */
  from: string;
  to: string;
  /** NYSE sessions in the range that have closed. */
  sessions: number;
  /** Of those, how many have a stored bar. */
  bars: number;
  firstBar: string | null;
  lastBar: string | null;
  complete: boolean;
  /** Why the range is not whole, when it is not. */
  note: string | null;
}

export interface History {
  bars: SourcedBar[];
  coverage: Coverage;
}

/** How long a fill that left sessions missing is not tried again (the provider has no more). */
const FILL_RETRY_SECONDS = 6 * 3600;
/** The most bars one answer carries. */
const MAX_BARS = 50_000;

export class PriceHistory {
  constructor(
    private readonly prices: PriceRepository,
    private readonly gateway: MarketGateway,
    private readonly cache: Cache,
    private readonly clock: Clock,
  ) {}

  /** Whether the provider may fill this symbol's history: never the simulator beside real prices. */
  private async mayFill(symbol: string): Promise<boolean> {
    if (!this.gateway.provider) return false;
    if (!this.gateway.isSimulated) return true;
    const stored = await this.prices.symbolSource(symbol);
    return stored === null || !isRealSource(stored);
  }

  /**
   * Daily bars within [from, to]; sessions missing from the store are fetched from the provider
   * first (`fill`). A provider failure leaves the answer as stored, with its coverage saying so.
   */
  async daily(symbol: string, from: Date, to: Date, log: Log, options: CallOptions & { fill?: boolean } = {}): Promise<History> {
    const expected = this.closedSessions(from, to);
    let bars = await this.prices.bars(symbol, '1d', from, to, MAX_BARS);
    let missing = this.missingDates(expected, bars);
    let note: string | null = null;
    if (missing.length > 0 && (options.fill ?? true)) {
      const attempt = `history-fill:${symbol}:${missing[0]}:${missing.at(-1)}`;
      if (!(await this.mayFill(symbol))) {
        note = this.gateway.provider ? 'stored real prices are not extended with simulated ones' : 'no market data provider is configured';
      } else if (await this.cache.get(attempt)) {
        note = 'the provider had no bars for the missing sessions';
      } else {
        try {
          await this.fill(symbol, missing[0]!, missing.at(-1)!, options);
          bars = await this.prices.bars(symbol, '1d', from, to, MAX_BARS);
          missing = this.missingDates(expected, bars);
          if (missing.length > 0) {
            await this.cache.set(attempt, true, FILL_RETRY_SECONDS);
            note = 'the provider had no bars for the missing sessions';
          }
        } catch (error) {
          if (!(error instanceof Unavailable)) throw error;
          log.warn({ symbol, missing: missing.length }, `history fill failed: ${error.message}`);
          note = 'the market data provider is unavailable; showing stored bars';
        }
      }
    }
    const dates = bars.map(sessionDateOf);
    return {
      bars,
      coverage: {
        from: isoDate(from), to: isoDate(to),
        sessions: expected.length, bars: expected.length - missing.length,
        firstBar: dates[0] ?? null, lastBar: dates.at(-1) ?? null,
        complete: missing.length === 0,
        note: missing.length === 0 ? null : note ?? `${missing.length} of ${expected.length} sessions have no bar`,
      },
    };
  }

  /** 1-minute bars within [from, to], as stored (the provider keeps only recent ones). */
  minute(symbol: string, from: Date, to: Date): Promise<SourcedBar[]> {
    return this.prices.bars(symbol, '1m', from, to, MAX_BARS);
  }

  /** The closed NYSE sessions of [from, to]. */
  private closedSessions(from: Date, to: Date): string[] {
    const last = lastSessionClosedBy(new Date(Math.min(to.getTime(), this.clock.now().getTime())));
    const start = isoDate(from);
    if (!last || last.date < start) return [];
    return sessionsBetween(start, last.date < isoDate(to) ? last.date : isoDate(to)).map((session) => session.date);
  }

  private missingDates(expected: readonly string[], bars: readonly SourcedBar[]): string[] {
    const stored = new Set(bars.map(sessionDateOf));
    return expected.filter((date) => !stored.has(date));
  }

  /** One history request for [firstDate, lastDate] and its upsert. */
  private async fill(symbol: string, firstDate: string, lastDate: string, options: CallOptions): Promise<WriteResult> {
    const from = dailyBarTimestamp(firstDate);
    // Through the end of the last missing session's date.
    const to = new Date(dailyBarTimestamp(lastDate).getTime() + DAY_MS - 1);
    const bars = await this.gateway.history(symbol, { interval: '1d', from, to: new Date(Math.min(to.getTime(), this.clock.now().getTime())) }, options);
    return this.prices.upsertBars(symbol, '1d', bars, this.gateway.source!, 'replace');
  }

  /** Daily history of a period from the provider into the store (the CLI's backfill). */
  async backfill(symbol: string, period: Period): Promise<WriteResult> {
    if (!(await this.mayFill(symbol))) {
      return { stored: 0, skipped: 0, reason: this.gateway.provider ? `${symbol} holds real prices; the simulated market does not add to them` : 'no market data provider is configured' };
    }
    const to = this.clock.now();
    const bars = await this.gateway.history(symbol, { interval: '1d', from: periodStart(period, to), to });
    return this.prices.upsertBars(symbol, '1d', bars, this.gateway.source!, 'replace');
  }

  /** Highest high and lowest low of the daily bars in the 52 weeks up to `at`. */
  range52w(symbol: string, at: Date): Promise<{ high: number | null; low: number | null }> {
    return this.prices.range(symbol, new Date(at.getTime() - 365 * DAY_MS), at);
  }

  /** Bars of either interval, for routes that do not fill. */
  stored(symbol: string, interval: BarInterval, from: Date, to: Date): Promise<SourcedBar[]> {
    return this.prices.bars(symbol, interval, from, to, MAX_BARS);
  }
}
