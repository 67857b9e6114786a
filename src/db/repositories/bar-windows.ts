// The newest daily bars of many symbols in one read, as columns: what the indicators job, the
// scanner and screens read for every active symbol. Reads stock_prices; never writes it.
//
// Each symbol's window comes back as ONE row holding its bars packed as big-endian float8s (the
// database converts the numerics), so 5,000 symbols are 5,000 rows instead of 300,000: a row costs
// the driver far more than its bytes. (Six binary arrays per symbol, one per column, are cheaper for
// the database but dearer for the driver: slower end to end.)
import { sql } from 'drizzle-orm';
import { emptyColumns, type BarColumns } from '../../domain/scanner/bars.ts';
import type { Db } from '../client.ts';

/** float8 values per packed bar: epoch seconds, open, high, low, close, volume. */
const FIELDS_PER_BAR = 6;
const BAR_BYTES = FIELDS_PER_BAR * 8;
/** Symbols per statement: bounds one statement's memory and keeps each under the pool's statement timeout. */
const CHUNK = 2_000;
const END_OF_TIME = new Date('9999-12-31T00:00:00Z');

function unpack(packed: Uint8Array): BarColumns {
  const count = Math.floor(packed.byteLength / BAR_BYTES);
  const columns = emptyColumns(count);
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let i = 0; i < count; i += 1) {
    const at = i * BAR_BYTES;
    columns.time[i] = view.getFloat64(at) * 1000;
    columns.open[i] = view.getFloat64(at + 8);
    columns.high[i] = view.getFloat64(at + 16);
    columns.low[i] = view.getFloat64(at + 24);
    columns.close[i] = view.getFloat64(at + 32);
    columns.volume[i] = view.getFloat64(at + 40);
  }
  return columns;
}

export class BarWindowRepository {
  constructor(private readonly db: Db) {}

  /**
   * The newest `count` daily bars of each symbol stamped at or before `until`, oldest first.
   * Symbols without such bars are absent from the answer.
   */
  async latest(symbols: readonly string[], count: number, until: Date = END_OF_TIME): Promise<Map<string, BarColumns>> {
    const out = new Map<string, BarColumns>();
    for (let from = 0; from < symbols.length; from += CHUNK) {
      const chunk = symbols.slice(from, from + CHUNK);
      const rows = await this.db.transaction(async (tx) => {
        // A nested loop over thousands of symbols looks expensive to the planner, whose JIT then
        // spends longer compiling than the index lookups take.
        await tx.execute(sql`set local jit = off`);
        const result = await tx.execute(sql`
          select s.symbol, w.packed
          from unnest(${sql.param([...chunk])}::text[]) as s(symbol)
          cross join lateral (
            select string_agg(
              float8send(extract(epoch from b.timestamp)::float8) || float8send(b.open::float8) || float8send(b.high::float8)
                || float8send(b.low::float8) || float8send(b.close::float8) || float8send(b.volume::float8),
              ''::bytea order by b.timestamp) as packed
            from (
              select p.timestamp, p.open, p.high, p.low, p.close, p.volume from stock_prices p
              where p.symbol = s.symbol and p.interval = '1d' and p.timestamp <= ${until.toISOString()}::timestamptz
              order by p.timestamp desc limit ${count}
            ) b
          ) w
          where w.packed is not null`);
        return (result as { rows: { symbol: string; packed: Uint8Array }[] }).rows;
      });
      for (const row of rows) out.set(row.symbol, unpack(row.packed));
    }
    return out;
  }
}
