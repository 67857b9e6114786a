// Crashes mid-write: an import SIGKILLed mid-file leaves nothing (a file loads in one transaction)
// and a re-run completes it; an embedded server SIGKILLed while writing reopens its data directory
// with every answered write in place.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { stockmind } from '../support/cli.ts';
import { spawnStockmind, timed, waitFor } from '../support/processes.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';

describe(`an import SIGKILLed mid-file (${SCALE})`, () => {
  const SYMBOLS = 20;
  const DAYS = 5_000;
  let environment: TestEnvironment;
  let file: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stockmind-kill-import-'));
    environment = await testEnvironment(SCALE === 'embedded' ? { STOCKMIND_DATA_DIR: dir } : {});
    // 100,000 daily bars in one long file: long enough to be killed in the middle.
    const lines = ['date,ticker,open,high,low,close,adj_close,volume'];
    for (let s = 0; s < SYMBOLS; s += 1) {
      for (let d = 0; d < DAYS; d += 1) {
        const day = new Date(Date.UTC(1995, 0, 2) + d * 86_400_000).toISOString().slice(0, 10);
        lines.push(`${day},KIL${s},10,11,9,10.5,10.5,1000`);
      }
    }
    file = join(dir, 'big.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
  }, 60_000);
  afterAll(async () => { await environment?.cleanup(); });

  async function storedBars(): Promise<number> {
    const runtime = await openRuntime(loadConfig(environment.env), { provider: { provider: null, reason: 'test' } });
    try {
      let total = 0;
      for (let s = 0; s < SYMBOLS; s += 1) total += (await runtime.repositories.prices.bars(`KIL${s}`, '1d', new Date(0), new Date('2100-01-01'))).length;
      return total;
    } finally {
      await runtime.infra.close();
    }
  }

  it('leaves nothing, and a re-run loads the whole file', async () => {
    const killed = spawnStockmind(['import', file], environment.env);
    // Killed while the rows stream into the database.
    // Its first progress line comes as reading starts; the load of 100,000 rows takes seconds after it.
    await waitFor(() => /import: \d+\/\d+ KiB/.test(killed.output()), 60_000, 'the import to start');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await killed.kill('SIGKILL');
    expect(await storedBars()).toBe(0);
    const rerun = await stockmind(['import', file], environment.env, 300_000);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`rows new: ${SYMBOLS * DAYS}`);
    expect(await storedBars()).toBe(SYMBOLS * DAYS);
  }, 300_000);
});

describe.runIf(SCALE === 'embedded')('an embedded server SIGKILLed while writing (embedded)', () => {
  it('reopens its data directory with every write it answered', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stockmind-kill-server-'));
    const env = { STOCKMIND_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', MARKET_DATA_PROVIDER: 'simulated' };
    const first = spawnStockmind(['start'], env);
    const base = await first.baseUrl();
    const registered: string[] = [];
    let writing = true;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; writing; i += 1) {
        const email = `crash${w}-${i}@example.com`;
        const answer = await timed(`${base}/api/auth/register/`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'violet-harbor-92-tensile', fullName: 'Crash Test' }),
        });
        if (answer.status === 201) registered.push(email);
        if (answer.status === 0) return;
      }
    });
    await waitFor(() => registered.length >= 8, 60_000, 'some registrations');
    await first.kill('SIGKILL');
    writing = false;
    await Promise.all(writers);

    const second = spawnStockmind(['start'], env);
    try {
      const again = await second.baseUrl();
      expect((await timed(`${again}/api/health/`)).status).toBe(200);
      for (const email of registered) {
        const login = await timed(`${again}/api/auth/login/`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'violet-harbor-92-tensile' }),
        });
        expect(login.status).toBe(200);
      }
    } finally {
      await second.kill('SIGTERM');
    }
  }, 180_000);
});
