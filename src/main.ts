// The `stockmind` command: the API, migrations, users, market data (import, backfill), workers
// and jobs. Each command builds only the adapters it needs from the one config.
import { Command, InvalidArgumentError, Option } from 'commander';
import { buildApp, buildServices, openInfrastructure, prepareServices, VERSION } from './app.ts';
import { ConfigError, loadConfig, TIERS, type Config, type Tier } from './config.ts';
import { ApiError, badRequest } from './errors.ts';
import { progress } from './cli/progress.ts';
import { normalizeSymbol } from './domain/symbols.ts';
import { chooseProvider } from './providers/market/choose.ts';
import { ProviderError } from './providers/market/port.ts';
import { importCsv } from './services/importer.ts';
import { jobHandlers } from './jobs/index.ts';
import { startInProcessScheduler } from './jobs/in-process-scheduler.ts';
import { failedJobs, startWorkers } from './jobs/queues.ts';
import { QUEUES, SCHEDULE, scheduledJob, type QueueName } from './jobs/schedule.ts';
import { runJob } from './jobs/runner.ts';
import { PERIODS, type Period } from './services/market-data.ts';

function config(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`stockmind: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function start(): Promise<void> {
  const settings = config();
  const app = await buildApp(settings);
  const scale = settings.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${settings.dataDir}`;
  app.http.log.info(`StockMind ${VERSION}: database ${scale}, ${settings.redisUrl ? 'Redis' : 'in-process'} cache and bus`);
  // Embedded, this process runs the schedule; scaled, `stockmind worker` processes do.
  const scheduler = settings.redisUrl
    ? null
    : startInProcessScheduler({ schedule: SCHEDULE, handlers: jobHandlers(app.infra, app.services), log: app.infra.log });
  if (settings.redisUrl) app.http.log.info('scheduled jobs run in `stockmind worker` processes (REDIS_URL is set)');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.http.log.info(`${signal} received: closing`);
    scheduler?.stop();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await app.http.listen({ port: settings.port, host: settings.host });
}

async function migrate(): Promise<void> {
  const settings = config();
  const infra = await openInfrastructure(settings, { migrate: false });
  try {
    await infra.database.migrate();
    process.stdout.write(`migrations applied to ${infra.database.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${settings.dataDir}`}\n`);
  } finally {
    await infra.close();
  }
}

function tier(value: string): Tier {
  if (!(TIERS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${TIERS.join(', ')}`);
  return value as Tier;
}

async function createUser(options: { email: string; password: string; tier: Tier; admin?: boolean; name?: string }): Promise<void> {
  const infra = await openInfrastructure(config());
  try {
    const { accounts } = buildServices(infra, { provider: { provider: null, reason: 'not needed' } });
    const { user, apiKey } = await accounts.createUser({
      email: options.email, password: options.password, fullName: options.name, tier: options.tier, isAdmin: options.admin ?? false,
    });
    process.stdout.write(`created ${user.email} (id ${user.id}, tier ${user.profile.tier}${user.isAdmin ? ', admin' : ''})\nAPI key (shown once): ${apiKey}\n`);
  } finally {
    await infra.close();
  }
}

async function importCommand(path: string, options: { symbol?: string }): Promise<void> {
  const infra = await openInfrastructure(config());
  try {
    const { prices } = buildServices(infra, { provider: { provider: null, reason: 'import' } });
    const started = performance.now();
    let bar: ReturnType<typeof progress> | null = null;
    const report = await importCsv(prices, path, {
      symbol: options.symbol,
      onBytes(bytes, total) {
        bar ??= progress('import', Math.max(1, Math.round(total / 1024)), 'KiB');
        bar.update(Math.round(bytes / 1024));
      },
    });
    (bar as ReturnType<typeof progress> | null)?.stop();
    const seconds = (performance.now() - started) / 1000;
    const out = process.stdout;
    for (const file of report.files) out.write(`${file.file}: ${file.format}, ${file.rowsRead} rows read, ${file.rowsAccepted} accepted, ${file.rejects} rejected\n`);
    out.write(`rows read: ${report.rowsRead}\nrows stored: ${report.stored}\nrows skipped: ${report.skipped}\n`);
    for (const [reason, n] of Object.entries(report.skippedByReason)) out.write(`  ${n} × ${reason}\n`);
    for (const reject of report.rejects) out.write(`  ${reject.file}:${reject.line}: ${reject.reason}\n`);
    if (report.skipped > report.rejects.length) out.write(`  (first ${report.rejects.length} bad rows shown)\n`);
    out.write(`${Math.round(report.stored / Math.max(seconds, 0.001))} rows/s over ${seconds.toFixed(1)} s\n`);
  } finally {
    await infra.close();
  }
}

async function backfillCommand(options: { symbols: string; period: Period }): Promise<void> {
  const settings = config();
  const infra = await openInfrastructure(settings);
  try {
    const choice = await chooseProvider(settings, infra.log);
    process.stderr.write(`market data: ${choice.reason}\n`);
    const { market } = await prepareServices(infra, { provider: choice });
    const symbols = options.symbols.split(',').map((raw) => normalizeSymbol(raw));
    if (symbols.some((s) => s === null)) throw badRequest(`Invalid symbols: ${options.symbols}`);
    const bar = progress('backfill', symbols.length, 'symbols');
    let stored = 0;
    let failed = 0;
    for (const symbol of symbols as string[]) {
      try {
        const result = await market.backfill(symbol, options.period);
        stored += result.stored;
        if (result.reason) process.stderr.write(`${symbol}: ${result.reason}\n`);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        failed += 1;
        process.stderr.write(`${symbol}: ${error.message}\n`);
      }
      bar.increment(1);
    }
    bar.stop();
    process.stdout.write(`${stored} daily bars stored for ${symbols.length - failed} of ${symbols.length} symbols\n`);
    if (failed > 0) process.exitCode = 1;
  } finally {
    await infra.close();
  }
}

