// `stockmind import <file|dir>`: CSV bars into the price store through one COPY-based bulk load
// (all of it in one transaction: a file is stored whole or not at all), with a report of rows read,
// new, updated, unchanged and skipped, and every bad row with its file and line.
import { stat } from 'node:fs/promises';
import type { Cache } from '../../adapters/cache.ts';
import type { BarRow, PriceRepository } from '../../db/repositories/prices.ts';
import { quoteKey } from '../market/quote-ingest.ts';
import { listCsvFiles } from './csv-files.ts';
import { readCsvBars, type CsvFileSummary, type CsvReject } from './csv-reader.ts';

export interface ImportReport {
  files: CsvFileSummary[];
  rowsRead: number;
  /** Bars the store did not hold before. */
  inserted: number;
  /** Bars it held with other values (a split adjustment, a corrected print). */
  updated: number;
  /** Bars it held already, exactly so. */
  unchanged: number;
  /** Rows refused by the file (bad values, duplicates) or by the store (source mixing). */
  skipped: number;
  /** Counts per reason, the reason's first words standing for its kind. */
  skippedByReason: Record<string, number>;
  /** The first bad rows, with file and line, for the user to fix. */
  rejects: CsvReject[];
}

export interface ImportOptions {
  /** Symbol for files that do not name it. */
  symbol?: string;
  onBytes?(bytes: number, total: number): void;
}

const COPY_BATCH = 20_000;
const REJECTS_SHOWN = 100;

const emptyReport = (): ImportReport => ({ files: [], rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, skipped: 0, skippedByReason: {}, rejects: [] });

/** "zero price in open, high (also …)" → "zero price": the kind of problem, for the tally. */
function reasonKind(reason: string): string {
  return reason.replace(/\(.*\)/, '').replace(/\d[\d.,:-]*/g, 'N').split(':')[0]!.trim();
}

export class ImportService {
  constructor(private readonly prices: PriceRepository, private readonly cache: Cache) {}

  async importCsv(path: string, options: ImportOptions = {}): Promise<ImportReport> {
    const files = await listCsvFiles(path);
    const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
    const totalBytes = sizes.reduce((a, b) => a + b, 0);
    let report = emptyReport();
    let bytesBefore = 0;

    // Called again when the store needs a second pass (bars already stored): the tally restarts.
    async function* batches(): AsyncGenerator<BarRow[]> {
      report = emptyReport();
      bytesBefore = 0;
      let pending: BarRow[] = [];
      for (const [index, file] of files.entries()) {
        for await (const event of readCsvBars(file, { symbol: options.symbol, batchSize: 5_000 })) {
          switch (event.kind) {
            case 'rows':
              for (const row of event.rows) pending.push({ symbol: row.symbol, interval: event.interval, bar: row.bar, source: 'csv' });
              if (pending.length >= COPY_BATCH) {
                yield pending;
                pending = [];
              }
              break;
            case 'reject': {
              const kind = reasonKind(event.reject.reason);
              report.skippedByReason[kind] = (report.skippedByReason[kind] ?? 0) + 1;
              if (report.rejects.length < REJECTS_SHOWN) report.rejects.push(event.reject);
              break;
            }
            case 'file':
              report.files.push(event.summary);
              report.rowsRead += event.summary.rowsRead;
              report.skipped += event.summary.rejects;
              break;
            case 'progress':
              options.onBytes?.(bytesBefore + event.bytesRead, totalBytes);
              break;
          }
        }
        bytesBefore += sizes[index]!;
      }
      if (pending.length > 0) yield pending;
    }

    const result = await this.prices.bulkLoad(batches);
    report.inserted = result.inserted;
    report.updated = result.updated;
    report.unchanged = result.unchanged;
    if (result.skipped > 0) {
      report.skipped += result.skipped;
      report.skippedByReason[result.reason ?? 'refused by the store'] = result.skipped;
    }
    // A quote cached before the load may be a simulated one that the real bars now replace.
    await Promise.all(result.symbols.map((symbol) => this.cache.delete(quoteKey(symbol))));
    return report;
  }
}
