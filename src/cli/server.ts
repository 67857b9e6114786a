// `stockmind start` (the API, and the schedule in-process when embedded) and `stockmind worker`.
import { networkInterfaces } from 'node:os';
import { serveMetrics, type MetricsServer } from '../adapters/metrics.ts';
import { buildApp, openRuntime, VERSION } from '../app.ts';
import type { Config } from '../config.ts';
import { invalid } from '../domain/errors.ts';
import { jobHandlers } from '../jobs/index.ts';
import { startWorkers } from '../jobs/queues.ts';
import { SCHEDULE, type QueueName } from '../jobs/schedule.ts';
import { exitOnUncaught, shutdownOnSignals } from './lifecycle.ts';
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
  exitOnUncaught(log, app.infra.reports);
  const scale = settings.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${settings.dataDir}`;
  // Embedded, this process runs the schedule; scaled, `stockmind worker` processes do.
  app.scheduler?.start();
  // The simulated market's intraday ticks: here embedded, in the workers scaled.
  const ticks = settings.redisUrl ? null : app.services.ticks.start(log);
  try {
    await app.http.listen({ port: settings.port, host: settings.host });
  } catch (error) {
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
  // Stop accepting, close WebSockets with 1001, answer the requests in flight, let the running
  // job finish, close PGlite cleanly (the next start needs no recovery), PostgreSQL and Redis.
  shutdownOnSignals({
    log, graceMs: settings.shutdownGraceSeconds * 1000,
    async close() {
      ticks?.stop();
      await app.close();
    },
  });
}

export function requireRedis(settings: Config): string {
  if (!settings.redisUrl) throw invalid('REDIS_URL is not set: embedded, `stockmind start` runs the jobs itself.');
  return settings.redisUrl;
}

export async function worker(settings: Config, queues: QueueName[]): Promise<void> {
  const redisUrl = requireRedis(settings);
  const runtime = await openRuntime(settings);
  const log = runtime.infra.log;
  exitOnUncaught(log, runtime.infra.reports);
  log.info(`market data: ${runtime.provider.reason}`);
  const workers = await startWorkers({
    redisUrl, prefix: settings.redisPrefix, queues, schedule: SCHEDULE, handlers: jobHandlers(runtime.services, settings), log,
    lockMs: settings.jobLockMs, reports: runtime.infra.reports,
  });
  log.info(`worker consuming ${queues.join(', ')}`);
  const metrics = await workerMetrics(settings, log);
  // Every worker runs the simulated ticks; a shared claim per tick makes each happen once.
  const ticks = runtime.services.ticks.start(log);
  // BullMQ's close waits for the active job; past the grace period the process exits anyway and
  // the job's lock expires, so another worker takes it over (it is handed back, not lost).
  shutdownOnSignals({
    log, graceMs: settings.shutdownGraceSeconds * 1000,
    async close() {
      ticks.stop();
      await workers.close();
      await metrics?.close();
      await runtime.infra.close();
    },
  });
}

/** The worker's own /metrics (WORKER_METRICS_PORT); a port in use costs the metrics, not the jobs. */
async function workerMetrics(settings: Config, log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }): Promise<MetricsServer | null> {
  if (!settings.metrics || settings.workerMetricsPort === 0) return null;
  try {
    const server = await serveMetrics({ port: settings.workerMetricsPort, host: settings.host, token: settings.metricsToken });
    log.info({ port: server.port }, `worker metrics on http://${settings.host}:${server.port}/metrics`);
    return server;
  } catch (error) {
    log.warn({ err: error, port: settings.workerMetricsPort }, `worker metrics not served: port ${settings.workerMetricsPort} unavailable (${(error as Error).message}); set WORKER_METRICS_PORT`);
    return null;
  }
}
