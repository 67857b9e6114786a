// Reading OHLCV bars from CSV files: the reader behind `stockmind import <file|dir>`.
//
// Parsing is csv-parse's streaming API (the package's 7.x line, which supports Node 20; 7.0.0
// was a major bump with no breaking change). A file is piped through the parser record by
// record, so a 34 MB file is never held in memory; options: BOM stripped, empty lines skipped,
// column count fixed by the header (relax_column_count off) with a ragged record reported as a
// reject rather than failing the file (skip_records_with_error + on_skip).
//
// The format is recognised from the header (src/domain/import/csv-layout.ts); each record is
// turned into a bar or a reject by src/domain/import/csv-rows.ts. Whether a file holds daily or
// 1-minute bars is decided by its first parsable date value: `YYYY-MM-DD` is daily (timestamp
// 00:00 UTC of that date), `YYYY-MM-DD HH:MM[:SS]` is a 1-minute bar stamped in New York wall time
// (DST-correct). The timestamp is taken as written: some sources label a minute bar by its end
// (the masonblier files run 09:31–16:00), which this reader does not second-guess.
//
// Rows keep the file's order when it is oldest first. A file found to be newest first (the
// second bar of a symbol older than its first) is collected and emitted sorted oldest first per
// symbol at the end of the file, so such files are held in memory (they are small in practice).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvError, Parser } from 'csv-parse';
import { recogniseHeader } from '../../domain/import/csv-layout.ts';
import { symbolFromFileName } from '../../domain/import/csv-fields.ts';
import { FileRows, type CsvRow } from '../../domain/import/csv-rows.ts';
import { normalizeSymbol } from '../../domain/market/symbol.ts';
import { listCsvFiles } from './csv-files.ts';

export type { CsvRow };

export interface CsvReject {
  file: string;
  /** 1-based line in the file; the header is line 1. */
  line: number;
  reason: string;
}

export interface CsvFileSummary {
  file: string;
  /** long | quandl-wiki | plotly | kaggle-huge | yahoo | ohlcv | minute | unknown (see the file comment). */
  format: string;
  /** Data records seen (accepted + rejected), the header not included. */
  rowsRead: number;
  rowsAccepted: number;
  rejects: number;
}

export type CsvEvent =
  | { kind: 'rows'; file: string; interval: '1d' | '1m'; rows: CsvRow[] }
  | { kind: 'reject'; reject: CsvReject }
  | { kind: 'file'; summary: CsvFileSummary }
  | { kind: 'progress'; file: string; bytesRead: number; bytesTotal: number };

export interface ReadCsvOptions {
  /** Most rows per `rows` event (default 1000). */
  batchSize?: number;
  /**
   * Symbol for files that do not name it per row: overrides the file name and a column prefix.
   * Files with a ticker column take the symbol from each row and ignore this.
   */
  symbol?: string;
}

export const DEFAULT_BATCH_SIZE = 1000;

const PROGRESS_EVERY_BYTES = 256 * 1024;

/**
 * Bars from one CSV file or every CSV file under a directory, as a stream of events: batches of
 * accepted rows, one event per rejected row, progress, and a summary after each file.
 */
export async function* readCsvBars(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvEvent> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  let symbol: string | undefined;
  if (options.symbol !== undefined) {
    symbol = normalizeSymbol(options.symbol) ?? undefined;
    if (symbol === undefined) throw new RangeError(`Invalid symbol ${JSON.stringify(options.symbol)}`);
  }
  for (const file of await listCsvFiles(path)) {
    yield* readFile(file, batchSize, symbol);
  }
}
interface ParsedRecord {
  /** Line the record ends on (1-based). */
  lines: number;
  /** Bytes parsed so far. */
  bytes: number;
  record: string[];
}

/**
 * csv-parse's stream parser with each record paired with its line and byte position. The
 * parser pushes each record synchronously as it completes, when `parser.info` describes that
 * record: the values the `info: true` option would snapshot, without copying the whole info
 * object per record (that copy more than doubled the parser's time on the 592k-row file).
 * The exact-line-number tests guard this.
 */
class LineParser extends Parser {
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding);
    const record: ParsedRecord = { lines: this.info.lines, bytes: this.info.bytes, record: chunk as string[] };
    return super.push(record, encoding);
  }
}


