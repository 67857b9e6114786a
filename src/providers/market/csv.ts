// Reading OHLCV bars from CSV files: the reader behind `stockmind import <file|dir>`.
//
// Parsing is csv-parse's streaming API (the package's 7.x line, which supports Node 20; 7.0.0
// was a major bump with no breaking change). A file is piped through the parser record by
// record, so a 34 MB file is never held in memory; options: BOM stripped, empty lines skipped,
// column count fixed by the header (relax_column_count off) with a ragged record reported as a
// reject rather than failing the file (skip_records_with_error + on_skip).
//
// The format is recognised from the header row (trimmed, case-insensitive). Column names map
// to roles, so column order does not matter:
//   long         date,ticker,open,high,low,close,adj_close,volume  (also Name/Symbol/Ticker/Stock)
//   quandl-wiki  ,Date,Open,...,AdjClose,AdjVolume,Stock           (plotly dash-stock-ticker-demo)
//   plotly       Date,AAPL.Open,AAPL.High,...,AAPL.Adjusted,...    (symbol from the column prefix)
//   kaggle-huge  Date,Open,High,Low,Close,Volume,OpenInt           (symbol from the file name)
//   yahoo        Date,Open,High,Low,Close,Adj Close,Volume         (symbol from the file name)
//   ohlcv        Date,Open,High,Low,Close,Volume                   (daily, symbol from the file name)
//   minute       date|datetime,open,high,low,close,volume with date-time values (1-minute bars)
// Whether a file holds daily or 1-minute bars is decided by its first parsable date value:
// `YYYY-MM-DD` is daily (timestamp 00:00 UTC of that date), `YYYY-MM-DD HH:MM[:SS]` is a
// 1-minute bar stamped in New York wall time (converted with nyWallTime, DST-correct). The
// timestamp is taken as written: some sources label a minute bar by its end (the masonblier
// files run 09:31–16:00), which this reader does not second-guess.
//
// Rows keep the file's order when it is oldest first. A file found to be newest first (the
// second bar of a symbol older than its first) is collected and emitted sorted oldest first per
// symbol at the end of the file, so such files are held in memory (they are small in practice).

import { normalizeSymbol } from '../../domain/symbols.ts';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { CsvError, Parser } from 'csv-parse';
import { nyWallTime } from '../../domain/calendar/index.ts';
import type { Bar } from './port.ts';

export interface CsvRow {
  symbol: string;
  bar: Bar;
}

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

/** Most price deviation outside high/low that is repaired (by widening high/low) instead of rejected. */
const BRACKET_TOLERANCE = 0.01;
const PROGRESS_EVERY_BYTES = 256 * 1024;
const DATA_FILE_RE = /\.(csv|txt)$/i;

/** A file, or every *.csv / *.txt under a directory (recursive, hidden entries skipped, sorted). */
export async function listCsvFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  if (!info.isDirectory()) throw new Error(`${path} is neither a file nor a directory`);
  const files: string[] = [];
  await collectFiles(path, files);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function collectFiles(dir: string, into: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      await collectFiles(full, into);
    } else if (DATA_FILE_RE.test(entry.name)) {
      // Symlinks are followed to files only (a linked directory could loop).
      if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile())) {
        into.push(full);
      }
    }
  }
}

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

// --- Header recognition ---

type Role = 'date' | 'open' | 'high' | 'low' | 'close' | 'adjClose' | 'volume' | 'symbol';

const ROLE_OF_NAME: ReadonlyMap<string, Role> = new Map([
  ['date', 'date'],
  ['datetime', 'date'],
  ['timestamp', 'date'],
  ['open', 'open'],
  ['high', 'high'],
  ['low', 'low'],
  ['close', 'close'],
  ['adjclose', 'adjClose'],
  ['adjustedclose', 'adjClose'],
  ['adjusted', 'adjClose'],
  ['volume', 'volume'],
  ['ticker', 'symbol'],
  ['symbol', 'symbol'],
  ['name', 'symbol'],
  ['stock', 'symbol'],
]);

const REQUIRED_ROLES: readonly Role[] = ['date', 'open', 'high', 'low', 'close', 'volume'];

interface Layout {
  /** Format name from the header; `ohlcv` becomes `minute` once the data turn out 1-minute. */
  format: string;
  columns: Record<Role, number>;
  /** Symbol from a column prefix such as `AAPL.Open`. */
  prefixSymbol: string | null;
}

