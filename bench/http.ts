// Requests/s and p99 latency of GET /api/health/ and an authenticated GET /api/auth/profile/,
// side by side with a bare node:http server answering the same bytes, on the same machine, and
// with the API's own metrics switched off (METRICS=off), which prices the per-request metrics.
// Each server runs in its own process; the load generator (autocannon) in this one. The API runs
// as production runs it (NODE_ENV=production: the code `npm run build` compiled, built first here);
// `--tsx` measures it through tsx instead, as `npm start` runs it on a fresh clone.
// This machine's speed drifts by tens of percent over minutes (its two cores are shared), so each
// route is measured in rounds, every server once per round back to back, and the table gives the
// median of the rounds: a ratio is taken within a round, never across minutes.
//   npm run bench:http [-- --seconds 10 --connections 50 --rounds 3]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, rounds: { type: 'string', default: '3' }, tsx: { type: 'boolean', default: false } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

async function waitFor(url: string, init?: RequestInit): Promise<Response> {
  for (let i = 0; i < 200; i += 1) {
    try {
      return await fetch(url, init);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`no answer from ${url}`);
}

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

// A bare server replaying recorded answers: the floor any framework is measured against.
const BARE_SERVER = `
const http = require('node:http');
const answers = JSON.parse(process.env.ANSWERS);
http.createServer((req, res) => {
  const answer = answers[req.url] ?? answers['*'];
  res.writeHead(200, answer.headers);
  res.end(answer.body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

// The same replay in a bare Fastify (no plugins, no hooks): what the framework alone costs.
const BARE_FASTIFY = `
const fastify = require(process.env.FASTIFY_PATH)();
const answers = JSON.parse(process.env.ANSWERS);
fastify.all('/*', (req, reply) => {
  const answer = answers[req.url] ?? answers['*'];
  reply.headers(answer.headers).send(answer.body);
});
fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
`;

interface Measure { rps: number; p99: number; errors: number }

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function load(url: string, headers: Record<string, string> = {}): Promise<Measure> {
  const result = await autocannon({ url, connections, duration: seconds, headers, pipelining: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** `stockmind start` embedded, quotas out of the way, with one registered user; its base URL and that user's header. */
async function startApi(extra: Record<string, string>): Promise<{ child: ChildProcess; base: string; auth: Record<string, string> }> {
  const port = await freePort();
  const child = start(process.execPath, values.tsx ? ['--import', 'tsx', 'src/main.ts', 'start'] : ['bin/stockmind.js', 'start'], {
    ...(values.tsx ? {} : { NODE_ENV: 'production' }),
    PORT: String(port), HOST: '127.0.0.1', STOCKMIND_DATA_DIR: 'memory://', LOG_LEVEL: 'warn',
    RATE_LIMIT_BASIC: '1000000000', RATE_LIMIT_ANONYMOUS: '1000000000', MARKET_DATA_PROVIDER: 'simulated',
    // The in-process schedule follows one symbol, not 100: its runs (every 5 minutes the indicators
    // job fills a year of history per symbol on a fresh database) would land in some runs and not others.
    ACTIVE_SYMBOLS: '1', NEWS_SYMBOLS: '1', NEWS_FEEDS: 'off', ...extra,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/api/health/`);
  const registered = await (await fetch(`${base}/api/auth/register/`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'violet-harbor-92-tensile', fullName: 'Bench Mark' }),
  })).json() as { data: { token: string } };
  return { child, base, auth: { authorization: `Bearer ${registered.data.token}` } };
}

/**
 * Waits until a server's start-up work (the in-process schedule catching up, the first scan) is
 * done: short loads until two in a row agree within 10 %, at most a minute.
 */
async function settle(url: string, headers: Record<string, string> = {}): Promise<void> {
  let previous = 0;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { requests } = await autocannon({ url, connections, duration: 2, headers });
    if (previous > 0 && Math.abs(requests.average - previous) / previous < 0.1) return;
    previous = requests.average;
  }
}

