// `stockmind import <file|dir>`: CSV bars into the price store through one COPY-based bulk load,
// with a report of rows read, stored and skipped, and every bad row with its file and line.
import { stat } from 'node:fs/promises';
import type { BarRow, PriceStore } from '../db/repositories/prices.ts';
import { listCsvFiles, readCsvBars, type CsvFileSummary, type CsvReject } from '../providers/market/csv.ts';

export interface ImportReport {
  files: CsvFileSummary[];
  rowsRead: number;
  stored: number;
  /** Rows refused by the file (bad values, duplicates) or by the store (source mixing). */
  skipped: number;
  /** Counts per reason, the reason's first words standing for its kind. */
  skippedByReason: Record<string, number>;
  /** The first bad rows, with file and line, for the user to fix. */
  rejects: CsvReject[];
}

export interface ImportProgress {
  onBytes?(bytes: number, total: number): void;
}

const COPY_BATCH = 20_000;

const emptyReport = (): ImportReport => ({ files: [], rowsRead: 0, stored: 0, skipped: 0, skippedByReason: {}, rejects: [] });
const REJECTS_SHOWN = 100;

/** "zero price in open, high (also …)" → "zero price": the kind of problem, for the tally. */
function reasonKind(reason: string): string {
  return reason.replace(/\(.*\)/, '').replace(/\d[\d.,:-]*/g, 'N').split(':')[0]!.trim();
}

export async function importCsv(store: PriceStore, path: string, options: { symbol?: string } & ImportProgress = {}): Promise<ImportReport> {
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

  const result = await store.bulkLoad(batches);
  report.stored = result.stored;
  if (result.skipped > 0) {
    report.skipped += result.skipped;
    report.skippedByReason[result.reason ?? 'refused by the store'] = result.skipped;
  }
  return report;
}
