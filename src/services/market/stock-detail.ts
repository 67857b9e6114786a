// The stock detail answer (API_CONTRACT's Market section): the stock, its latest quote, its
// history over the asked range with what that range covers, the 52-week range, and the indicator
// set at the newest daily bar.
import { invalid, Unavailable } from '../../domain/errors.ts';
import { sessionDateOf, type BarInterval } from '../../domain/market/bar.ts';
import { periodStart, type Period } from '../../domain/market/period.ts';
import { ageSeconds } from '../../domain/market/quote.ts';
import { DAY_MS, dateField, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { IndicatorService } from '../indicators/service.ts';
import type { StockCatalog } from './catalog.ts';
import { onDemand } from './gateway.ts';
import type { PriceHistory } from './history.ts';
import type { QuoteService } from './quotes.ts';

export interface DetailRange {
  period?: Period;
  /** YYYY-MM-DD; with `end`, wins over `period`. */
  start?: string;
  end?: string;
  interval: BarInterval;
}

/** The longest range one answer covers (the NYSE calendar answers 20 years at a time). */
const MAX_RANGE_DAYS = 20 * 365;

/** [from, to] of a detail request: explicit dates, or the period back from now. */
export function detailWindow(range: DetailRange, now: Date): { from: Date; to: Date } {
  const field = (name: 'start' | 'end', raw: string) => {
    const ms = dateField(name, raw);
    if (raw < '1990-01-01') throw invalid('History starts in 1990.', { [name]: ['Use a date from 1990-01-01 on.'] });
    return ms;
  };
  if (range.start === undefined && range.end === undefined) {
    return { from: periodStart(range.period ?? '1y', now), to: now };
  }
  const to = range.end !== undefined ? new Date(field('end', range.end) + DAY_MS - 1) : now;
  const from = range.start !== undefined ? new Date(field('start', range.start)) : periodStart(range.period ?? '1y', to);
  if (from > to) throw invalid('start is after end.', { end: ['Must be on or after start.'] });
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw invalid('Range too long.', { end: ['Ask for at most 20 years at a time.'] });
  return { from, to };
}

export class StockDetailService {
  constructor(
    private readonly catalog: StockCatalog,
    private readonly history: PriceHistory,
    private readonly quotes: QuoteService,
    private readonly clock: Clock,
    private readonly indicators: IndicatorService,
  ) {}

  async detail(rawSymbol: string, range: DetailRange, log: Log) {
    const now = this.clock.now();
    const { from, to } = detailWindow(range, now);
    const stock = await this.catalog.resolve(rawSymbol, onDemand());
    const { symbol } = stock;
    const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
    // The live quote first: recording it stores today's bar, so the history and indicators below
    // include the session in progress. Then the history is made whole; without a live quote, the
    // price is worked out from it.
    const live = await this.quotes.live(symbol, log);
    const [dailyFrom, dailyTo] = range.interval === '1d' ? [from, to] : [yearAgo, now];
    // The indicator set at the last bar needs a year of bars behind it (SMA 200, the averages'
    // warm-up) whatever range is shown: a short range fills that year too, or the set computed
    // now would be wrong and then served as stored.
    const warmUpFrom = new Date(dailyTo.getTime() - 365 * DAY_MS);
    if (warmUpFrom < dailyFrom) await this.history.daily(symbol, warmUpFrom, dailyTo, log, onDemand());
    const daily = await this.history.daily(symbol, dailyFrom, dailyTo, log, onDemand());
    const quote = live ?? await this.quotes.fromStore(symbol, stock.currency);
    if (!quote) throw new Unavailable(`No price data for ${symbol} yet.`, 60);
    const bars = range.interval === '1d' ? daily.bars : await this.history.minute(symbol, from, to);
    // The 52 weeks before the quote: for a series that ended years ago, its last year.
    const week52 = await this.history.range52w(symbol, new Date(quote.timestamp));
    // At the last bar of the daily history this answer was built from (the newest when it has none
    // in range); computed now when the job has not run yet.
    const lastDaily = daily.bars.at(-1);
    const indicators = lastDaily ? await this.indicators.at(symbol, lastDaily) : await this.indicators.latest(symbol);
    return {
      symbol,
      name: stock.name,
      currency: stock.currency,
      exchange: stock.exchange,
      sector: stock.sector,
      industry: stock.industry,
      price: quote.price,
      change: quote.change,
      changePercent: quote.changePercent,
      volume: quote.volume,
      marketCap: stock.marketCap === null ? null : Number(stock.marketCap),
      high52w: week52.high,
      low52w: week52.low,
      historicalData: bars.map((bar) => ({
        date: range.interval === '1d' ? sessionDateOf(bar) : bar.timestamp.toISOString(),
        open: bar.open, high: bar.high, low: bar.low, close: bar.close,
        adjustedClose: bar.adjustedClose,
        volume: bar.volume,
      })),
      coverage: range.interval === '1d' ? daily.coverage : null,
      indicators,
      source: quote.source,
      asOf: quote.timestamp,
      ageSeconds: ageSeconds(quote.timestamp, now),
    };
  }
}
