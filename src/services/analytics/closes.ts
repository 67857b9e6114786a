// Daily closes for analytics, from the price store through an in-process read cache, with missing
// history filled from the provider on demand (within reason: a few symbols per request).
//
// Reading five years of 200 symbols takes seconds on the embedded database, so each symbol's
// closes are kept here: re-read in full when first asked and every `reloadSeconds` (a few stale
// symbols per request), their last days re-read every `tailSeconds` (today's bar moves every
// minute), and in full right after this service filled them. A correction deep in the past made
// by another writer (a re-adjusted history) shows after the reload interval.
//
// Closes are as the provider stores them: Yahoo's `close` is split-adjusted (not dividend-adjusted),
// the simulated market has no splits; analytics therefore reads them with closesSplitAdjusted.
import { LRUCache } from 'lru-cache';
import type { DailyCloseRepository } from '../../db/repositories/daily-closes.ts';
import { Unavailable } from '../../domain/errors.ts';
import { lastSessionClosedBy, sessionsBetween } from '../../domain/calendar/index.ts';
import type { CloseSeries } from '../../domain/portfolio/analytics/index.ts';
import { addDays, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { PriceHistory } from '../market/history.ts';

/** A symbol's closes from one date on. */
export interface CloseNeed {
  symbol: string;
  /** The first session date the caller needs (YYYY-MM-DD). */
  from: string;
}

export interface ClosesAnswer {
  closes: Map<string, CloseSeries>;
  /** Changes whenever any of these closes changed since an earlier answer (keys caches of what is computed from them). */
  stamp: number;
  /** The same, per symbol. */
  versions: Map<string, number>;
  /** What could not be filled, per symbol, and symbols left for a later request. */
  notes: string[];
}

export interface DailyClosesSettings {
  tailSeconds: number;
  reloadSeconds: number;
  /** History fills from the provider per request (each is one provider call). */
  fillsPerRequest: number;
  /** Full re-reads of stale symbols per request. */
  reloadsPerRequest: number;
}

export const DEFAULT_CLOSES_SETTINGS: DailyClosesSettings = { tailSeconds: 60, reloadSeconds: 3_600, fillsPerRequest: 8, reloadsPerRequest: 2 };

interface Entry {
  /** From one counter for every entry: a new value on each change. */
  version: number;
  dates: string[];
  closes: number[];
  loadedAt: number;
  tailAt: number;
  /** The range whose sessions were compared with the store (and filled when short). */
  checked: { from: string; through: string } | null;
  /** Why the range is still short after a fill, when it is. */
  note: string | null;
}

/** Days re-read before the last cached close: a late correction of a recent bar is picked up. */
const TAIL_OVERLAP_DAYS = 7;
const FILL_CONCURRENCY = 4;

/** The index of the first date ≥ `date` in ascending dates. */
function lowerBound(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((dates[mid] as string) < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class DailyCloses {
  // About 25 KB per symbol with five years of closes.
  private readonly entries = new LRUCache<string, Entry>({ max: 2_000 });
  /** One string per date, shared by every symbol's series. */
  private readonly interned = new Map<string, string>();
  private sessions: { from: string; through: string; dates: string[] } | null = null;
  private versions = 0;

  constructor(
    private readonly repo: DailyCloseRepository,
    private readonly history: PriceHistory,
    private readonly clock: Clock,
    private readonly settings: DailyClosesSettings = DEFAULT_CLOSES_SETTINGS,
  ) {}

  /** Closes of each symbol (every stored one, oldest first); with `fill`, short history is filled first. */
  async closes(needs: readonly CloseNeed[], log: Log, options: { fill: boolean }): Promise<ClosesAnswer> {
    const earliest = new Map<string, string>();
    for (const need of needs) {
      const known = earliest.get(need.symbol);
      if (known === undefined || need.from < known) earliest.set(need.symbol, need.from);
    }
    const symbols = [...earliest.keys()];
    await this.refresh(symbols);
    const notes: string[] = [];
    if (options.fill) notes.push(...await this.fill(earliest, log));
    const closes = new Map<string, CloseSeries>();
    const versions = new Map<string, number>();
    let stamp = 0;
    for (const symbol of symbols) {
      const entry = this.entries.get(symbol);
      if (entry === undefined) continue;
      closes.set(symbol, { dates: entry.dates, closes: entry.closes });
      versions.set(symbol, entry.version);
      stamp = Math.max(stamp, entry.version);
      if (entry.note !== null) notes.push(`${symbol}: ${entry.note}`);
    }
    return { closes, stamp, versions, notes };
  }

  /** Forgets symbols (after a write this service did not make). */
  forget(symbols: readonly string[]): void {
    for (const symbol of symbols) this.entries.delete(symbol);
  }

  private intern(date: string): string {
    let shared = this.interned.get(date);
    if (shared === undefined) this.interned.set(date, shared = date);
    return shared;
  }

  /** Full reads for new and stale symbols, one tail read for the rest that are due. */
  private async refresh(symbols: readonly string[]): Promise<void> {
    const now = this.clock.now().getTime();
    const full: string[] = [];
    const tail: string[] = [];
    const stale: { symbol: string; loadedAt: number }[] = [];
    for (const symbol of symbols) {
      const entry = this.entries.get(symbol);
      if (entry === undefined) { full.push(symbol); continue; }
      if (now - entry.loadedAt >= this.settings.reloadSeconds * 1000) stale.push({ symbol, loadedAt: entry.loadedAt });
      if (now - entry.tailAt >= this.settings.tailSeconds * 1000) {
        if (entry.dates.length === 0) full.push(symbol);
        else tail.push(symbol);
      }
    }
    stale.sort((a, b) => a.loadedAt - b.loadedAt);
    for (const { symbol } of stale.slice(0, this.settings.reloadsPerRequest)) {
      if (!full.includes(symbol)) full.push(symbol);
    }
    const tailOnly = tail.filter((symbol) => !full.includes(symbol));
    await Promise.all([this.loadFull(full, now), this.loadTail(tailOnly, now)]);
  }

  private async loadFull(symbols: readonly string[], now: number): Promise<void> {
    if (symbols.length === 0) return;
    const rows = await this.repo.closes(symbols);
    for (const symbol of symbols) {
      const found = rows.get(symbol);
      const previous = this.entries.get(symbol);
      this.entries.set(symbol, {
        version: ++this.versions,
        dates: (found?.dates ?? []).map((date) => this.intern(date)),
        closes: found?.closes ?? [],
        loadedAt: now,
        tailAt: now,
        checked: previous?.checked ?? null,
        note: previous?.note ?? null,
      });
    }
  }

  private async loadTail(symbols: readonly string[], now: number): Promise<void> {
    if (symbols.length === 0) return;
    let since: string | null = null;
    for (const symbol of symbols) {
      const last = this.entries.get(symbol)?.dates.at(-1);
      if (last !== undefined && (since === null || last < since)) since = last;
    }
    const from = addDays(since as string, -TAIL_OVERLAP_DAYS);
    const rows = await this.repo.closes(symbols, from);
    for (const symbol of symbols) {
      const entry = this.entries.get(symbol);
      if (entry === undefined) continue;
      const cut = lowerBound(entry.dates, from);
      const fresh = rows.get(symbol) ?? { dates: [], closes: [] };
      entry.tailAt = now;
      const same = fresh.dates.length === entry.dates.length - cut
        && fresh.dates.every((date, i) => date === entry.dates[cut + i] && fresh.closes[i] === entry.closes[cut + i]);
      if (same) continue;
      entry.dates = entry.dates.slice(0, cut).concat(fresh.dates.map((date) => this.intern(date)));
      entry.closes = entry.closes.slice(0, cut).concat(fresh.closes);
      entry.version = ++this.versions;
    }
  }

  /** Closed NYSE sessions from `from` through `through`, from one list kept per `through`. */
  private sessionDates(from: string, through: string): string[] {
    if (this.sessions === null || this.sessions.through !== through || this.sessions.from > from) {
      this.sessions = { from, through, dates: sessionsBetween(from, through).map((session) => session.date) };
    }
    const dates = this.sessions.dates;
    return dates.slice(lowerBound(dates, from));
  }

  /** Fills the symbols whose stored closes miss sessions of the range asked for (a few per request). */
  private async fill(earliest: ReadonlyMap<string, string>, log: Log): Promise<string[]> {
    const now = this.clock.now();
    const through = lastSessionClosedBy(now)?.date;
    if (through === undefined) return [];
    const due: { symbol: string; from: string }[] = [];
    const first = [...earliest.values()].reduce((min, from) => (from < min ? from : min), through);
    // One session list for every symbol of the request.
    this.sessionDates(first, through);
    for (const [symbol, from] of earliest) {
      if (from > through) continue;
      const entry = this.entries.get(symbol);
      if (entry === undefined) continue;
      if (entry.checked !== null && entry.checked.through === through && entry.checked.from <= from) continue;
      if (this.missingSessions(entry, from, through) === 0) {
        entry.checked = { from, through };
        entry.note = null;
      } else {
        due.push({ symbol, from });
      }
    }
    if (due.length === 0) return [];
    const now0 = now.getTime();
    const batch = due.slice(0, this.settings.fillsPerRequest);
    const filled: string[] = [];
    for (let i = 0; i < batch.length; i += FILL_CONCURRENCY) {
      await Promise.all(batch.slice(i, i + FILL_CONCURRENCY).map(async ({ symbol, from }) => {
        const entry = this.entries.get(symbol) as Entry;
        try {
          const answer = await this.history.daily(symbol, new Date(`${from}T00:00:00Z`), now, log, { fill: true });
          entry.note = answer.coverage.complete ? null : answer.coverage.note;
          filled.push(symbol);
        } catch (error) {
          if (!(error instanceof Unavailable)) throw error;
          entry.note = `history could not be filled: ${error.message}`;
        }
        entry.checked = { from, through };
      }));
    }
    await this.loadFull(filled, now0);
    const left = due.length - batch.length;
    return left > 0 ? [`the history of ${left} more symbols is filled on later requests (${this.settings.fillsPerRequest} per request)`] : [];
  }

  private missingSessions(entry: Entry, from: string, through: string): number {
    let missing = 0;
    let at = lowerBound(entry.dates, from);
    for (const session of this.sessionDates(from, through)) {
      while (at < entry.dates.length && (entry.dates[at] as string) < session) at += 1;
      if (entry.dates[at] !== session) missing += 1;
    }
    return missing;
  }
}
