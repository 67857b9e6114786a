// A server process's life: uncaught errors reported and fatal, and the graceful shutdown on
// SIGTERM or SIGINT — stop taking work, finish what is in flight, close, exit 0 within the grace
// period (1 when it runs out); a second signal exits at once.
import type { ErrorReports } from '../adapters/error-reports.ts';
import type { Log } from '../logging.ts';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** An uncaught exception or unhandled rejection: logged, reported (and sent) before the process exits 1. */
export function exitOnUncaught(log: Log, reports: ErrorReports): void {
  process.on('uncaughtException', (error, origin) => {
    log.error({ err: error, origin }, `${origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'}: exiting`);
    reports.capture(error, { area: 'process' });
    void reports.flush(2_000).finally(() => process.exit(1));
  });
}

export interface ShutdownOptions {
  log: Log;
  graceMs: number;
  /** Stops taking work, waits for what is in flight, closes everything. */
  close(): Promise<void>;
}

/** Handles SIGTERM and SIGINT with `close`, bounded by the grace period. */
export function shutdownOnSignals(options: ShutdownOptions): void {
  const { log, graceMs } = options;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, `${signal} again: exiting now, with work unfinished`);
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    }
    stopping = true;
    log.info({ signal, graceSeconds: graceMs / 1000 }, `${signal} received: finishing the requests, sockets and jobs in flight, then exiting`);
    const deadline = setTimeout(() => {
      log.error({ graceSeconds: graceMs / 1000 }, 'shutdown grace period over: exiting with work unfinished');
      process.exit(1);
    }, graceMs);
    options.close().then(
      () => {
        clearTimeout(deadline);
        log.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, `shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
