// `stockmind import` and `stockmind backfill`: market data into the store, with progress and a report.
import { openRuntime } from '../app.ts';
import type { Config } from '../config.ts';
import { AppError, invalid, NotFound } from '../domain/errors.ts';
import type { Period } from '../domain/market/period.ts';
import { normalizeSymbol } from '../domain/market/symbol.ts';
import { INVALID_SYMBOL } from '../services/market/catalog.ts';
import { progress, type Progress } from './progress.ts';

export async function importCommand(settings: Config, path: string, options: { symbol?: string }): Promise<void> {
  // Stored data only: an import never needs the live provider.
  const runtime = await openRuntime(settings, { provider: { provider: null, reason: 'import' } });
  try {
    const started = performance.now();
    let bar: Progress | null = null;
    const report = await runtime.services.imports.importCsv(path, {
      symbol: options.symbol,
      onBytes(bytes, total) {
        bar ??= progress('import', Math.max(1, Math.round(total / 1024)), 'KiB');
        bar.update(Math.round(bytes / 1024));
      },
    });
    (bar as Progress | null)?.stop();
    const seconds = (performance.now() - started) / 1000;
    const out = process.stdout;
    for (const file of report.files) out.write(`${file.file}: ${file.format}, ${file.rowsRead} rows read, ${file.rowsAccepted} accepted, ${file.rejects} rejected\n`);
    out.write(`rows read: ${report.rowsRead}\nrows new: ${report.inserted}\nrows updated: ${report.updated}\nrows unchanged: ${report.unchanged}\nrows skipped: ${report.skipped}\n`);
    for (const [reason, n] of Object.entries(report.skippedByReason)) out.write(`  ${n} × ${reason}\n`);
    for (const reject of report.rejects) out.write(`  ${reject.file}:${reject.line}: ${reject.reason}\n`);
    if (report.skipped > report.rejects.length) out.write(`  (first ${report.rejects.length} bad rows shown)\n`);
    const written = report.inserted + report.updated + report.unchanged;
    out.write(`${Math.round(written / Math.max(seconds, 0.001))} rows/s over ${seconds.toFixed(1)} s\n`);
  } finally {
    await runtime.infra.close();
  }
}

/**
 * Fills daily history from the provider. A symbol is backfilled only when the catalog knows it,
 * exactly as the API decides (the simulated market lists the universe only); refused symbols are
 * reported as such, and the command fails when nothing was stored.
 */
export async function backfillCommand(settings: Config, options: { symbols: string; period: Period }): Promise<void> {
  const runtime = await openRuntime(settings);
  try {
    const { catalog, history } = runtime.services;
    process.stderr.write(`market data: ${runtime.provider.reason}\n`);
    const symbols = options.symbols.split(',').map((raw) => raw.trim()).filter(Boolean);
    if (symbols.length === 0) throw invalid('No symbols given.', { symbols: ['Give a comma-separated list, e.g. AAPL,MSFT.'] });
    // A malformed symbol is a typo in the command: refuse it before any work.
    const malformed = symbols.filter((raw) => normalizeSymbol(raw) === null);
    if (malformed.length > 0) throw invalid(`Invalid symbols: ${malformed.join(', ')}.`, { symbols: [INVALID_SYMBOL] });
    const bar = progress('backfill', symbols.length, 'symbols');
    let stored = 0;
    const done: string[] = [];
    const refused: string[] = [];
    const failed: string[] = [];
    for (const raw of symbols) {
      try {
        const stock = await catalog.resolve(raw);
        const result = await history.backfill(stock.symbol, options.period);
        stored += result.stored;
        if (result.stored > 0) done.push(stock.symbol);
        else refused.push(stock.symbol);
        if (result.reason) process.stderr.write(`${stock.symbol}: ${result.reason}\n`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        (error instanceof NotFound || error.kind === 'invalid' ? refused : failed).push(raw);
        process.stderr.write(`${raw}: ${error.message}\n`);
      }
      bar.increment(1);
    }
    bar.stop();
    process.stdout.write(`${stored} daily bars stored for ${done.length} of ${symbols.length} symbols`
      + `${refused.length > 0 ? `; refused: ${refused.join(', ')}` : ''}${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}\n`);
    if (done.length === 0 || failed.length > 0) process.exitCode = 1;
  } finally {
    await runtime.infra.close();
  }
}