/** Column name reduced to lower-case letters and digits: `Adj Close**` → `adjclose`. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

function recogniseHeader(header: readonly string[]): Layout | string {
  const columns: Record<Role, number> = {
    date: -1, open: -1, high: -1, low: -1, close: -1, adjClose: -1, volume: -1, symbol: -1,
  };
  const prefixes = new Set<string>();
  const names = header.map((name) => name.replace(/^\uFEFF/, '').trim());
  for (const [index, name] of names.entries()) {
    let role = ROLE_OF_NAME.get(squash(name));
    // `AAPL.Open`: a symbol prefix before the last dot, a known OHLCV name after it.
    const dot = name.lastIndexOf('.');
    if (role === undefined && dot > 0) {
      const suffixRole = ROLE_OF_NAME.get(squash(name.slice(dot + 1)));
      if (suffixRole !== undefined && suffixRole !== 'symbol' && suffixRole !== 'date') {
        role = suffixRole;
        prefixes.add(name.slice(0, dot).trim().toUpperCase());
      }
    }
    if (role === undefined) {
      if (squash(name) === 'time') return 'separate date and time columns are not supported';
      continue;
    }
    if (columns[role] !== -1) return `two ${role} columns (${names[columns[role]]}, ${name})`;
    columns[role] = index;
  }
  const missing = REQUIRED_ROLES.filter((role) => columns[role] === -1);
  if (missing.length > 0) return `no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}`;
  if (prefixes.size > 1) return `columns for several symbols (${[...prefixes].join(', ')})`;
  const prefixSymbol = prefixes.size === 1 ? [...prefixes][0] ?? null : null;
  if (prefixSymbol !== null && columns.symbol !== -1) return 'both a ticker column and symbol-prefixed columns';

  const squashed = new Set(names.map(squash));
  let format: string;
  if (columns.symbol !== -1) format = squashed.has('exdividend') || squashed.has('splitratio') ? 'quandl-wiki' : 'long';
  else if (prefixSymbol !== null) format = 'plotly';
  else if (squashed.has('openint')) format = 'kaggle-huge';
  else if (columns.adjClose !== -1) format = 'yahoo';
  else format = 'ohlcv';
  return { format, columns, prefixSymbol };
}

// --- Field parsing ---

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING_WORDS = new Set(['', 'null', 'nan', 'na', 'n/a', 'none', '-']);

/** The number in a field, or NaN when it is missing or not a plain decimal number. */
function parseNumber(raw: string): number {
  if (NUMBER_RE.test(raw)) return Number(raw);
  const trimmed = raw.trim();
  return trimmed !== raw && NUMBER_RE.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function isMissing(raw: string): boolean {
  return MISSING_WORDS.has(raw.trim().toLowerCase());
}

/** `AAPL.csv` → AAPL, `aapl.us.txt` → AAPL, `SPY_1min_2025-07-01.csv` → SPY. */
export function symbolFromFileName(file: string): string {
  let stem = basename(file, extname(file));
  stem = stem.replace(/\.us$/i, '');
  const underscore = stem.indexOf('_');
  if (underscore > 0) stem = stem.slice(0, underscore);
  return stem.trim().toUpperCase();
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.0+)?)?$/;

/** ms of 00:00 UTC of an ISO date, or NaN when it is not a real calendar date. */
function parseDay(raw: string): number {
  const m = DATE_RE.exec(raw);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (year < 1 || back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return Number.NaN;
  }
  return ms;
}

type DateResult = { ok: true; ms: number } | { ok: false; reason: string };

/**
 * A New York wall-clock minute as an instant. `offsets` caches the UTC offset nyWallTime finds
 * per date and hour: DST changes fall on the hour, and nyWallTime resolves every minute of a
 * skipped or repeated hour the same way, so the offset is constant within an hour.
 */
