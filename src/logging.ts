// The logger services and jobs take: what both pino and Fastify's request logger offer.
import { pino, type LogFn } from 'pino';

export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
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
