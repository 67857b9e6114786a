// cleanup_old_data: bars past their retention are archived to gzip CSV under the data directory,
// then deleted; spent refresh tokens are dropped. The archive is on disk (fsynced) before anything
// is deleted, and only what it holds is deleted: a crash or a full disk leaves the bars in place.
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { and, asc, eq, gt, lt, lte, sql, type SQL } from 'drizzle-orm';
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

/**
 * Streams the bars matching `older` into a gzip CSV and makes it durable (temp file, fsync, rename,
 * fsync of the directory). Answers the last id of each chunk written, for the chunked delete.
 */
async function archive(db: Db, older: SQL | undefined, file: string): Promise<number[]> {
  const chunkEnds: number[] = [];
  async function* lines() {
    yield HEADER;
    for (;;) {
      const after = chunkEnds.at(-1) ?? 0;
      const rows = await db.select().from(stockPrices).where(and(older, gt(stockPrices.id, after))).orderBy(asc(stockPrices.id)).limit(CHUNK);
      if (rows.length === 0) return;
      chunkEnds.push(rows.at(-1)!.id);
      yield rows.map(csvLine).join('');
    }
  }
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  await pipeline(Readable.from(lines()), createGzip(), out);
  if (!out.closed) await once(out, 'close');
  // The rows are deleted next: their copy must survive a crash or a power cut.
  await fsyncPath(partial);
  await rename(partial, file);
  await fsyncPath(dirname(file));
  return chunkEnds;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Archives then deletes one interval's bars older than the cutoff, in one REPEATABLE READ
 * transaction: the delete sees exactly the rows the archive saw (rows committed meanwhile are not
 * touched; a row changed meanwhile fails the run rather than being lost). Returns how many went.
 */
async function retire(db: Db, interval: BarInterval, cutoff: Date, archiveDir: string | null, runId: string): Promise<{ deleted: number; archive: string | null }> {
  const older = and(eq(stockPrices.interval, interval), lt(stockPrices.timestamp, cutoff));
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    // A first run over a large backlog may take longer than the pool's statement timeout.
    await tx.execute(sql`set local statement_timeout = 0`);
    const [first] = await tx.select({ id: stockPrices.id }).from(stockPrices).where(older).limit(1);
    if (!first) return { deleted: 0, archive: null };
    // memory:// keeps nothing, so there is nowhere to archive to.
    const file = archiveDir ? join(archiveDir, `stock_prices_${interval}_before_${cutoff.toISOString().slice(0, 10)}_${runId}.csv.gz`) : null;
    const chunkEnds = file ? await archive(tx, older, file) : [Number.MAX_SAFE_INTEGER];
    let deleted = 0;
    let after = 0;
    for (const end of chunkEnds) {
      const gone = await tx.delete(stockPrices).where(and(older, gt(stockPrices.id, after), lte(stockPrices.id, end))).returning({ id: stockPrices.id });
      deleted += gone.length;
      after = end;
    }
    return { deleted, archive: file };
  }, { isolationLevel: 'repeatable read' });
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
