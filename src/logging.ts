// The one logger type services, jobs, providers and routes take (pino's, which Fastify's request
// logger also is), and the process logger: JSON lines, or pino-pretty's readable lines when a
// person watches a terminal.
import { pino, type DestinationStream, type LogFn, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Log;
}

/** Drizzle puts a failed query's parameters in its message (password hashes, emails): never log them. */
export function redactParams<T extends string | undefined>(text: T): T {
  return text?.replace(/params: [\s\S]*?(?=\n\s+at |$)/, 'params: [redacted]') as T;
}

/** pino's error serializer, minus query parameters. */
export function safeError(error: unknown): unknown {
  // Callers sometimes log a plain message under `err`.
  if (typeof error !== 'object' || error === null) return error;
  // A copy: the serializer may hand back the caller's own object.
  const serialized = { ...(pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>) };
  delete serialized.params;
  if (typeof serialized.message === 'string') serialized.message = redactParams(serialized.message);
  if (typeof serialized.stack === 'string') serialized.stack = redactParams(serialized.stack);
  return serialized;
}

export interface LoggerOptions {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON; default: when stdout is a terminal. */
  pretty?: boolean;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
    serializers: { err: safeError },
  };
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  if (!pretty) return options.destination ? pino(settings, options.destination) : pino(settings);
  // Synchronous pretty printing in this thread: start-up lines appear in order, before any request.
  return pino(settings, pinoPretty({
    colorize: options.destination === undefined, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true,
    ...(options.destination ? { destination: options.destination as NodeJS.WritableStream } : {}),
  }));
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger, made only when the request logs something at an enabled level: most
 * requests log nothing (or only what the level drops), and making a pino child for each of them
 * is work on every request for nothing.
 */
export function lazyChild<L extends Logger>(parent: L, bindings: Record<string, unknown>, options?: object): L {
  let real: L | null = null;
  const child = () => (real ??= parent.child(bindings, options) as L);
  const at = (level: Level) => (...args: unknown[]) => {
    if (parent.isLevelEnabled(level)) (child()[level] as (...a: unknown[]) => void)(...args);
  };
  return {
    fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace'),
    silent: () => {},
    child: (more: Record<string, unknown>, moreOptions?: object) => child().child(more, moreOptions),
    isLevelEnabled: (level: string) => parent.isLevelEnabled(level),
    get level() { return real?.level ?? parent.level; },
    set level(level: string) { child().level = level; },
  } as unknown as L;
}
