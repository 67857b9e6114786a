// Turning the records of one CSV file into bars: each row validated (prices, bracketing, volume,
// dates), small bracketing errors repaired, duplicates within the file refused with the line of
// the row kept, and a newest-first file put in order. Pure: the reader feeds it records.
import type { Bar } from '../market/bar.ts';
import { normalizeSymbol } from '../market/symbol.ts';
import { DATE_TIME_RE, isMissing, parseDay, parseMinute, parseNumber } from './csv-fields.ts';
import type { Layout, Role } from './csv-layout.ts';

export interface CsvRow {
  symbol: string;
  bar: Bar;
}

/** Most price deviation outside high/low that is repaired (by widening high/low) instead of rejected. */
const BRACKET_TOLERANCE = 0.01;

const PRICE_ROLES = ['open', 'high', 'low', 'close'] as const;

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** Per-file state: the layout, the symbol, duplicate tracking and the pending batch. */
export class FileRows {
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