/** The line a failed record starts on: csv-parse reports the line it ends on. */
function csvErrorLine(error: CsvError): number {
  let line = typeof error.lines === 'number' ? error.lines : 0;
  if (Array.isArray(error.record)) {
    for (const field of error.record) if (typeof field === 'string') line -= countNewlines(field);
  }
  return line;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

/** A record the parser could not use (ragged, or broken quoting), as on_skip reported it. */
interface Skipped {
  line: number;
  /** Line the parser had reached: for an unclosed quote, the end of the file. */
  endLine: number;
  code: string;
  message: string;
  /** Fields in a ragged record. */
  columns: number | null;
}

function skippedFrom(error: CsvError, fallbackLine: number): Skipped {
  const line = csvErrorLine(error);
  return {
    line: line > 0 ? line : fallbackLine,
    endLine: typeof error.lines === 'number' && error.lines > 0 ? error.lines : fallbackLine,
    code: error.code,
    message: error.message,
    columns: Array.isArray(error.record) ? error.record.length : null,
  };
}

async function* readFile(file: string, batchSize: number, optionSymbol: string | undefined): AsyncGenerator<CsvEvent> {
  const bytesTotal = (await stat(file)).size;
  yield { kind: 'progress', file, bytesRead: 0, bytesTotal };

  // Records the parser skipped, queued by on_skip and reported in line order with the rest
  // (the parser runs ahead of this loop).
  const skipped: Skipped[] = [];
  const parser = new LineParser({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error !== undefined) skipped.push(skippedFrom(error, 0));
      return undefined;
    },
  });
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);

  let state: FileRows | null = null;
  let format = 'unknown';
  let headerColumns = 0;
  let lastLine = 0;
  let lastProgress = 0;

  /** A skipped record as a reject; an unclosed quote swallows the rest of the file. */
  const skippedReject = (entry: Skipped): CsvReject => {
    if (entry.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && entry.columns !== null) {
      return { file, line: entry.line, reason: `wrong number of columns: ${entry.columns}, expected ${headerColumns}` };
    }
    if (entry.code === 'CSV_QUOTE_NOT_CLOSED') {
      const line = Math.min(lastLine + 1, entry.endLine);
      return { file, line, reason: `malformed CSV: a quote is never closed, so lines ${line}–${entry.endLine} could not be read` };
    }
    return { file, line: entry.line, reason: `malformed CSV: ${entry.message}` };
  };

  try {
    for await (const item of parser as AsyncIterable<ParsedRecord>) {
      const { record } = item;
      // The line the record ends on; a quoted field may span lines.
      let line = item.lines;
      for (const field of record) if (field.includes('\n')) line -= countNewlines(field);

      if (state === null) {
        lastLine = line;
        const before = skipped.filter((entry) => entry.line < line);
        if (before.length > 0) {
          // The first record was already broken, so what follows cannot be trusted as a header.
          const rejects = before.map((entry) => {
            const reject = skippedReject(entry);
            return { ...reject, reason: `unrecognised header: ${reject.reason}` };
          });
          for (const reject of rejects) yield { kind: 'reject', reject };
          yield { kind: 'progress', file, bytesRead: bytesTotal, bytesTotal };
          yield { kind: 'file', summary: { file, format, rowsRead: 0, rowsAccepted: 0, rejects: rejects.length } };
          return;
        }
        const layout = recogniseHeader(record);
        if (typeof layout === 'string') {
          const header = record.join(',');
          const shown = header.length > 200 ? `${header.slice(0, 200)}…` : header;
          yield { kind: 'reject', reject: { file, line, reason: `unrecognised header: ${shown} (${layout})` } };
          yield { kind: 'progress', file, bytesRead: bytesTotal, bytesTotal };
          yield { kind: 'file', summary: { file, format, rowsRead: 0, rowsAccepted: 0, rejects: 1 } };
          return;
        }
        const raw = layout.columns.symbol !== -1 ? null : (optionSymbol ?? layout.prefixSymbol ?? symbolFromFileName(file));
        const symbol = raw === null ? null : normalizeSymbol(raw);
        if (raw !== null && symbol === null) {
          const reason = `no symbol for this file: "${raw}" (from its name) is not a valid symbol; name one explicitly`;
          yield { kind: 'reject', reject: { file, line, reason } };
          yield { kind: 'progress', file, bytesRead: bytesTotal, bytesTotal };
          yield { kind: 'file', summary: { file, format: layout.format, rowsRead: 0, rowsAccepted: 0, rejects: 1 } };
          return;
        }
        state = new FileRows(layout, symbol);
        format = layout.format;
        headerColumns = record.length;
        continue;
      }

      while (skipped.length > 0 && (skipped[0]?.line ?? 0) < line) {
        const entry = skipped.shift();
        if (entry === undefined) break;
        state.rowsRead += 1;
        state.rejects += 1;
        yield { kind: 'reject', reject: skippedReject(entry) };
        lastLine = entry.endLine;
      }
      lastLine = line;

      state.rowsRead += 1;
      const result = state.accept(record, line);
      if (typeof result === 'string') {
        state.rejects += 1;
        yield { kind: 'reject', reject: { file, line, reason: result } };
      } else {
        state.rowsAccepted += 1;
        state.pending.push(result);
        if (state.order === 'ascending' && state.pending.length >= batchSize && state.interval !== null) {
          const interval = state.interval;
          for (const rows of state.takeBatches(batchSize, false)) yield { kind: 'rows', file, interval, rows };
        }
      }

      if (item.bytes - lastProgress >= PROGRESS_EVERY_BYTES) {
        lastProgress = item.bytes;
        yield { kind: 'progress', file, bytesRead: Math.min(lastProgress, bytesTotal), bytesTotal };
      }
    }
  } catch (error) {
    // A parse error the parser could not skip past: report it and end the file there.
    if (!(error instanceof CsvError)) throw error;
    skipped.push(skippedFrom(error, lastLine + 1));
  } finally {
    input.destroy();
    parser.destroy();
  }

  if (state === null) {
    // No header: an empty file, or one whose first record is already broken.
    const rejects = skipped.length > 0 ? skipped.map(skippedReject) : [{ file, line: 1, reason: 'empty file: no header row' }];
    for (const reject of rejects) yield { kind: 'reject', reject };
    yield { kind: 'progress', file, bytesRead: bytesTotal, bytesTotal };
    yield { kind: 'file', summary: { file, format, rowsRead: 0, rowsAccepted: 0, rejects: rejects.length } };
    return;
  }
  for (const entry of skipped) {
    state.rowsRead += 1;
    state.rejects += 1;
    yield { kind: 'reject', reject: skippedReject(entry) };
    lastLine = entry.endLine;
  }

  if (state.interval !== null) {
    const interval = state.interval;
    for (const rows of state.takeBatches(batchSize, true)) yield { kind: 'rows', file, interval, rows };
  }
  yield { kind: 'progress', file, bytesRead: bytesTotal, bytesTotal };
  yield {
    kind: 'file',
    summary: {
      file,
      format: format === 'ohlcv' && state.interval === '1m' ? 'minute' : format,
      rowsRead: state.rowsRead,
      rowsAccepted: state.rowsAccepted,
      rejects: state.rejects,
    },
  };
}
