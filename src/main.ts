// The `stockmind` command: the API, migrations, users, market data (import, backfill), workers
// and jobs. Each command builds only what it needs from the one config; src/cli/run.ts turns
// errors into one line and an exit code.
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { openInfrastructure, openRuntime, VERSION } from './app.ts';
import { loadConfig, MEMORY, type Config } from './config.ts';
import { backfillCommand, importCommand } from './cli/data.ts';
import type { SeriesLoader } from './cli/forecast.ts';
import { progress, type Progress } from './cli/progress.ts';
import { requireRedis, start, worker } from './cli/server.ts';
import { run } from './cli/run.ts';
import { classifyLines, evalFile, trainSentiment } from './cli/sentiment.ts';
import { streamTail, type TailCommandOptions } from './cli/stream.ts';
import { TIERS, type Tier } from './domain/auth/tier.ts';
import { AppError, invalid } from './domain/errors.ts';
import { PERIODS, type Period } from './domain/market/period.ts';
import { TIMEFRAMES, type Timeframe } from './domain/scanner/index.ts';
import { dateField } from './domain/time.ts';
import { jobHandlers } from './jobs/index.ts';
import { failedJobs } from './jobs/queues.ts';
import { QUEUES, SCHEDULE, scheduledJob, type QueueName } from './jobs/schedule.ts';
import { runJob } from './jobs/runner.ts';
import { evaluationOf, historySeriesLoader, saveEvaluation } from './services/predictions/index.ts';

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

