// `stockmind start` (the API, and the schedule in-process when embedded) and `stockmind worker`.
import { networkInterfaces } from 'node:os';
import { buildApp, openRuntime, VERSION } from '../app.ts';
import type { Config } from '../config.ts';
import { invalid } from '../domain/errors.ts';
import { jobHandlers } from '../jobs/index.ts';
import { startInProcessScheduler } from '../jobs/in-process-scheduler.ts';
import { startWorkers } from '../jobs/queues.ts';
import { SCHEDULE, type QueueName } from '../jobs/schedule.ts';
import { SetupError } from './run.ts';

/** The addresses a person can open: localhost, and this machine's LAN addresses when listening on all. */
function addresses(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
  const lan = Object.values(networkInterfaces()).flat()
    .filter((net) => net && net.family === 'IPv4' && !net.internal)
    .map((net) => `http://${net!.address}:${port}`);
  return [`http://localhost:${port}`, ...lan];
}

export async function start(settings: Config): Promise<void> {
  const app = await buildApp(settings);
  const log = app.infra.log;
  const scale = settings.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${settings.dataDir}`;
  // Embedded, this process runs the schedule; scaled, `stockmind worker` processes do.
  const scheduler = settings.redisUrl
    ? null
    : startInProcessScheduler({ schedule: SCHEDULE, handlers: jobHandlers(app.services, settings), log, clock: app.infra.clock });
  // The simulated market's intraday ticks: here embedded, in the workers scaled.
  const ticks = settings.redisUrl ? null : app.services.ticks.start(log);
  try {
    await app.http.listen({ port: settings.port, host: settings.host });
  } catch (error) {
    scheduler?.stop();
    ticks?.stop();
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new SetupError(`port ${settings.port} is already in use on ${settings.host}: stop the program using it, or start on another port with PORT=8001`);
    }
    if ((error as NodeJS.ErrnoException).code === 'EACCES') throw new SetupError(`not allowed to listen on port ${settings.port}: use a port above 1023 (PORT=8000)`);
    throw error;
  }
  const port = (app.http.server.address() as { port: number }).port;
  const urls = addresses(settings.host, port);
  log.info(`StockMind ${VERSION}: database ${scale}, ${settings.redisUrl ? 'Redis' : 'in-process'} cache and bus`);
  log.info(`API on ${urls.join(', ')}; docs at ${urls.map((url) => `${url}/api/docs`).join(', ')}`);
  if (settings.secretKeyFile) {
    log.info(settings.secretKeyGenerated
      ? `generated a secret key for signing tokens and kept it in ${settings.secretKeyFile} (readable by you only); set SECRET_KEY to use your own`
      : `signing tokens with the secret key kept in ${settings.secretKeyFile}`);
  }
  log.info(settings.redisUrl ? 'scheduled jobs run in `stockmind worker` processes (REDIS_URL is set)' : 'scheduled jobs run in this process');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: closing`);
    scheduler?.stop();
    ticks?.stop();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

export function requireRedis(settings: Config): string {
  if (!settings.redisUrl) throw invalid('REDIS_URL is not set: embedded, `stockmind start` runs the jobs itself.');
  return settings.redisUrl;
}

export async function worker(settings: Config, queues: QueueName[]): Promise<void> {
  const redisUrl = requireRedis(settings);
  const runtime = await openRuntime(settings);
  const log = runtime.infra.log;
  log.info(`market data: ${runtime.provider.reason}`);
  const workers = await startWorkers({
    redisUrl, prefix: settings.redisPrefix, queues, schedule: SCHEDULE, handlers: jobHandlers(runtime.services, settings), log, lockMs: settings.jobLockMs,
  });
  log.info(`worker consuming ${queues.join(', ')}`);
  // Every worker runs the simulated ticks; a shared claim per tick makes each happen once.
  const ticks = runtime.services.ticks.start(log);
  const stop = async () => {
    ticks.stop();
    await workers.close();
    await runtime.infra.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