function queueList(value: string): QueueName[] {
  const queues = value.split(',').map((q) => q.trim());
  const unknown = queues.filter((q) => !(QUEUES as readonly string[]).includes(q));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown queue ${unknown.join(', ')}; expected some of ${QUEUES.join(', ')}`);
  return queues as QueueName[];
}

function requireRedis(settings: Config): string {
  if (!settings.redisUrl) throw badRequest('REDIS_URL is not set: embedded, `stockmind start` runs the jobs itself.');
  return settings.redisUrl;
}

async function worker(options: { queues: QueueName[] }): Promise<void> {
  const settings = config();
  const redisUrl = requireRedis(settings);
  const infra = await openInfrastructure(settings);
  const choice = await chooseProvider(settings, infra.log);
  infra.log.info(`market data: ${choice.reason}`);
  const services = await prepareServices(infra, { provider: choice });
  const workers = await startWorkers({
    redisUrl, prefix: settings.redisPrefix, queues: options.queues, schedule: SCHEDULE, handlers: jobHandlers(infra, services), log: infra.log,
  });
  infra.log.info(`worker consuming ${options.queues.join(', ')}`);
  const stop = async () => {
    await workers.close();
    await infra.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function listFailed(options: { queues: QueueName[]; limit: string }): Promise<void> {
  const settings = config();
  const jobs = await failedJobs(requireRedis(settings), settings.redisPrefix, options.queues, Number(options.limit));
  if (jobs.length === 0) process.stdout.write('no failed jobs\n');
  for (const job of jobs) {
    process.stdout.write(`${new Date(job.finishedOn ?? job.timestamp).toISOString()}  ${job.queue}/${job.name} #${job.id}  after ${job.attemptsMade} attempts: ${job.failedReason}\n`);
  }
}

async function runNow(name: string): Promise<void> {
  const settings = config();
  const job = scheduledJob(name);
  if (!job) throw badRequest(`Unknown job ${name}; jobs: ${SCHEDULE.map((j) => j.name).join(', ')}`);
  const infra = await openInfrastructure(settings);
  try {
    const choice = await chooseProvider(settings, infra.log);
    const handler = jobHandlers(infra, await prepareServices(infra, { provider: choice }))[name];
    if (!handler) throw badRequest(`Job ${name} is not implemented yet.`);
    const { summary } = await runJob(job, handler, { firedAt: new Date(), log: infra.log }, { force: true });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await infra.close();
  }
}

function period(value: string): Period {
  if (!(PERIODS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${PERIODS.join(', ')}`);
  return value as Period;
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError) {
      const details = Object.entries(error.errors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ');
      process.stderr.write(`stockmind: ${error.message}${details ? ` (${details})` : ''}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const program = new Command('stockmind').version(VERSION).description('StockMind: stock-market intelligence backend');
program.command('start').description('run the HTTP API (applies migrations first)').action(() => run(start));
program.command('migrate').description('apply the database migrations and exit').action(() => run(migrate));
const user = program.command('user').description('manage users');
user.command('create')
  .description('create a user with a profile and an API key')
  .requiredOption('--email <email>', 'login email')
  .requiredOption('--password <password>', 'password (Django\'s default rules apply)')
  .option('--name <name>', 'full name')
  .addOption(new Option('--tier <tier>', 'subscription tier').argParser(tier).default('basic'))
  .option('--admin', 'make the user an administrator')
  .action((options) => run(() => createUser(options)));

program.command('import')
  .description('load daily or 1-minute OHLCV bars from a CSV file or a directory of them')
  .argument('<path>', 'a .csv/.txt file or a directory')
  .option('--symbol <symbol>', 'symbol for files that do not name it (default: from the file name)')
  .action((path, options) => run(() => importCommand(path, options)));
program.command('backfill')
  .description('fill daily history from the market data provider')
  .requiredOption('--symbols <list>', 'comma-separated symbols, e.g. AAPL,MSFT')
  .addOption(new Option('--period <period>', 'how far back').argParser(period).default('5y'))
  .action((options) => run(() => backfillCommand(options)));

program.command('worker')
  .description('process scheduled jobs from Redis (run any number, on any machines)')
  .addOption(new Option('--queues <list>', 'queues to consume').argParser(queueList).default([...QUEUES]))
  .action((options) => run(() => worker(options)));
const jobs = program.command('jobs').description('scheduled jobs');
jobs.command('failed')
  .description('jobs that failed after their retries (scaled)')
  .addOption(new Option('--queues <list>', 'queues to look in').argParser(queueList).default([...QUEUES]))
  .option('--limit <n>', 'most jobs to list', '50')
  .action((options) => run(() => listFailed(options)));
jobs.command('run')
  .description('run one job now, whatever the market calendar says')
  .argument('<name>', SCHEDULE.map((j) => j.name).join(' | '))
  .action((name) => run(() => runNow(name)));

await program.parseAsync(process.argv);
