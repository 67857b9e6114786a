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

export const REDACTED = '[redacted]';
/** Secrets that can hide inside strings (error messages, breadcrumbs): bearer tokens, JWTs, our API keys, URL credentials. */
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/\bBearer\s+[\w.~+/=-]+/gi, `Bearer ${REDACTED}`],
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, REDACTED],
  [/\bsm_[\w-]{20,}/g, REDACTED],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, `$1${REDACTED}@`],
  [/([?&](?:token|api_?key|apiKey|key|password|refresh|access_token)=)[^&\s#]+/gi, `$1${REDACTED}`],
];

/** A string with any secret it carries replaced. */
export function scrubText(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of SECRET_TEXT) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
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
    serializers: {
      err: safeError,
      // Fastify's request line, with the secrets a URL may carry (`/ws/?token=<JWT>`) replaced.
      req: (req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: req.method, url: req.url === undefined ? undefined : scrubText(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort,
      }),
    },
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
 * is work on every request for nothing. A class, so each request allocates one small object; the
 * methods live on the prototype.
 */
class LazyChild {
  private real: Logger | null = null;

  constructor(private readonly parent: Logger, private readonly bindings: Record<string, unknown>, private readonly options?: object) {}

  /** The pino child, made on first use. */
  private made(): Logger {
    return (this.real ??= this.parent.child(this.bindings, this.options));
  }

  private at(level: Level, args: unknown[]): void {
    if (this.parent.isLevelEnabled(level)) (this.made()[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void { this.at('fatal', args); }
  error(...args: unknown[]): void { this.at('error', args); }
  warn(...args: unknown[]): void { this.at('warn', args); }
  info(...args: unknown[]): void { this.at('info', args); }
  debug(...args: unknown[]): void { this.at('debug', args); }
  trace(...args: unknown[]): void { this.at('trace', args); }
  silent(): void {}
  child(more: Record<string, unknown>, moreOptions?: object): Logger { return this.made().child(more, moreOptions); }
  isLevelEnabled(level: string): boolean { return this.parent.isLevelEnabled(level); }
  get level(): string { return this.real?.level ?? this.parent.level; }
  set level(level: string) { this.made().level = level; }
}

export function lazyChild<L extends Logger>(parent: L, bindings: Record<string, unknown>, options?: object): L {
  return new LazyChild(parent, bindings, options) as unknown as L;
}

/** What an error report says besides the error: ids and names, never request data. */
export interface ErrorContext {
  /** Where it happened: `http`, `job`, `websocket`, `process`. */
  area: 'http' | 'job' | 'websocket' | 'process';
  requestId?: string;
  /** The route pattern, never the raw URL. */
  route?: string;
  method?: string;
  status?: number;
  job?: string;
  runId?: string;
  attempts?: number;
  connectionId?: string;
}

/** Where unexpected errors are reported (Sentry when SENTRY_DSN is set; see src/adapters/error-reports.ts). */
export interface ErrorReporter {
  capture(error: unknown, context: ErrorContext): void;
}

/** Reports nowhere. */
export const NO_ERROR_REPORTS: ErrorReporter = { capture() {} };