/** `user promote|demote EMAIL`: the admin role, written to the audit log as done from the command line. */
async function setAdmin(settings: Config, email: string, isAdmin: boolean): Promise<void> {
  const runtime = await openRuntime(settings, { provider: { provider: null, reason: 'not needed' } });
  try {
    const user = await runtime.services.userAdmin.setAdmin(null, email, isAdmin);
    process.stdout.write(`${user.email} is ${user.isAdmin ? 'now an administrator' : 'no longer an administrator'}\n`);
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

async function scan(settings: Config, options: { timeframe?: Timeframe }): Promise<void> {
  const runtime = await openRuntime(settings);
  try {
    const scans = await runtime.services.scanner.scanAll(runtime.infra.log, options.timeframe ? [options.timeframe] : TIMEFRAMES);
    for (const done of scans) {
      const skipped = done.skipped > 0 ? ` (${done.skipped} left out: too short a history, or no recent bar)` : '';
      process.stdout.write(`${done.timeframe}: scanned ${done.scanned} of ${done.symbols} active symbols${skipped}${done.scanned === 0 ? '; nothing saved' : ` at ${done.scannedAt}`}\n`);
    }
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
user.command('promote')
  .description('make an existing user an administrator (the admin API, /api/admin/)')
  .argument('<email>', 'the user\'s login email')
  .action(withConfig((settings, email: string) => setAdmin(settings, email, true)));
user.command('demote')
  .description('take the administrator role away from a user')
  .argument('<email>', 'the user\'s login email')
  .action(withConfig((settings, email: string) => setAdmin(settings, email, false)));

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
program.command('scan')
  .description('run the market scanner now over the active symbols (every timeframe, or one)')
  .addOption(new Option('--timeframe <timeframe>', `only this timeframe: ${TIMEFRAMES.join(', ')}`).argParser(oneOf<Timeframe>(TIMEFRAMES)))
  .action(withConfig(scan));
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

const stream = program.command('stream').description('the durable `stock_prices` stream (Redis Streams or Kafka)');
stream.command('tail')
  .description('print each quote appended to stock_prices as a JSON line; tails of one --group share the records')
  .option('--from-start', 'a new group starts at the oldest record kept, not the next one')
  .option('--symbols <list>', 'comma-separated symbols to print (others are consumed and skipped)')
  .option('--group <name>', 'consumer group', 'stockmind-tail')
  .option('--consumer <name>', 'this tail\'s name in the group (default: host and pid)')
  .action(withConfig((settings, options: TailCommandOptions) => streamTail(settings, options)));

/** Where `sentiment train` finds the Financial PhraseBank unless told: the shared data beside the repository. */
const PHRASEBANK = fileURLToPath(new URL('../../shared/data/sentiment/financial_phrasebank_v1.0', import.meta.url));

/** The sentiment commands read files given by the user: a missing or malformed one is one line and exit code 1. */
const sentimentAction = <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => run(async () => {
  try {
    await action(...args);
  } catch (error) {
    if (error instanceof Error && !(error instanceof AppError)) throw invalid(error.message);
    throw error;
  }
});

function seedOption(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

const sentiment = program.command('sentiment').description('the offline financial sentiment model (no network)');
sentiment.command('train')
  .description('train the model on the Financial PhraseBank (reproducible: the same seed writes the same bytes) and print its held-out metrics')
  .option('--data <dir>', 'the folder of the four Sentences_*.txt files', PHRASEBANK)
  .option('--out <file>', 'where to write the weights (default: the shipped src/domain/sentiment/weights.json)')
  .addOption(new Option('--seed <n>', 'random seed (default: the shipped weights\' seed)').argParser(seedOption))
  .action(sentimentAction(async (options: { data: string; out?: string; seed?: number }) => {
    await trainSentiment({ dataDir: options.data, out: options.out, seed: options.seed, output: process.stdout });
  }));
sentiment.command('classify')
  .description('read one text per line on standard input, write one JSON line {label, score, confidence, analyser} per line, in order')
  .action(sentimentAction(async () => {
    await classifyLines(process.stdin, process.stdout);
  }));
sentiment.command('eval')
  .description('accuracy, macro-F1 and the confusion matrix on a sentence@label file')
  .argument('<file>', 'one "sentence@label" a line (label: positive, neutral or negative)')
  .action(sentimentAction(async (file: string) => {
    await evalFile(file, process.stdout);
  }));

/** Where a forecast command's daily bars come from: --csv, or the database (gaps filled from the provider). */
interface ForecastDataOptions {
  csv?: string;
  symbols?: string;
  period: Period;
  from?: string;
  to?: string;
}

async function withForecastSeries<T>(
  settings: Config, options: ForecastDataOptions,
  work: (source: { csv?: string; loader?: SeriesLoader; symbols?: string[]; period?: string; from?: string; to?: string }) => Promise<T>,
): Promise<T> {
  const symbols = options.symbols?.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const [name, date] of [['from', options.from], ['to', options.to]] as const) if (date !== undefined) dateField(name, date);
  if (options.csv !== undefined) return work({ csv: options.csv, symbols, from: options.from, to: options.to });
  const runtime = await openRuntime(settings);
  try {
    let bar: Progress | null = null;
    const loader = historySeriesLoader({
      catalog: runtime.services.catalog, history: runtime.services.history, clock: runtime.infra.clock, log: runtime.infra.log,
      onSymbol(done, total) {
        bar ??= progress('history', total, 'symbols');
        bar.update(done);
        if (done === total) bar.stop();
      },
    });
    return await work({ loader, symbols, period: options.period });
  } finally {
    await runtime.infra.close();
  }
}

/** Training and backtests read data the user names: a missing file or too little data is one line and exit code 1. */
const forecastAction = <A extends unknown[]>(action: (settings: Config, ...args: A) => Promise<void>) =>
  sentimentAction((...args: A) => action(loadConfig(), ...args));

/** The forecast code, imported when a forecast command runs: TensorFlow.js takes seconds to load, and no other command needs it. */
const forecastCode = async () => ({ ...(await import('./cli/forecast.ts')), ...(await import('./services/forecast/store.ts')) });

function positiveInteger(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new InvalidArgumentError('expected a whole number from 1');
  return Number(value);
}

const forecastDataOptions = (command: Command) => command
  .option('--csv <path>', 'daily bars from a CSV file or a directory of them (any format `import` reads) instead of the database')
  .option('--symbols <list>', 'comma-separated symbols (default: every symbol of --csv, or the 50 largest active stocks)')
  .addOption(new Option('--period <period>', `history read from the database, filled from the provider first: ${PERIODS.join(', ')}`).argParser(oneOf<Period>(PERIODS)).default('5y'))
  .option('--from <date>', 'first session read from --csv (YYYY-MM-DD)')
  .option('--to <date>', 'last session read from --csv (YYYY-MM-DD)');

forecastDataOptions(program.command('train'))
  .description('train the LSTM forecast model (early stopping on a time-ordered validation split, then a walk-forward backtest on the year after its training window) and save it where predictions are served from')
  .option('--train-through <date>', 'last session of the training window (default: a year before the last bar; that year is the backtest)')
  .addOption(new Option('--epochs <n>', 'most epochs (early stopping usually ends sooner)').argParser(positiveInteger).default(30))
  .addOption(new Option('--seed <n>', 'random seed: the same data and seed train the same model').argParser(seedOption).default(42))
  .addOption(new Option('--units <n>', 'LSTM units').argParser(positiveInteger).default(32))
  .option('--out <dir>', 'model directory (default: <data dir>/models/forecast, served before the shipped model)')
  .action(forecastAction(async (settings, options: ForecastDataOptions & { trainThrough?: string; epochs: number; seed: number; units: number; out?: string }) => {
    if (options.trainThrough !== undefined) dateField('trainThrough', options.trainThrough);
    const { trainForecast, userModelDir } = await forecastCode();
    const out = options.out ?? (settings.dataDir === MEMORY ? null : userModelDir(settings.dataDir));
    if (out === null) throw invalid('STOCKMIND_DATA_DIR is memory://, which keeps no model: give --out <dir>.', { out: ['Where to save the model.'] });
    await withForecastSeries(settings, options, (source) => trainForecast({
      ...source, out, seed: options.seed, epochs: options.epochs, units: options.units, trainThrough: options.trainThrough,
    }));
  }));

forecastDataOptions(program.command('backtest'))
  .description('walk-forward backtest of the served forecast model and the baselines (random walk, drift, Holt) at dates after its training window: MAE, MAPE, MASE, directional accuracy and 80 % coverage per horizon')
  .option('--model <dir>', 'the model directory to test (default: the served one: yours, else the shipped one)')
  .addOption(new Option('--step <n>', 'every n-th trading day is an origin').argParser(positiveInteger).default(1))
  .option('--save', 'write the result beside the model as evaluation.json; predictions then show it as the model\'s record')
  .action(forecastAction(async (settings, options: ForecastDataOptions & { model?: string; step: number; save?: boolean }) => {
    const dataDir = settings.dataDir === MEMORY ? null : settings.dataDir;
    const { backtestForecast, findForecastModel } = await forecastCode();
    const { dir } = options.model !== undefined ? { dir: options.model } : await findForecastModel(dataDir);
    const { rows, points, model } = await withForecastSeries(settings, options, (source) =>
      backtestForecast({ ...source, ...(options.model !== undefined ? { modelDir: dir } : { dataDir }), step: options.step }));
    if (!options.save) return;
    const dates = points.map((p) => p.date).sort();
    const evaluation = evaluationOf(model, rows, { symbols: [...new Set(points.map((p) => p.symbol))], from: dates[0]!, to: dates.at(-1)!, step: options.step });
    process.stdout.write(`saved to ${await saveEvaluation(dir, evaluation)}: predictions now show this as the model's record\n`);
  }));

await program.parseAsync(process.argv);
