#!/usr/bin/env node
// One closing line per column of the suite, and one in all: "N passed, N failed, N skipped".
// Exits non-zero when a column that should have run left no report.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'reports';
const columns = ['embedded', 'scaled'];
const total = { passed: 0, failed: 0, skipped: 0 };
let missing = false;
for (const column of columns) {
  const file = join(dir, `${column}.json`);
  if (!existsSync(file)) {
    console.log(`${column}: no report (did not run)`);
    if (column === 'embedded' || process.env.TEST_DATABASE_URL) missing = true;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
  for (const key of Object.keys(total)) total[key] += counts[key];
  console.log(`${column}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(missing || total.failed > 0 ? 1 : 0);
