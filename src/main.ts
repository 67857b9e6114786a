// The `stockmind` command: start the API, migrate, manage users. Later issues add worker,
// import, backfill, train and scan here.
import { Command, InvalidArgumentError, Option } from 'commander';
import { buildApp, buildServices, openInfrastructure, VERSION } from './app.ts';
import { ConfigError, loadConfig, TIERS, type Config, type Tier } from './config.ts';
import { ApiError } from './errors.ts';

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
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.http.log.info(`${signal} received: closing`);
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
    const { accounts } = buildServices(infra);
    const { user, apiKey } = await accounts.createUser({
      email: options.email, password: options.password, fullName: options.name, tier: options.tier, isAdmin: options.admin ?? false,
    });
    process.stdout.write(`created ${user.email} (id ${user.id}, tier ${user.profile.tier}${user.isAdmin ? ', admin' : ''})\nAPI key (shown once): ${apiKey}\n`);
  } finally {
    await infra.close();
  }
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

await program.parseAsync(process.argv);
