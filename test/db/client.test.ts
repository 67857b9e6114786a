// One process per embedded data directory (PGlite would lose writes otherwise).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/db/client.ts';

const freshDir = () => mkdtempSync(join(tmpdir(), 'stockmind-lock-'));

describe('embedded data directory lock', () => {
  it('refuses a directory held by another live process, naming it', () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'pgdata'), { recursive: true });
    // The test runner's parent process is alive and is not us.
    writeFileSync(join(dir, 'pgdata', 'stockmind.pid'), String(process.ppid));
    expect(() => openEmbedded(dir)).toThrow(`in use by process ${process.ppid}`);
  });

  it('takes over a leftover pid file (a dead process, or our own pid after a restart)', async () => {
    for (const leftover of ['999999999', String(process.pid)]) {
      const dir = freshDir();
      mkdirSync(join(dir, 'pgdata'), { recursive: true });
      writeFileSync(join(dir, 'pgdata', 'stockmind.pid'), leftover);
      const database = openEmbedded(dir);
      await database.ping();
      await database.close();
    }
  });

  it('refuses a second open in the same process, and allows it again after close', async () => {
    const dir = freshDir();
    const first = openEmbedded(dir);
    expect(() => openEmbedded(dir)).toThrow('already open in this process');
    await first.close();
    const again = openEmbedded(dir);
    await again.close();
  });
});
