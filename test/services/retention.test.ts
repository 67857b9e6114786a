// cleanup_old_data: bars past retention archived to gzip CSV, then deleted; nothing deleted that
// the archive does not hold.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gzipArchive } from '../../src/adapters/archive.ts';
import { openRuntime, type Runtime } from '../../src/app.ts';
import type { Bar } from '../../src/domain/market/bar.ts';
import { RetentionService } from '../../src/services/retention.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';

const log = pino({ level: 'silent' });
const DAY = 86_400_000;
const RETENTION = { intradayDays: 30, dailyDays: 5 * 365 };

// Each test on storage of its own: what one retires is never another's.
let environment: TestEnvironment;
let runtime: Runtime;
beforeEach(async () => {
  environment = await testEnvironment();
  runtime = await openRuntime(environment.config, { provider: { provider: null, reason: 'test' } });
});
afterEach(async () => {
  await runtime?.infra.close();
  await environment?.cleanup();
});

const minuteBar = (at: Date): Bar => ({ timestamp: at, open: 5, high: 5, low: 5, close: 5, adjustedClose: null, volume: 10 });

function retention(archiveDir: string, now: Date): RetentionService {
  const { prices, sessions } = runtime.repositories;
  return new RetentionService(prices, sessions, gzipArchive(archiveDir), RETENTION, { now: () => now });
}

describe(`cleanup_old_data (${SCALE})`, () => {
  it('archives intraday bars past retention to gzip CSV, then deletes them; keeps the rest', async () => {
    const archiveRoot = mkdtempSync(join(tmpdir(), 'stockmind-archive-'));
    const now = new Date('2026-11-24T15:00:00Z');
    const { stocks, prices } = runtime.repositories;
    await stocks.upsertProfile({ symbol: 'OLDY', name: 'Old Co' }, true);
    await prices.upsertBars('OLDY', '1m', [
      minuteBar(new Date(now.getTime() - 40 * DAY)), minuteBar(new Date(now.getTime() - 31 * DAY)), minuteBar(new Date(now.getTime() - 2 * DAY)),
    ], 'simulated');
    await prices.upsertBars('OLDY', '1d', [{ ...minuteBar(new Date(now.getTime() - 400 * DAY)), adjustedClose: 5 }], 'simulated');
    const result = await retention(join(archiveRoot, 'archive'), now).run(log);
    const summary = { result, left: await prices.latestBars('OLDY', '1m', 10), daily: await prices.latestBars('OLDY', '1d', 10) };
    // Daily bars go after 5 years: OLDY's 400-day-old bar is not that old.
    expect(summary.result).toMatchObject({ intradayDeleted: 2, archived: true });
    expect(summary.left).toHaveLength(1);
    expect(summary.daily).toHaveLength(1);
    const files = readdirSync(join(archiveRoot, 'archive')).filter((name) => name.startsWith('stock_prices_1m_'));
    expect(files).toHaveLength(1);
    const csv = gunzipSync(readFileSync(join(archiveRoot, 'archive', files[0]!))).toString().trim().split('\n');
    expect(csv[0]).toBe('symbol,interval,timestamp,open,high,low,close,adjusted_close,volume,source');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['OLDY', 'OLDY']);
  });

  it('deletes nothing when the archive cannot be written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stockmind-archive-'));
    const now = new Date('2026-11-24T16:00:00Z');
    const cutoff = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    const runId = now.toISOString().replace(/[:.]/g, '-');
    // A directory where the archive file would go: the write fails (EISDIR).
    mkdirSync(join(root, 'archive', `stock_prices_1m_before_${cutoff}_${runId}.csv.gz`), { recursive: true });
    const { stocks, prices } = runtime.repositories;
    await stocks.upsertProfile({ symbol: 'KEEP', name: 'Kept Co' }, true);
    await prices.upsertBars('KEEP', '1m', [{ timestamp: new Date(now.getTime() - 45 * 86_400_000), open: 1, high: 1, low: 1, close: 1, adjustedClose: null, volume: 1 }], 'simulated');
    const error = await retention(join(root, 'archive'), now).run(log).then(() => null, (e: Error) => e);
    const outcome = { error, left: await prices.latestBars('KEEP', '1m', 10) };
    expect(outcome.error).not.toBeNull();
    expect(outcome.left).toHaveLength(1);
  });
});
