#!/usr/bin/env node
// The scaled column of the suite: every test that touches storage, again on PostgreSQL and Redis.
// Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both); says so when it skips.
// A test touches storage when it builds its environment through test/support (scale, http, cli);
// pure tests (domain, parsers, providers against recorded answers) run once, in the embedded column.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const { TEST_DATABASE_URL, TEST_REDIS_URL } = process.env;
if (!TEST_DATABASE_URL || !TEST_REDIS_URL) {
  console.log('scaled suite skipped: set TEST_DATABASE_URL and TEST_REDIS_URL to run it against PostgreSQL and Redis');
  process.exit(0);
}

const root = join(import.meta.dirname, '..');
const STORAGE = /from '(\.\.\/)+support\/(scale|http|cli|ws|market)\.ts'|from '\.\/support\/(scale|http|cli|ws|market)\.ts'/;
function storageTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'support' ? [] : storageTests(path);
    return entry.name.endsWith('.test.ts') && STORAGE.test(readFileSync(path, 'utf8')) ? [relative(root, path)] : [];
  });
}

const files = process.argv.length > 2 ? process.argv.slice(2) : storageTests(join(root, 'test'));
const result = spawnSync('npx', ['vitest', 'run', '--sequence.shuffle', '--reporter=default', '--reporter=json', '--outputFile.json=reports/scaled.json', ...files], {
  stdio: 'inherit',
  env: { ...process.env, STOCKMIND_TEST_SCALE: 'scaled' },
});
process.exit(result.status ?? 1);
