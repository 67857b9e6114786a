// The `stockmind` command as a user runs it: a separate process on the same database.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { bullPrefix } from '../../src/jobs/queues.ts';
import { client, listen } from '../support/http.ts';
import { stockmind as run } from '../support/cli.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';


let environment: TestEnvironment;
let env: Record<string, string>;
beforeAll(async () => {
  // Embedded, the CLI and the test share a PGlite directory on disk (memory:// is per process).
  environment = await testEnvironment(SCALE === 'embedded' ? { STOCKMIND_DATA_DIR: mkdtempSync(join(tmpdir(), 'stockmind-cli-')) } : {});
  env = { PATH: process.env.PATH!, ...environment.env };
});
afterAll(async () => { await environment?.cleanup(); });

const stockmind = (args: string[], extraEnv: Record<string, string> = {}) => run(args, { ...env, ...extraEnv });

describe(`stockmind CLI (${SCALE})`, () => {
  it('stops with exit code 2 and one line naming a bad variable', async () => {
    const result = await stockmind(['migrate'], { PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['stockmind: configuration error: PORT: expected a whole number from 0 to 65535, got "eighty"']);
  });

  it('migrates, and migrating again changes nothing', async () => {
    const first = await stockmind(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('migrations applied');
    expect((await stockmind(['migrate'])).code).toBe(0);
  });

  it('creates a user with a tier and admin flag, who can then log in over HTTP', async () => {
    const result = await stockmind(['user', 'create', '--email', 'Desk@Example.com', '--password', 'violet-harbor-92-tensile', '--tier', 'pro', '--admin']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/created desk@example\.com \(id [0-9a-f-]{36}, tier pro, admin\)/);
    const apiKey = /API key \(shown once\): (\S+)/.exec(result.stdout)![1]!;

    const { app, baseUrl } = await listen(loadConfig(environment.env));
    try {
      const call = client(baseUrl);
      const login = await call('POST', '/api/auth/login/', { body: { email: 'desk@example.com', password: 'violet-harbor-92-tensile' } });
      expect(login.status).toBe(200);
      const profile = await call('GET', '/api/auth/profile/', { apiKey });
      expect(profile.body.data).toMatchObject({ isAdmin: true, profile: { tier: 'pro', usage: { dailyLimit: 100_000 } } });
    } finally {
      await app.close();
    }
  });

  it('explains a refused user in one line', async () => {
    const weak = await stockmind(['user', 'create', '--email', 'weak@example.com', '--password', 'password']);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('This password is too common.');
    const tier = await stockmind(['user', 'create', '--email', 'x@example.com', '--password', 'violet-harbor-92-tensile', '--tier', 'gold']);
    expect(tier.code).not.toBe(0);
    expect(tier.stderr).toContain('expected one of basic, premium, pro');
  });
});

describe(`stockmind worker and jobs (${SCALE})`, () => {
  it.runIf(SCALE === 'embedded')('explains that embedded needs no worker', async () => {
    const result = await stockmind(['worker']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('REDIS_URL is not set');
  });

  it.runIf(SCALE === 'scaled')('a worker registers the schedule on its queues and stops cleanly on SIGTERM', async () => {
    const worker = spawn(process.execPath, [join(import.meta.dirname, '../../bin/stockmind.js'), 'worker', '--queues', 'default,market_data'], {
      env: { ...env, MARKET_DATA_PROVIDER: 'simulated' }, stdio: 'ignore',
    });
    const connection = new Redis(environment.env.REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue('default', { connection, prefix: bullPrefix(environment.env.REDIS_PREFIX!) });
    try {
      let names: string[] = [];
      for (let i = 0; i < 100 && !names.includes('cleanup_old_data'); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        names = (await queue.getJobSchedulers()).map((s) => s.key);
      }
      expect(names).toContain('cleanup_old_data');
      const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
      const failed = await stockmind(['jobs', 'failed']);
      expect(failed.code).toBe(0);
      expect(failed.stdout).toContain('no failed jobs');
    } finally {
      worker.kill('SIGKILL');
      await queue.close();
      connection.disconnect();
    }
  }, 60_000);
});

describe.runIf(SCALE === 'embedded')('stockmind start on a fresh machine (embedded)', () => {
  const BIN = join(import.meta.dirname, '../../bin/stockmind.js');

  it('says where the docs are and that it generated a secret key, then stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stockmind-start-'));
    const server = spawn(process.execPath, [BIN, 'start'], {
      env: { PATH: process.env.PATH!, STOCKMIND_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', MARKET_DATA_PROVIDER: 'simulated' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout.on('data', (chunk) => { out += chunk; });
    try {
      for (let i = 0; i < 300 && !out.includes('scheduled jobs run'); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      const messages = out.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages.some((msg) => /docs at http:\/\/127\.0\.0\.1:\d+\/api\/docs/.test(msg))).toBe(true);
      expect(messages).toContainEqual(expect.stringContaining(`generated a secret key for signing tokens and kept it in ${join(dataDir, 'secret_key')}`));
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      server.kill('SIGKILL');
    }
  }, 60_000);

  it('explains a port already in use in one line, with exit code 2', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await run(['start'], { PATH: process.env.PATH!, STOCKMIND_DATA_DIR: 'memory://', PORT: String(port), HOST: '127.0.0.1', MARKET_DATA_PROVIDER: 'simulated', LOG_LEVEL: 'silent' });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([`stockmind: port ${port} is already in use on 127.0.0.1: stop the program using it, or start on another port with PORT=8001`]);
    } finally {
      taken.close();
    }
  }, 60_000);
});
