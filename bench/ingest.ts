// Rows/s of `stockmind import <csv>` (the command a user runs: parsing, validation, COPY into a staging
// table, then the upsert into stock_prices), side by side with psql's \copy of the same bars straight into
// stock_prices, each into a fresh, migrated PostgreSQL database on the same machine. Then the duration
// of one fetch_market_data run over 100 symbols, embedded (PGlite) and scaled (PostgreSQL + Redis).
//   npx tsx bench/ingest.ts [--rows 1000000]
// Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth; psql, createdb, dropdb on the PATH)
// and Redis on 127.0.0.1:6379. Every database, temp dir and Redis key it makes is removed at the end,
// even on failure; the generated CSVs are kept in os.tmpdir() so the next run skips generating them.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { createMarketSimulator } from '../src/domain/simulation/market-simulator.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const ROWS = Number(values.rows);
if (!Number.isSafeInteger(ROWS) || ROWS < 1) throw new Error(`--rows: expected a positive whole number, got ${values.rows}`);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'stockmind.js');
const PG = ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres'];
const REDIS_URL = 'redis://127.0.0.1:6379/0';
const SECRET_KEY = randomBytes(36).toString('base64url'); // 48 characters
const COLUMNS = 'symbol, interval, timestamp, open, high, low, close, adjusted_close, volume, source';

// The generated market: the simulator's calendar is NYSE's, so every symbol has the same sessions.
const SEED = 42;
const FROM = '2016-01-01';
const TO = '2025-12-31';
const ROUNDS = 2;
const FETCH_RUNS = 3;
const ACTIVE_SYMBOLS = 100;

// --- Clean-up: everything made is recorded here first, so a failure anywhere still removes it ---

const made = { databases: new Set<string>(), dirs: new Set<string>(), redisPrefixes: new Set<string>() };

async function cleanUp(): Promise<void> {
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      process.stderr.write(`clean-up: could not remove ${what}: ${(error as Error).message}\n`);
    }
  };
  for (const name of [...made.databases]) await attempt(`database ${name}`, () => dropDatabase(name));
  for (const dir of [...made.dirs]) await attempt(dir, async () => { await rm(dir, { recursive: true, force: true }); made.dirs.delete(dir); });
  for (const prefix of [...made.redisPrefixes]) await attempt(`Redis keys ${prefix}*`, () => deleteRedisKeys(prefix));
}

// Files the stockmind commands might write (embedded data, a generated secret) go here, never into the project.
const workDir = await mkdtemp(join(tmpdir(), 'stockmind-bench-'));
made.dirs.add(workDir);

// Ctrl-C skips `finally`; clean up before leaving (the children got the same signal).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

// --- Child processes ---

interface Finished { stdout: string; stderr: string; seconds: number }

/** Runs a command to its end; wall time from spawn to exit. A non-zero exit throws with its stderr. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null];
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) {
    const tail = (stderr || stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${tail}`);
  }
  return { stdout, stderr, seconds };
}

/**
 * The environment of a `stockmind` command. The scale-deciding variables are set even when empty:
 * the real environment wins over `.env`, and an empty value counts as unset, so neither the caller's
 * environment nor a `.env` in the project can point a run at another database or Redis.
 */
function stockmindEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: '', DB_HOST: '', REDIS_URL: '', REDIS_HOST: '', REDIS_PREFIX: '',
    STOCKMIND_DATA_DIR: join(workDir, 'data'), SECRET_KEY, LOG_LEVEL: 'warn',
    ...settings,
  };
}

function stockmind(args: string[], settings: Record<string, string>): Promise<Finished> {
  return run(process.execPath, [BIN, ...args], stockmindEnv(settings));
}

// --- PostgreSQL ---

const databaseUrl = (name: string) => `postgresql://postgres@127.0.0.1:5432/${name}`;

async function createDatabase(): Promise<string> {
  const name = `stockmind_bench_${randomBytes(6).toString('hex')}`;
  made.databases.add(name);
  await run('createdb', [...PG, name]);
  return name;
}