if (!values.tsx && spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
const api = await startApi({});
const unmetered = await startApi({ METRICS: 'off' });
try {
  const { base, auth } = api;

  // Record the exact bytes the API answers (headers and body), so the baselines send the same
  // response; only the headers Node writes itself (date, connection, length) are left to Node.
  const NODE_OWN = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
  const record = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(base + path, { headers });
    const replayed: Record<string, string> = {};
    response.headers.forEach((value, name) => { if (!NODE_OWN.has(name)) replayed[name] = value; });
    return { headers: replayed, body: await response.text() };
  };
  const answers = { '/api/health/': await record('/api/health/'), '/api/auth/profile/': await record('/api/auth/profile/', auth) };

  const barePort = await freePort();
  const fastifyPort = await freePort();
  const bare = start(process.execPath, ['-e', BARE_SERVER], { PORT: String(barePort), ANSWERS: JSON.stringify(answers) });
  const bareFastify = start(process.execPath, ['-e', BARE_FASTIFY], {
    PORT: String(fastifyPort), ANSWERS: JSON.stringify(answers), FASTIFY_PATH: new URL('../node_modules/fastify/fastify.js', import.meta.url).pathname,
  });
  try {
    const bareBase = `http://127.0.0.1:${barePort}`;
    const fastifyBase = `http://127.0.0.1:${fastifyPort}`;
    await waitFor(`${bareBase}/api/health/`);
    await waitFor(`${fastifyBase}/api/health/`);
    const rows: string[] = [];
    for (const [label, path, headers] of [['GET /api/health/', '/api/health/', {}], ['GET /api/auth/profile/ (JWT)', '/api/auth/profile/', auth]] as const) {
      const offHeaders = path === '/api/auth/profile/' ? unmetered.auth : {};
      await settle(base + path, headers); // warm-up: JIT, caches, connection pools, start-up work
      await settle(unmetered.base + path, offHeaders);
      const runs: Array<{ ours: Measure; baseline: Measure; framework: Measure; off: Measure }> = [];
      for (let round = 0; round < rounds; round += 1) {
        runs.push({
          ours: await load(base + path, headers),
          baseline: await load(bareBase + path, headers),
          framework: await load(fastifyBase + path, headers),
          off: await load(unmetered.base + path, offHeaders),
        });
      }
      const of = (pick: (run: (typeof runs)[number]) => number) => median(runs.map(pick));
      const ratios = runs.map((run) => run.ours.rps / run.baseline.rps);
      const errors = runs.reduce((sum, run) => sum + run.ours.errors + run.off.errors, 0);
      rows.push(`| ${label} | ${of((run) => run.ours.rps).toFixed(0)} | ${of((run) => run.ours.p99)} ms | ${of((run) => run.baseline.rps).toFixed(0)} | ${of((run) => run.baseline.p99)} ms `
        + `| **${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) `
        + `| ${of((run) => run.framework.rps).toFixed(0)} (${of((run) => run.framework.rps / run.baseline.rps).toFixed(2)}) `
        + `| ${of((run) => run.off.rps).toFixed(0)} (${(of((run) => 1 - run.ours.rps / run.off.rps) * 100).toFixed(1)} %) | ${errors} |`);
    }
    console.log(`\n${connections} connections, ${seconds} s per run, median of ${rounds} rounds (the ratio's range in brackets), ${answers['/api/health/'].body.length} / ${answers['/api/auth/profile/'].body.length} bytes per answer (the baselines replay the same headers and body); embedded (PGlite, in-process cache), ${values.tsx ? 'through tsx' : 'compiled (NODE_ENV=production)'}\n`);
    console.log('| route | StockMind req/s | p99 | bare node:http req/s | p99 | ratio (range) | bare Fastify req/s (ratio) | StockMind, METRICS=off req/s (cost of metrics) | errors |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) console.log(row);
  } finally {
    bare.kill();
    bareFastify.kill();
  }
} finally {
  api.child.kill();
  unmetered.child.kill();
}
