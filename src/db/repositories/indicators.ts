// technical_indicators: the latest indicator set of each symbol at each daily bar, one row per
// (symbol, interval, timestamp). Every write is an upsert, so the job may run twice or at once.
import { sql } from 'drizzle-orm';
import { INDICATOR_NAMES, type IndicatorName, type IndicatorSet } from '../../domain/indicators/index.ts';
import type { Db } from '../client.ts';
import { technicalIndicators } from '../schema/index.ts';

/** One symbol's indicator set at one bar. */
export interface IndicatorRecord {
  symbol: string;
  /** The bar the values were computed at (daily: 00:00 UTC of its session date). */
  timestamp: Date;
  /** That bar's close (the last price while its session is open). */
  close: number;
  /** NaN where the history is too short. */
  values: IndicatorSet;
}

/** Decimals the store keeps of each value (OBV is a whole number of shares). */
const SCALE = (name: IndicatorName) => (name === 'obv' ? 0 : 8);
/** The largest magnitude each column holds (numeric(24, 8): 16 whole digits; OBV numeric(24, 0)). */
const LIMIT = (name: IndicatorName) => (name === 'obv' ? 1e20 : 1e15);

/** A value as the store writes it: fixed decimals, null for NaN (or one too large to be a real value). */
function storedText(value: number, name: IndicatorName): string | null {
  if (!Number.isFinite(value) || Math.abs(value) >= LIMIT(name)) return null;
  return value.toFixed(SCALE(name));
}

/**
 * The set as the store keeps it (rounded to its decimals; NaN where it keeps null): what a value
 * computed now and one read back later both answer, so the two paths give the same numbers.
 */
export function asStored(values: IndicatorSet): IndicatorSet {
  const out = {} as IndicatorSet;
  for (const name of INDICATOR_NAMES) {
    const text = storedText(values[name], name);
    out[name] = text === null ? Number.NaN : Number(text);
  }
  return out;
}

/** The store's column of an indicator: the table names its columns after the set's fields. */
const column = (name: IndicatorName) => technicalIndicators[name];
const COLUMN_LIST = sql.raw(INDICATOR_NAMES.map((name) => column(name).name).join(', '));
const UPDATES = sql.raw(INDICATOR_NAMES.map((name) => `${column(name).name} = excluded.${column(name).name}`).join(', '));
const SELECTED = sql.raw(INDICATOR_NAMES.map((name) => `t.${column(name).name}::float8 as "${name}"`).join(', '));

export class IndicatorRepository {
  constructor(private readonly db: Db) {}

  /**
   * Upserts daily indicator rows: a row for the same bar is replaced by the newer values. One
   * statement, each column one array parameter (unnest): thousands of rows at once.
   */
  async upsert(records: readonly IndicatorRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const values = INDICATOR_NAMES.map((name) => sql`${sql.param(records.map((record) => storedText(record.values[name], name)))}::numeric[]`);
    await this.db.execute(sql`
      insert into ${technicalIndicators} (symbol, interval, timestamp, close, ${COLUMN_LIST})
      select t.symbol, '1d', t.timestamp, t.close, ${COLUMN_LIST}
      from unnest(
        ${sql.param(records.map((record) => record.symbol))}::text[],
        ${sql.param(records.map((record) => record.timestamp.toISOString()))}::timestamptz[],
        ${sql.param(records.map((record) => String(record.close)))}::numeric[],
        ${sql.join(values, sql`, `)}
      ) as t(symbol, timestamp, close, ${COLUMN_LIST})
      on conflict (symbol, interval, timestamp) do update set close = excluded.close, created_at = now(), ${UPDATES}`);
    return records.length;
  }

  /** A symbol's daily row at one bar, or null. */
  async at(symbol: string, timestamp: Date): Promise<IndicatorRecord | null> {
    const result = await this.db.execute(sql`
      select t.symbol, (extract(epoch from t.timestamp) * 1000)::float8 as "time", t.close::float8 as close, ${SELECTED}
      from ${technicalIndicators} t
      where t.symbol = ${symbol} and t.interval = '1d' and t.timestamp = ${timestamp.toISOString()}::timestamptz`);
    const [row] = (result as { rows: SelectedRow[] }).rows;
    return row ? recordOfRow(row) : null;
  }

  /** The newest daily row of each symbol (one index lookup each); symbols without one are absent. */
  async latest(symbols: readonly string[]): Promise<Map<string, IndicatorRecord>> {
    const out = new Map<string, IndicatorRecord>();
    if (symbols.length === 0) return out;
    const result = await this.db.execute(sql`
      select t.symbol, (extract(epoch from t.timestamp) * 1000)::float8 as "time", t.close::float8 as close, ${SELECTED}
      from unnest(${sql.param([...symbols])}::text[]) as s(symbol)
      cross join lateral (
        select * from ${technicalIndicators} ti
        where ti.symbol = s.symbol and ti.interval = '1d'
        order by ti.timestamp desc limit 1
      ) t`);
    for (const row of (result as { rows: SelectedRow[] }).rows) {
      const record = recordOfRow(row);
      out.set(record.symbol, record);
    }
    return out;
  }
}

type SelectedRow = Record<string, number | string | null>;

function recordOfRow(row: SelectedRow): IndicatorRecord {
  const values = {} as IndicatorSet;
  for (const name of INDICATOR_NAMES) values[name] = row[name] === null ? Number.NaN : Number(row[name]);
  return { symbol: String(row.symbol), timestamp: new Date(Number(row.time)), close: Number(row.close), values };
}