async function dropDatabase(name: string): Promise<void> {
  // --force: a killed run may have left connections open.
  await run('dropdb', [...PG, '--if-exists', '--force', name]);
  made.databases.delete(name);
}

/** A new database with our schema, migrated the way an operator does it. */
async function migratedDatabase(): Promise<string> {
  const name = await createDatabase();
  await stockmind(['migrate'], { DATABASE_URL: databaseUrl(name) });
  return name;
}

async function query(database: string, sql: string): Promise<string> {
  return (await run('psql', [...PG, '-d', database, '-v', 'ON_ERROR_STOP=1', '-tAc', sql])).stdout.trim();
}

async function countBars(database: string): Promise<number> {
  return Number(await query(database, 'select count(*) from stock_prices'));
}

// --- The data set ---

const symbolName = (index: number, width: number) => `SYM${String(index).padStart(width, '0')}`;

interface Dataset {
  rows: number;
  symbols: number;
  /** Digits after SYM, so SQL can name the same symbols. */
  symbolWidth: number;
  sessions: number;
  /** First and last session in the range, 'YYYY-MM-DD'. */
  firstSession: string;
  lastSession: string;
  /** date,ticker,open,high,low,close,adj_close,volume: what `stockmind import` reads. */
  longFile: string;
  /** The same bars in stock_prices' columns, no header: what psql's \copy reads. */
  copyFile: string;
}

/** Writes a chunk, waiting for the stream to drain so memory stays flat. */
async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

