// Daily series for training and backtests from CSV files (`--csv`; the database path is a loader
// the CLI's caller passes in).
import { readCsvBars } from '../import/csv-reader.ts';
import type { Bar } from '../../domain/market/bar.ts';
import { isoDate } from '../../domain/time.ts';
import type { SeriesBars } from './train.ts';

export interface SeriesFilter {
  /** Only these symbols (upper case); all when absent. */
  symbols?: readonly string[];
  /** First and last session date kept (inclusive). */
  from?: string;
  to?: string;
}

/**
 * Daily bars per symbol from a CSV file or a directory of them (every format `stockmind import`
 * reads), oldest first, in the order symbols are asked for (else alphabetical). 1-minute files
 * and rejected rows are skipped.
 */
export async function readCsvSeries(path: string, filter: SeriesFilter = {}): Promise<SeriesBars[]> {
  const wanted = filter.symbols === undefined ? null : new Set(filter.symbols.map((s) => s.toUpperCase()));
  const bySymbol = new Map<string, Bar[]>();
  for await (const event of readCsvBars(path)) {
    if (event.kind !== 'rows' || event.interval !== '1d') continue;
    for (const { symbol, bar } of event.rows) {
      if (wanted !== null && !wanted.has(symbol)) continue;
      const date = isoDate(bar.timestamp);
      if ((filter.from !== undefined && date < filter.from) || (filter.to !== undefined && date > filter.to)) continue;
      let bars = bySymbol.get(symbol);
      if (bars === undefined) bySymbol.set(symbol, (bars = []));
      bars.push(bar);
    }
  }
  for (const bars of bySymbol.values()) bars.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  const order = filter.symbols?.map((s) => s.toUpperCase()) ?? [...bySymbol.keys()].sort();
  return order.flatMap((symbol) => {
    const bars = bySymbol.get(symbol);
    return bars === undefined ? [] : [{ symbol, bars }];
  });
}
