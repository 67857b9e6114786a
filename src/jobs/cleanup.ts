// cleanup_old_data: bars past their retention are archived to gzip CSV under the data directory,
// then deleted; spent refresh tokens are dropped. The archive is written and flushed to disk in
// full before anything is deleted, and only what it holds is deleted: a crash or a full disk
// leaves the bars in place, never lost.
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { and, asc, eq, gt, lt, lte } from 'drizzle-orm';
import { MEMORY, type Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { refreshTokens, stockPrices } from '../db/schema/index.ts';
import { DAY_MS } from '../domain/time.ts';
import type { BarInterval } from '../providers/market/port.ts';
import type { JobRun, JobSummary } from './runner.ts';

const CHUNK = 10_000;
const HEADER = 'symbol,interval,timestamp,open,high,low,close,adjusted_close,volume,source\n';

type PriceRow = typeof stockPrices.$inferSelect;
const csvLine = (row: PriceRow) =>
  `${row.symbol},${row.interval},${row.timestamp.toISOString()},${row.open},${row.high},${row.low},${row.close},${row.adjustedClose ?? ''},${row.volume},${row.source}\n`;

/** Streams the bars matching `older` into a gzip CSV, flushed to disk; answers the highest id written. */
async function archive(db: Db, older: ReturnType<typeof and>, file: string): Promise<number> {
  let lastId = 0;
  async function* lines() {
    yield HEADER;
    for (;;) {
      const rows = await db.select().from(stockPrices).where(and(older, gt(stockPrices.id, lastId))).orderBy(asc(stockPrices.id)).limit(CHUNK);
      if (rows.length === 0) return;
      lastId = rows.at(-1)!.id;
      yield rows.map(csvLine).join('');
    }
  }
  const out = createWriteStream(file);
  await pipeline(Readable.from(lines()), createGzip(), out);
  if (!out.closed) await once(out, 'close');
  // The rows are deleted next: make sure their copy survives a power cut.
  const handle = await open(file, 'r');
  await handle.sync();
  await handle.close();
  return lastId;
}

/** Archives then deletes one interval's bars older than the cutoff; returns how many went. */
async function retire(db: Db, interval: BarInterval, cutoff: Date, archiveDir: string | null, runId: string): Promise<{ deleted: number; archive: string | null }> {
  const older = and(eq(stockPrices.interval, interval), lt(stockPrices.timestamp, cutoff));
  const [first] = await db.select({ id: stockPrices.id }).from(stockPrices).where(older).limit(1);
  if (!first) return { deleted: 0, archive: null };
  // memory:// keeps nothing, so there is nowhere to archive to.
  const file = archiveDir ? join(archiveDir, `stock_prices_${interval}_before_${cutoff.toISOString().slice(0, 10)}_${runId}.csv.gz`) : null;
  const archivedUpTo = file ? await archive(db, older, file) : Number.MAX_SAFE_INTEGER;
  const deleted = await db.delete(stockPrices).where(and(older, lte(stockPrices.id, archivedUpTo))).returning({ id: stockPrices.id });
  return { deleted: deleted.length, archive: file };
}

export function cleanupOldData(db: Db, config: Config, now: () => Date = () => new Date()) {
  return async (run: JobRun): Promise<JobSummary> => {
    const at = now();
    const archiveDir = config.dataDir === MEMORY ? null : join(config.dataDir, 'archive');
    if (archiveDir) mkdirSync(archiveDir, { recursive: true });
    const runId = at.toISOString().replace(/[:.]/g, '-');
    const intraday = await retire(db, '1m', new Date(at.getTime() - config.retention.intradayDays * DAY_MS), archiveDir, runId);
    const daily = await retire(db, '1d', new Date(at.getTime() - config.retention.dailyDays * DAY_MS), archiveDir, runId);
    const tokens = await db.delete(refreshTokens)
      .where(lt(refreshTokens.expiresAt, new Date(at.getTime() - DAY_MS)))
      .returning({ id: refreshTokens.id });
    if (intraday.archive || daily.archive) run.log.info({ archives: [intraday.archive, daily.archive].filter(Boolean) }, 'bars archived');
    return { intradayDeleted: intraday.deleted, dailyDeleted: daily.deleted, refreshTokensDeleted: tokens.length, archived: Boolean(archiveDir) };
  };
}