async function finish(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** Prices are in cents; adjusted closes get 4 decimals. Never exponent notation at these sizes. */
const decimal = (value: number) => String(Math.round(value * 10_000) / 10_000);

/**
 * The bars of the data set, symbol after symbol, oldest first, trimmed to exactly `rows`. Both files
 * are written from the same numbers in one pass, so they hold the same bars by construction.
 * Cached by row count (and seed): generating 1M bars takes a while and is not what is measured.
 */
async function dataset(rows: number): Promise<Dataset> {
  const simulator = createMarketSimulator(SEED);
  const calendar = simulator.dailyBars(symbolName(1, 4), FROM, TO);
  const sessions = calendar.length;
  const day = (bar: { timestamp: Date } | undefined) => bar?.timestamp.toISOString().slice(0, 10) ?? '';
  const symbols = Math.ceil(rows / sessions);
  const symbolWidth = Math.max(4, String(symbols).length);
  const stem = join(tmpdir(), `stockmind-bench-ingest-v1-seed${SEED}-${rows}`);
  const data: Dataset = { rows, symbols, symbolWidth, sessions, firstSession: day(calendar[0]), lastSession: day(calendar.at(-1)), longFile: `${stem}.long.csv`, copyFile: `${stem}.copy.csv` };
  if (existsSync(data.longFile) && existsSync(data.copyFile)) return data;

  process.stderr.write(`generating ${rows} bars (${symbols} symbols × up to ${sessions} sessions)…\n`);
  // Written under temporary names and renamed at the end, so an interrupted run leaves no half file in the cache.
  const partial = `.partial-${process.pid}`;
  const long = createWriteStream(data.longFile + partial);
  const copy = createWriteStream(data.copyFile + partial);
  try {
    await write(long, 'date,ticker,open,high,low,close,adj_close,volume\n');
    let written = 0;
    for (let index = 1; written < rows; index += 1) {
      const symbol = symbolName(index, symbolWidth);
      const bars = simulator.dailyBars(symbol, FROM, TO).slice(0, rows - written);
      const lastMs = bars.at(-1)?.timestamp.getTime() ?? 0;
      let longChunk = '';
      let copyChunk = '';
      for (const bar of bars) {
        const date = bar.timestamp.toISOString().slice(0, 10);
        // Adjusted close as after a ~1.5% yearly dividend: realistic, and gives the 4-decimal prices.
        const years = (lastMs - bar.timestamp.getTime()) / (365.25 * 86_400_000);
        const prices = `${decimal(bar.open)},${decimal(bar.high)},${decimal(bar.low)},${decimal(bar.close)},${decimal(bar.close * Math.exp(-0.015 * years))},${Math.round(bar.volume)}`;
        longChunk += `${date},${symbol},${prices}\n`;
        copyChunk += `${symbol},1d,${date}T00:00:00Z,${prices},csv\n`;
      }
      await write(long, longChunk);
      await write(copy, copyChunk);
      written += bars.length;
    }
    await Promise.all([finish(long), finish(copy)]);
    await rename(data.longFile + partial, data.longFile);
    await rename(data.copyFile + partial, data.copyFile);
  } finally {
    long.destroy();
    copy.destroy();
    await rm(data.longFile + partial, { force: true });
    await rm(data.copyFile + partial, { force: true });
  }
  return data;
}

// --- Import: psql \copy (baseline) and `stockmind import` ---

interface Load { rows: number; seconds: number; lastLine?: string }

function expectRows(what: string, rows: number, expected: number): void {
  if (rows !== expected) throw new Error(`${what}: stock_prices holds ${rows} rows after the load, expected ${expected}`);
}

async function psqlLoad(data: Dataset): Promise<Load> {
  const database = await migratedDatabase();
  try {
    // The foreign key needs the stocks; StockMind's import creates them itself, inside its timing.
    await query(database, `insert into stocks (symbol, name)
      select 'SYM' || lpad(i::text, ${data.symbolWidth}, '0'), 'SYM' || lpad(i::text, ${data.symbolWidth}, '0')
      from generate_series(1, ${data.symbols}) i`);
    // So the dirty pages of migrating are not written on the load's clock.
    await query(database, 'checkpoint');
    const file = data.copyFile.replaceAll("'", "''");
    const { seconds } = await run('psql', [...PG, '-d', database, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy stock_prices(${COLUMNS}) from '${file}' csv`]);
    const rows = await countBars(database);
    expectRows('psql \\copy', rows, data.rows);
    return { rows, seconds };
  } finally {
    await dropDatabase(database);
  }
}

async function stockmindLoad(data: Dataset): Promise<Load> {
  const database = await migratedDatabase();
  try {
    await query(database, 'checkpoint');
    const { stdout, seconds } = await stockmind(['import', data.longFile], { DATABASE_URL: databaseUrl(database) });
    const rows = await countBars(database);
    expectRows('stockmind import', rows, data.rows);
    return { rows, seconds, lastLine: stdout.trim().split('\n').at(-1) };
  } finally {
    await dropDatabase(database);
  }
}

const best = (loads: Load[]) => loads.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const rate = (load: Load) => load.rows / load.seconds;

async function importBenchmark(data: Dataset): Promise<void> {
  const psql: Load[] = [];
  const ours: Load[] = [];
  // Alternating, so drift of the machine (page cache, autovacuum elsewhere) hits both sides alike.
  for (let round = 1; round <= ROUNDS; round += 1) {
    process.stderr.write(`round ${round}/${ROUNDS}: psql \\copy…\n`);
    psql.push(await psqlLoad(data));
    process.stderr.write(`round ${round}/${ROUNDS}: stockmind import…\n`);
    ours.push(await stockmindLoad(data));
  }
  const [longSize, copySize] = await Promise.all([stat(data.longFile), stat(data.copyFile)]);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const b = best(psql);
  const o = best(ours);
  console.log(`\n${data.rows} daily bars: ${data.symbols} symbols × up to ${data.sessions} sessions (${data.firstSession}..${data.lastSession}), simulator seed ${SEED}; `
    + `each load into a fresh, migrated PostgreSQL database; seconds are the whole command's wall time (process start to exit); best of ${ROUNDS}, alternating psql, StockMind.`);
  console.log(`StockMind reads ${data.longFile} (${mb(longSize.size)}, long format date,ticker,open,high,low,close,adj_close,volume).`);
  console.log(`psql reads ${data.copyFile} (${mb(copySize.size)}): a second file with the same bars in stock_prices' columns `
    + `(interval 1d, timestamp YYYY-MM-DDT00:00:00Z, source csv), as \\copy cannot map the long format; its stocks rows are inserted before the clock starts.\n`);
  console.log('| rows | StockMind s | StockMind rows/s | psql \\copy s | psql rows/s | ratio |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${data.rows} | ${o.seconds.toFixed(2)} | ${rate(o).toFixed(0)} | ${b.seconds.toFixed(2)} | ${rate(b).toFixed(0)} | ${(rate(o) / rate(b)).toFixed(2)} |`);
  console.log(`\nall runs: psql ${psql.map((l) => `${l.seconds.toFixed(2)} s`).join(', ')}; StockMind ${ours.map((l) => `${l.seconds.toFixed(2)} s`).join(', ')}`);
  console.log(`stockmind import's own last line: ${ours.map((l, i) => `run ${i + 1} "${l.lastLine}"`).join('; ')}`);
}

// --- fetch_market_data ---

interface FetchRun { scale: string; run: number; durationMs: number; quotes: number; stored: number }

/** The `job done` pino line (JSON) among the command's output; its fields are the job's summary. */
function jobDone(output: string): Record<string, unknown> {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'job done') return entry;
    } catch {
      // Not a log line.
    }
  }
  throw new Error(`no "job done" log line in:\n${output.slice(-2000)}`);
}

async function fetchRuns(scale: string, settings: Record<string, string>): Promise<FetchRun[]> {
  const env = { MARKET_DATA_PROVIDER: 'simulated', ACTIVE_SYMBOLS: String(ACTIVE_SYMBOLS), LOG_LEVEL: 'info', ...settings };
  const runs: FetchRun[] = [];
  for (let run = 1; run <= FETCH_RUNS; run += 1) {
    process.stderr.write(`fetch_market_data ${scale} run ${run}/${FETCH_RUNS}…\n`);
    const { stdout, stderr } = await stockmind(['jobs', 'run', 'fetch_market_data'], env);
    const done = jobDone(`${stdout}\n${stderr}`);
    runs.push({ scale, run, durationMs: Number(done.durationMs), quotes: Number(done.quotes), stored: Number(done.stored) });
  }
  return runs;
}

async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let deleted = 0;
    // The prefix is ours (random hex), free of glob characters, so MATCH takes it literally.
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
    made.redisPrefixes.delete(prefix);
    return deleted;
  } finally {
    redis.disconnect();
  }
}