function parseMinute(raw: string, offsets: Map<string, number>): DateResult {
  const m = DATE_TIME_RE.exec(raw);
  if (m === null) {
    return DATE_RE.test(raw)
      ? { ok: false, reason: `expected a date and time (YYYY-MM-DD HH:MM:SS), got "${raw}"` }
      : { ok: false, reason: `unparsable date "${raw}"` };
  }
  const [, date = '', hourText = '', minuteText = '', second] = m;
  if (second !== undefined && second !== '00') {
    return { ok: false, reason: `timestamp "${raw}" is not on a whole minute` };
  }
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const day = parseDay(date);
  if (Number.isNaN(day) || hour > 23 || minute > 59) return { ok: false, reason: `unparsable date "${raw}"` };
  const key = `${date}T${hourText}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = day + hour * 3_600_000 - nyWallTime(date, hour, 0).getTime();
    offsets.set(key, offset);
  }
  return { ok: true, ms: day + hour * 3_600_000 + minute * 60_000 - offset };
}

// --- One file ---

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

const PRICE_ROLES = ['open', 'high', 'low', 'close'] as const;

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Per-file state: the layout, the symbol, duplicate tracking and the pending batch. */
class FileState {
  interval: '1d' | '1m' | null = null;
  order: 'unknown' | 'ascending' | 'descending' = 'unknown';
  rowsRead = 0;
  rowsAccepted = 0;
  rejects = 0;
  pending: CsvRow[] = [];
  /** symbol → (timestamp ms → line of the kept row). */
  private readonly seen = new Map<string, Map<number, number>>();
  private readonly symbols = new Map<string, string | null>();
  private readonly days = new Map<string, number>();
  private readonly offsets = new Map<string, number>();
  private readonly c: Record<Role, number>;

  constructor(
    layout: Layout,
    /** Symbol for every row, or null when it comes from a column. */
    private readonly fileSymbol: string | null,
  ) {
    this.c = layout.columns;
  }

  /** Validates one record: a row to keep, or the reason it is rejected. */
  accept(record: readonly string[], line: number): CsvRow | string {
    const c = this.c;

    let symbol = this.fileSymbol;
    if (symbol === null) {
      const raw = record[c.symbol] ?? '';
      let cached = this.symbols.get(raw);
      if (cached === undefined) {
        cached = normalizeSymbol(raw);
        this.symbols.set(raw, cached);
      }
      if (cached === null) return raw.trim() === '' ? 'missing symbol' : `invalid symbol "${raw.trim()}"`;
      symbol = cached;
    }

    const rawDate = (record[c.date] ?? '').trim();
    if (rawDate === '') return 'missing date';
    let ms: number;
    if (this.interval === '1d') {
      const parsed = this.day(rawDate);
      if (Number.isNaN(parsed)) {
        return DATE_TIME_RE.test(rawDate)
          ? `expected a date (YYYY-MM-DD), got "${rawDate}"`
          : `unparsable date "${rawDate}"`;
      }
      ms = parsed;
    } else if (this.interval === '1m') {
      const parsed = parseMinute(rawDate, this.offsets);
      if (!parsed.ok) return parsed.reason;
      ms = parsed.ms;
    } else {
      // The first parsable date decides whether the file holds daily or 1-minute bars.
      const day = this.day(rawDate);
      if (!Number.isNaN(day)) {
        ms = day;
        this.interval = '1d';
      } else {
        const minute = parseMinute(rawDate, this.offsets);
        if (!minute.ok) return DATE_TIME_RE.test(rawDate) ? minute.reason : `unparsable date "${rawDate}"`;
        ms = minute.ms;
        this.interval = '1m';
      }
    }

    const open = parseNumber(record[c.open] ?? '');
    let high = parseNumber(record[c.high] ?? '');
    let low = parseNumber(record[c.low] ?? '');
    const close = parseNumber(record[c.close] ?? '');
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      return this.withDuplicateNote(this.priceProblem(record, [open, high, low, close]), symbol, ms);
    }

    if (high < low) return this.withDuplicateNote(`high ${high} is below low ${low}`, symbol, ms);
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    if (high < top) {
      const gap = (top - high) / top;
      if (gap > BRACKET_TOLERANCE) {
        return this.withDuplicateNote(`high ${high} is below max(open, close) ${top} by ${formatPercent(gap)}`, symbol, ms);
      }
      high = top;
    }
    if (low > bottom) {
      const gap = (low - bottom) / bottom;
      if (gap > BRACKET_TOLERANCE) {
        return this.withDuplicateNote(`low ${low} is above min(open, close) ${bottom} by ${formatPercent(gap)}`, symbol, ms);
      }
      low = bottom;
    }

    const rawVolume = record[c.volume] ?? '';
    let volume = parseNumber(rawVolume);
    if (Number.isNaN(volume)) {
      const reason = isMissing(rawVolume)
        ? `missing volume${rawVolume.trim() === '' ? '' : ` ("${rawVolume.trim()}")`}`
        : `non-numeric volume "${rawVolume.trim()}"`;
      return this.withDuplicateNote(reason, symbol, ms);
    }
    if (volume < 0) return this.withDuplicateNote(`negative volume ${volume}`, symbol, ms);
    const rounded = Math.round(volume);
    if (Math.abs(volume - rounded) > 1e-6) return this.withDuplicateNote(`fractional volume ${volume}`, symbol, ms);
    if (!Number.isSafeInteger(rounded)) return this.withDuplicateNote(`volume ${volume} is out of range`, symbol, ms);
    volume = rounded;

    let adjustedClose: number | null = null;
    if (c.adjClose !== -1 && this.interval === '1d') {
      const rawAdj = record[c.adjClose] ?? '';
      const adj = parseNumber(rawAdj);
      if (Number.isNaN(adj)) {
        if (!isMissing(rawAdj)) return this.withDuplicateNote(`non-numeric adj close "${rawAdj.trim()}"`, symbol, ms);
      } else if (adj <= 0) {
        return this.withDuplicateNote(`${adj === 0 ? 'zero' : 'negative'} adj close ${adj}`, symbol, ms);
      } else {
        adjustedClose = adj;
      }
    }

    let byTime = this.seen.get(symbol);
    if (byTime === undefined) {
      byTime = new Map();
      this.seen.set(symbol, byTime);
    }
    const firstLine = byTime.get(ms);
    if (firstLine !== undefined) return `duplicate of line ${firstLine}`;
    if (this.order === 'unknown' && byTime.size === 1) {
      const [firstMs] = byTime.keys();
      if (firstMs !== undefined) this.order = ms > firstMs ? 'ascending' : 'descending';
    }
    byTime.set(ms, line);

    return {
      symbol,
      bar: { timestamp: new Date(ms), open, high, low, close, adjustedClose, volume },
    };
  }

  private day(raw: string): number {
    let ms = this.days.get(raw);
    if (ms === undefined) {
      ms = parseDay(raw);
      this.days.set(raw, ms);
    }
    return ms;
  }

  private priceProblem(record: readonly string[], values: readonly number[]): string {
    const missing: string[] = [];
    const missingWords = new Set<string>();
    let nonNumeric: string | null = null;
    const negative: string[] = [];
    const zero: string[] = [];
    PRICE_ROLES.forEach((role, i) => {
      const value = values[i] ?? Number.NaN;
      const raw = (record[this.c[role]] ?? '').trim();
      if (Number.isNaN(value)) {
        if (isMissing(raw)) {
          missing.push(role);
          if (raw !== '') missingWords.add(raw);
        } else {
          nonNumeric ??= `non-numeric ${role} "${raw}"`;
        }
      } else if (value < 0) {
        negative.push(`${role} ${value}`);
      } else if (value === 0) {
        zero.push(role);
      }
    });
    if (missing.length > 0) {
      const words = missingWords.size > 0 ? ` (${[...missingWords].map((w) => `"${w}"`).join(', ')})` : '';
      return `missing ${missing.join(', ')}${words}`;
    }
    if (nonNumeric !== null) return nonNumeric;
    if (negative.length > 0) return `negative price: ${negative.join(', ')}`;
    return `zero price in ${zero.join(', ')}`;
  }

  /** A rejected row that also repeats a kept row says so, so the report explains both. */
  private withDuplicateNote(reason: string, symbol: string, ms: number): string {
    const firstLine = this.seen.get(symbol)?.get(ms);
    return firstLine === undefined ? reason : `${reason} (also a duplicate of line ${firstLine})`;
  }

  /**
   * Takes full batches of the pending rows, or every pending row at the end of the file. A
   * newest-first file is sorted oldest first per symbol (symbols in order of appearance).
   */
  takeBatches(batchSize: number, final: boolean): CsvRow[][] {
    let rows = this.pending;
    if (final && this.order === 'descending') {
      const rank = new Map<string, number>();
      for (const row of rows) if (!rank.has(row.symbol)) rank.set(row.symbol, rank.size);
      rows = rows.sort(
        (a, b) =>
          (rank.get(a.symbol) ?? 0) - (rank.get(b.symbol) ?? 0) ||
          a.bar.timestamp.getTime() - b.bar.timestamp.getTime(),
      );
    }
    const batches: CsvRow[][] = [];
    let at = 0;
    while (rows.length - at >= batchSize || (final && at < rows.length)) {
      batches.push(at === 0 && rows.length <= batchSize ? rows : rows.slice(at, at + batchSize));
      at += batchSize;
    }
    this.pending = at >= rows.length ? [] : rows.slice(at);
    return batches;
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

  let state: FileState | null = null;
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
        state = new FileState(layout, symbol);
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
