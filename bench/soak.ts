// A soak: the API under steady mixed traffic for a long time (30 minutes for the README's figure),
// reporting requests, errors by status, p99 latency per window, and the server's RSS over time.
// Aim: no error, p99 steady, RSS flat within 10% after warm-up.
//   npx tsx bench/soak.ts [--minutes 30] [--window 60] [--connections 20]
// Embedded by default; with DATABASE_URL and REDIS_URL set in the environment, it soaks the scaled column.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({ options: {
  minutes: { type: 'string', default: '30' }, window: { type: 'string', default: '60' }, connections: { type: 'string', default: '20' },
} });
const totalSeconds = Number(values.minutes) * 60;
const windowSeconds = Math.min(Number(values.window), totalSeconds);
const connections = Number(values.connections);

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const api = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
  env: {
    ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STOCKMIND_DATA_DIR: process.env.STOCKMIND_DATA_DIR ?? 'memory://',
    RATE_LIMIT_BASIC: '1000000000', RATE_LIMIT_ANONYMOUS: '1000000000', AUTH_THROTTLE_PER_IP: '1000000', MARKET_DATA_PROVIDER: 'simulated',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
api.stdout.on('data', (chunk) => { output += chunk; });
try {
  let base = '';
  for (let i = 0; i < 600 && !base; i += 1) {
    base = /API on (http:\/\/[\d.]+:\d+)/.exec(output)?.[1] ?? '';
    if (!base) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!base) throw new Error('the API did not start');
  const registered = await (await fetch(`${base}/api/auth/register/`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'soak@example.com', password: 'violet-harbor-92-tensile', fullName: 'Soak Test' }),
  })).json() as { data: { token: string } };
  const auth = { authorization: `Bearer ${registered.data.token}` };
  // What a dashboard does: health, the profile, stock details, quotes, search, the calendar.
  const requests = [
    { method: 'GET', path: '/api/health/' },
    { method: 'GET', path: '/api/auth/profile/', headers: auth },
    { method: 'GET', path: '/api/market/stock/AAPL?period=1mo', headers: auth },
    { method: 'GET', path: '/api/market/stock/MSFT?period=6mo', headers: auth },
    { method: 'GET', path: '/api/market/quotes?symbols=NVDA,AMZN,GOOGL,META,JPM', headers: auth },
    { method: 'GET', path: '/api/market/search?q=bank' },
    { method: 'GET', path: '/api/market/calendar?start=2026-01-01&end=2026-03-31' },
  ] as const;
  const rows: string[] = [];
  const statuses = new Map<string, number>();
  let total = 0;
  const rssStart = rssMiB(api.pid!);
  let rssAfterWarmUp = rssStart;
  for (let elapsed = 0, window = 1; elapsed < totalSeconds; elapsed += windowSeconds, window += 1) {
    const result = await autocannon({ url: base, connections, duration: windowSeconds, requests: requests.map((r) => ({ ...r })) });
    total += result.requests.total;
    for (const [code, count] of Object.entries(result.statusCodeStats ?? {})) statuses.set(code, (statuses.get(code) ?? 0) + (count as { count: number }).count);
    if (result.errors > 0) statuses.set('connection errors', (statuses.get('connection errors') ?? 0) + result.errors);
    const rss = rssMiB(api.pid!);
    if (window === 1) rssAfterWarmUp = rss;
    rows.push(`| ${window} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx + result.errors} | ${rss.toFixed(0)} |`);
  }
  const rssEnd = rssMiB(api.pid!);
  console.log(`\nSoak: ${values.minutes} min, ${connections} connections, mixed requests (${requests.length} routes), ${process.env.DATABASE_URL ? 'scaled' : 'embedded'}\n`);
  console.log('| window | req/s | p50 ms | p99 ms | errors | RSS MiB |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
  console.log(`\n${total} requests; by status: ${[...statuses].map(([code, count]) => `${code}: ${count}`).join(', ')}`);
  console.log(`RSS: ${rssStart.toFixed(0)} MiB at start, ${rssAfterWarmUp.toFixed(0)} MiB after the first window, ${rssEnd.toFixed(0)} MiB at the end (${(((rssEnd - rssAfterWarmUp) / rssAfterWarmUp) * 100).toFixed(1)}% after warm-up)`);
} finally {
  api.kill();
}
