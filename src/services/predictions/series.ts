// Daily series for `stockmind train` and `stockmind backtest` from the database: each symbol's
// bars over a period, gaps filled from the market data provider first (as the seed's trainer
// fetched five years of data). Without symbols, the largest active ones.
import { AppError, NotFound } from '../../domain/errors.ts';
import { barProblem } from '../../domain/market/bar.ts';
import { PERIODS, periodStart, type Period } from '../../domain/market/period.ts';
import type { Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import type { SeriesBars } from '../forecast/index.ts';
import type { StockCatalog } from '../market/catalog.ts';
import type { PriceHistory } from '../market/history.ts';

/** Symbols trained on when none are named: the seed's "top 50". */
export const DEFAULT_TRAINING_SYMBOLS = 50;

export interface HistorySeriesDeps {
  catalog: StockCatalog;
  history: PriceHistory;
  clock: Clock;
  log: Log;
  /** Called after each symbol (a progress bar). */
  onSymbol?: (done: number, total: number) => void;
}

/** A loader of `{symbols, period}` (cli/forecast.ts's SeriesLoader) over the stored history. */
export function historySeriesLoader(deps: HistorySeriesDeps) {
  return async (request: { symbols?: readonly string[]; period?: string }): Promise<SeriesBars[]> => {
    const period = (request.period ?? '5y') as Period;
    if (!PERIODS.includes(period)) throw new RangeError(`Unknown period ${period}; expected one of ${PERIODS.join(', ')}`);
    const symbols = request.symbols ?? await deps.catalog.active(DEFAULT_TRAINING_SYMBOLS);
    const to = deps.clock.now();
    const from = periodStart(period, to);
    const series: SeriesBars[] = [];
    for (const [i, raw] of symbols.entries()) {
      try {
        const stock = await deps.catalog.resolve(raw);
        const { bars, coverage } = await deps.history.daily(stock.symbol, from, to, deps.log);
        if (coverage.note) deps.log.info({ symbol: stock.symbol, bars: bars.length }, `${stock.symbol}: ${coverage.note}`);
        const readable = bars.filter((bar) => barProblem(bar) === null);
        if (readable.length > 0) series.push({ symbol: stock.symbol, bars: readable });
      } catch (error) {
        // An unknown or malformed symbol is left out; the caller reports what is missing.
        if (!(error instanceof NotFound) && !(error instanceof AppError && error.kind === 'invalid')) throw error;
        deps.log.warn({ symbol: raw }, error.message);
      }
      deps.onSymbol?.(i + 1, symbols.length);
    }
    return series;
  };
}
