// The logger services and jobs take: what both pino and Fastify's request logger offer.
import type { LogFn } from 'pino';

export interface Log {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
