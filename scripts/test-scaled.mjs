#!/usr/bin/env node
// The scaled column of the suite: the integration tests again, on PostgreSQL and Redis.
// Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both); says so when it skips.
import { spawnSync } from 'node:child_process';

const { TEST_DATABASE_URL, TEST_REDIS_URL } = process.env;
if (!TEST_DATABASE_URL || !TEST_REDIS_URL) {
  console.log('scaled suite skipped: set TEST_DATABASE_URL and TEST_REDIS_URL to run it against PostgreSQL and Redis');
  process.exit(0);
}
const result = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=reports/scaled.json', ...(process.argv.length > 2 ? process.argv.slice(2) : ['test/integration'])], {
  stdio: 'inherit',
  env: { ...process.env, STOCKMIND_TEST_SCALE: 'scaled' },
});
process.exit(result.status ?? 1);
