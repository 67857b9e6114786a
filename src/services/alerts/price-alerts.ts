// Price alerts as quotes are recorded: the recorder of a quote (the worker's job, a tick, an API
// instance fetching on demand) finds the watchlist lines it crossed, fires each once, records it
// and publishes it on the owner's channel, which every API instance relays to that user's sockets.
//
// - Once per crossing: a line's "fired" state is shared (the counters store: Redis scaled), and
//   only the process that flips it records the alert; the alert's dedupe key (one per crossing)
//   guards the table too. The line re-arms when a quote is back on the other side.
// - O(crossed) per quote: lines are sorted per symbol (ThresholdIndex); only thresholds between the
//   previous quote and this one are looked at. A symbol's lines are read once, again when they
//   change (linesChanged, announced on the bus to every process) and every few minutes; each
//   (re)load evaluates every line of the symbol once, so an entry set beyond the line fires on
//   the next quote.
import type { Bus, Unsubscribe } from '../../adapters/bus.ts';
import type { Cache } from '../../adapters/cache.ts';
import type { NewAlert, WatchlistRepository, WatchlistRow } from '../../db/repositories/watchlist.ts';
import { isBeyond, ThresholdIndex, type AlertLine } from '../../domain/alerts/thresholds.ts';
import type { QuoteView } from '../../domain/market/quote.ts';
import type { Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { QuoteWatcher } from '../market/quote-ingest.ts';
import type { AlertView } from '../portfolio/alerts.ts';
import { userChannel } from './channel.ts';

/** Announces that a symbol's alert lines changed, so every process reloads them. */
export const ALERT_LINES_CHANNEL = 'alert_lines';
/** Lines are read again at least this often, whatever was announced. */
const RELOAD_MS = 5 * 60_000;
/** How long a fired line stays fired without a quote back on the other side. */
const FIRED_TTL_SECONDS = 60 * 86_400;

export interface AlertRecorder {
  record(alert: NewAlert): Promise<AlertView | null>;
}

/** The `alert` message's data: the recorded alert, plus what a notification shows. */
export interface AlertMessage extends AlertView {
  message: string;
  currency: string;
  source: string;
}

interface SymbolLines {
  index: ThresholdIndex;
  loadedAt: number;
  /** Every line still to be evaluated once (just loaded). */
  fresh: boolean;
}

export function linesOf(rows: readonly WatchlistRow[]): AlertLine[] {
  const lines: AlertLine[] = [];
  for (const row of rows) {
    const add = (kind: AlertLine['kind'], text: string | null) => {
      if (text !== null) lines.push({ entryId: row.id, userId: row.userId, symbol: row.symbol, kind, threshold: Number(text), thresholdText: text });
    };
    add('above', row.alertPriceAbove);
    add('below', row.alertPriceBelow);
    add('change_percent', row.alertChangePercent);
  }
  return lines;
}

function describe(line: AlertLine, quote: QuoteView): string {
  switch (line.kind) {
    case 'above': return `${quote.symbol} is at ${quote.price} ${quote.currency}, at or above your alert at ${line.thresholdText}.`;
    case 'below': return `${quote.symbol} is at ${quote.price} ${quote.currency}, at or below your alert at ${line.thresholdText}.`;
    case 'change_percent': return `${quote.symbol} has moved ${quote.changePercent > 0 ? '+' : ''}${quote.changePercent}% today, beyond your ±${line.thresholdText}% alert.`;
  }
}

export class PriceAlerts implements QuoteWatcher {
  private readonly symbols = new Map<string, Promise<SymbolLines>>();
  private listening: Promise<Unsubscribe> | null = null;

  constructor(
    private readonly watchlist: WatchlistRepository,
    private readonly recorder: AlertRecorder,
    private readonly bus: Bus,
    /** Shared by every process (Redis scaled): which lines are fired. */
    private readonly state: Cache,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  /** Call after a watchlist entry's alert lines were set, changed or removed. */
  async linesChanged(symbol: string): Promise<void> {
    this.symbols.delete(symbol);
    await this.bus.publish(ALERT_LINES_CHANNEL, { symbol });
  }

  async quoteRecorded(quote: QuoteView, previous: QuoteView | null): Promise<void> {
    try {
      await this.evaluate(quote, previous);
    } catch (error) {
      // The quote is stored and published already; a failed evaluation is retried by the next quote's.
      this.log.warn({ err: error, symbol: quote.symbol }, 'alert evaluation failed');
    }
  }

  private async evaluate(quote: QuoteView, previous: QuoteView | null): Promise<void> {
    const lines = await this.linesFor(quote.symbol);
    if (lines.index.size === 0) return;
    const usable = previous !== null && previous.symbol === quote.symbol && Date.parse(previous.timestamp) <= Date.parse(quote.timestamp);
    const candidates = lines.fresh || !usable ? lines.index.all() : lines.index.crossed(previous, quote);
    lines.fresh = false;
    for (const line of candidates) {
      if (isBeyond(line, quote)) await this.fire(line, quote);
      else await this.state.delete(this.stateKey(line));
    }
  }

  private stateKey(line: AlertLine): string {
    return `alert-fired:${line.entryId}:${line.kind}:${line.thresholdText}`;
  }

  private async fire(line: AlertLine, quote: QuoteView): Promise<void> {
    // Only the process that flips the line to fired records and sends the alert.
    if (!(await this.state.add(this.stateKey(line), quote.timestamp, FIRED_TTL_SECONDS))) return;
    const alert = await this.recorder.record({
      userId: line.userId, watchlistId: line.entryId, symbol: line.symbol, kind: line.kind,
      threshold: line.thresholdText, price: String(quote.price), changePercent: String(quote.changePercent),
      dedupeKey: `${line.entryId}:${line.kind}:${line.thresholdText}:${quote.timestamp}`,
      // When the price that crossed was struck.
      firedAt: new Date(quote.timestamp),
    });
    if (!alert) return;
    const data: AlertMessage = { ...alert, message: describe(line, quote), currency: quote.currency, source: quote.source };
    await this.bus.publish(userChannel(line.userId), { type: 'alert', data });
  }

  private linesFor(symbol: string): Promise<SymbolLines> {
    const now = this.clock.now().getTime();
    const known = this.symbols.get(symbol);
    if (known) {
      return known.then((lines) => {
        if (now - lines.loadedAt < RELOAD_MS || this.symbols.get(symbol) !== known) return lines;
        this.symbols.delete(symbol);
        return this.linesFor(symbol);
      });
    }
    const loading = this.load(symbol, now);
    this.symbols.set(symbol, loading);
    loading.catch(() => { if (this.symbols.get(symbol) === loading) this.symbols.delete(symbol); });
    return loading;
  }

  private async load(symbol: string, now: number): Promise<SymbolLines> {
    if (!this.listening) {
      const listening = this.bus.subscribe(ALERT_LINES_CHANNEL, (message) => {
        const changed = (message as { symbol?: unknown } | null)?.symbol;
        if (typeof changed === 'string') this.symbols.delete(changed);
      });
      this.listening = listening;
      listening.catch(() => { if (this.listening === listening) this.listening = null; });
    }
    await this.listening;
    const rows = await this.watchlist.watchersWithAlerts([symbol]);
    return { index: new ThresholdIndex(linesOf(rows)), loadedAt: now, fresh: true };
  }

  async close(): Promise<void> {
    const listening = this.listening;
    this.listening = null;
    if (listening) await (await listening)();
  }
}