async function fetchBenchmark(): Promise<void> {
  const embedded = await fetchRuns('embedded (PGlite)', { STOCKMIND_DATA_DIR: join(workDir, 'embedded') });

  const database = await migratedDatabase();
  const prefix = `stockmind-bench:${randomBytes(6).toString('hex')}:`;
  made.redisPrefixes.add(prefix);
  let scaled: FetchRun[];
  let keys: number;
  try {
    scaled = await fetchRuns('scaled (PostgreSQL + Redis)', { DATABASE_URL: databaseUrl(database), REDIS_URL, REDIS_PREFIX: prefix });
  } finally {
    await dropDatabase(database);
    keys = await deleteRedisKeys(prefix);
  }

  console.log(`\nfetch_market_data over ${ACTIVE_SYMBOLS} symbols, MARKET_DATA_PROVIDER=simulated, ${FETCH_RUNS} runs per scale, each a fresh \`stockmind jobs run\` process on the same store; `
    + `durationMs is the job's own (its \`job done\` log line); run 1 includes the simulated provider's warm-up. (${keys} Redis keys removed after.)\n`);
  console.log('| scale | run | durationMs | quotes stored |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of [...embedded, ...scaled]) console.log(`| ${r.scale} | ${r.run} | ${r.durationMs} | ${r.stored} of ${r.quotes} |`);
  const short = [...embedded, ...scaled].filter((r) => r.stored !== ACTIVE_SYMBOLS);
  if (short.length > 0) console.log(`\nwarning: ${short.length} run(s) stored fewer than ${ACTIVE_SYMBOLS} quotes`);
}

// --- Main ---

try {
  const data = await dataset(ROWS);
  await importBenchmark(data);
  await fetchBenchmark();
} finally {
  await cleanUp();
}
