// The `stockmind` command: the API, migrations, users, market data (import, backfill), workers
// and jobs. Each command builds only what it needs from the one config; src/cli/run.ts turns
// errors into one line and an exit code.
import { Command, InvalidArgumentError, Option } from 'commander';
import { openInfrastructure, openRuntime, VERSION } from './app.ts';
import { loadConfig, type Config } from './config.ts';
import { backfillCommand, importCommand } from './cli/data.ts';
import { requireRedis, start, worker } from './cli/server.ts';
import { run } from './cli/run.ts';
import { TIERS, type Tier } from './domain/auth/tier.ts';
import { invalid } from './domain/errors.ts';
import { PERIODS, type Period } from './domain/market/period.ts';
import { jobHandlers } from './jobs/index.ts';
import { failedJobs } from './jobs/queues.ts';
import { QUEUES, SCHEDULE, scheduledJob, type QueueName } from './jobs/schedule.ts';
import { runJob } from './jobs/runner.ts';

/** A command that needs the configuration: read once, inside run(), so a bad setting is one line. */
const withConfig = <A extends unknown[]>(action: (settings: Config, ...args: A) => Promise<void>) =>
  (...args: A) => run(() => action(loadConfig(), ...args));

async function migrate(settings: Config): Promise<void> {
  const infra = await openInfrastructure(settings, { migrate: false });
  try {
    await infra.database.migrate();
    process.stdout.write(`migrations applied to ${infra.database.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${settings.dataDir}`}\n`);
  } finally {
    await infra.close();
  }
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    return value as T;
  };
}

async function createUser(settings: Config, options: { email: string; password: string; tier: Tier; admin?: boolean; name?: string }): Promise<void> {
  const runtime = await openRuntime(settings, { provider: { provider: null, reason: 'not needed' } });
  try {
    const { user, apiKey } = await runtime.services.accounts.createUser({
      email: options.email, password: options.password, fullName: options.name, tier: options.tier, isAdmin: options.admin ?? false,
    });
    process.stdout.write(`created ${user.email} (id ${user.id}, tier ${user.profile.tier}${user.isAdmin ? ', admin' : ''})\nAPI key (shown once): ${apiKey}\n`);
  } finally {
    await runtime.infra.close();
  }
}

function queueList(value: string): QueueName[] {
  const queues = value.split(',').map((q) => q.trim());
  const unknown = queues.filter((q) => !(QUEUES as readonly string[]).includes(q));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown queue ${unknown.join(', ')}; expected some of ${QUEUES.join(', ')}`);
  return queues as QueueName[];
}

async function listFailed(settings: Config, options: { queues: QueueName[]; limit: string }): Promise<void> {
  const jobs = await failedJobs(requireRedis(settings), settings.redisPrefix, options.queues, Number(options.limit));
  if (jobs.length === 0) process.stdout.write('no failed jobs\n');
  for (const job of jobs) {
    process.stdout.write(`${new Date(job.finishedOn ?? job.timestamp).toISOString()}  ${job.queue}/${job.name} #${job.id}  after ${job.attemptsMade} attempts: ${job.failedReason}\n`);
  }
}

async function runNow(settings: Config, name: string): Promise<void> {
  const job = scheduledJob(name);
  if (!job) throw invalid(`Unknown job ${name}; jobs: ${SCHEDULE.map((j) => j.name).join(', ')}`);
  const runtime = await openRuntime(settings);
  try {
    const handler = jobHandlers(runtime.services, settings)[name];
    if (!handler) throw invalid(`Job ${name} is not implemented yet.`);
    const { summary } = await runJob(job, handler, { firedAt: runtime.infra.clock.now(), log: runtime.infra.log }, { force: true });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await runtime.infra.close();
  }
}

const program = new Command('stockmind').version(VERSION).description('StockMind: stock-market intelligence backend');
program.command('start').description('run the HTTP API (applies migrations first)').action(withConfig(start));
program.command('migrate').description('apply the database migrations and exit').action(withConfig(migrate));
const user = program.command('user').description('manage users');
user.command('create')
  .description('create a user with a profile and an API key')
  .requiredOption('--email <email>', 'login email')
  .requiredOption('--password <password>', 'password (Django\'s default rules apply)')
  .option('--name <name>', 'full name')
  .addOption(new Option('--tier <tier>', `subscription tier: ${TIERS.join(', ')}`).argParser(oneOf(TIERS)).default('basic'))
  .option('--admin', 'make the user an administrator')
  .action(withConfig(createUser));

program.command('import')
  .description('load daily or 1-minute OHLCV bars from a CSV file or a directory of them (all or nothing)')
  .argument('<path>', 'a .csv/.txt file or a directory')
  .option('--symbol <symbol>', 'symbol for files that do not name it (default: from the file name)')
  .action(withConfig(importCommand));
program.command('backfill')
  .description('fill daily history from the market data provider')
  .requiredOption('--symbols <list>', 'comma-separated symbols, e.g. AAPL,MSFT')
  .addOption(new Option('--period <period>', `how far back: ${PERIODS.join(', ')}`).argParser(oneOf<Period>(PERIODS)).default('5y'))
  .action(withConfig(backfillCommand));

program.command('worker')
  .description('process scheduled jobs from Redis (run any number, on any machines)')
  .addOption(new Option('--queues <list>', `queues to consume: ${QUEUES.join(', ')}`).argParser(queueList).default([...QUEUES]))
  .action((options: { queues: QueueName[] }) => run(() => worker(loadConfig(), options.queues)));
const jobs = program.command('jobs').description('scheduled jobs');
jobs.command('failed')
  .description('jobs that failed after their retries (scaled)')
  .addOption(new Option('--queues <list>', 'queues to look in').argParser(queueList).default([...QUEUES]))
  .option('--limit <n>', 'most jobs to list', '50')
  .action(withConfig(listFailed));
jobs.command('run')
  .description('run one job now, whatever the market calendar says')
  .argument('<name>', SCHEDULE.map((j) => j.name).join(' | '))
  .action(withConfig(runNow));

await program.parseAsync(process.argv);
