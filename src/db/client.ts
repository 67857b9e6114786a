// The two drivers behind one drizzle database: PGlite (Postgres in WASM) embedded, node-postgres scaled.
// Both run the same schema and the same committed migrations.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { MEMORY } from '../config.ts';
import { Conflict, Unavailable } from '../domain/errors.ts';
import { watchPool } from './pool-metrics.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies the committed migrations; safe to call from several instances at once. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The raw driver, for bulk paths (COPY) that drizzle does not cover. */
  driver: { kind: 'pglite'; client: PGlite } | { kind: 'postgres'; pool: pg.Pool };
}

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it serialises concurrent migrators across instances.
const MIGRATION_LOCK = 727_001;

// numeric and bigint arrive as strings from node-postgres; we keep numeric as strings
// (exact decimals) and let drizzle's column modes convert bigint.

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Data directories this process has open: a pid file naming us is stale unless listed here. */
const openHere = new Set<string>();

/**
 * PGlite is one process's database: a second process on the same directory would overwrite the
 * first one's writes. A pid file makes the second one stop with a clear line instead.
 */
function lockDataDir(dir: string): () => void {
  if (openHere.has(dir)) throw new Conflict(`The embedded database in ${dir} is already open in this process.`);
  const file = join(dir, 'stockmind.pid');
  const mine = String(process.pid);
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(file, mine, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      // Our own pid in a file we did not write is a leftover (containers restart as the same pid).
      const stale = !Number.isInteger(holder) || holder <= 0 || holder === process.pid || !processAlive(holder);
      if (!stale) {
        throw new Conflict(`The embedded database in ${dir} is in use by process ${holder} (a running \`stockmind start\`?). Stop it first, use the HTTP API, or set DATABASE_URL to share PostgreSQL.`);
      }
      // Another starter may be taking over the same leftover: only one of us wins the `wx` above.
      rmSync(file, { force: true });
    }
  }
  openHere.add(dir);
  const release = () => {
    openHere.delete(dir);
    process.off('exit', release);
    try {
      if (readFileSync(file, 'utf8') === mine) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.once('exit', release);
  return release;
}

export function openEmbedded(dataDir: string): Database {
  let dir: string | undefined;
  let unlock = () => {};
  if (dataDir !== MEMORY) {
    dir = join(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    unlock = lockDataDir(dir);
  }
  const client = new PGlite(dir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    driver: { kind: 'pglite', client },
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS }),
    ping: async () => { await client.query('select 1'); },
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

/** How long a request may wait on PostgreSQL: for a connection, and for one statement. */
export interface PostgresTimeouts {
  connectMs: number;
  statementMs: number;
}

// Errors that mean "the database cannot answer now" rather than "this query is wrong": the server
// is down, restarting or overloaded, our connection was cut (pg_terminate_backend, a failover),
// no connection came free in time, or the statement ran past its timeout.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '57014', '53300', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|not queryable|query read timeout|server closed the connection/i;

function isUnavailable(error: unknown): boolean {
  if (error instanceof Unavailable) return true;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || (error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message));
}

const databaseUnavailable = (error: unknown) => (error instanceof Unavailable ? error : new Unavailable('The database is unavailable; try again shortly.', 5, { cause: error }));

/** A read that may safely run again on another connection. */
const isRead = (query: unknown) => /^\s*(select|with\b(?![\s\S]*\b(insert|update|delete)\b))/i.test(typeof query === 'string' ? query : (query as { text?: string })?.text ?? '');

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * The pool's queries, with their failures given a meaning: a cut connection or a database that is
 * down becomes Unavailable (503 at the edge, a retry for a job). A read on the pool is retried once
 * on a fresh connection; a statement inside a transaction never is (its transaction is gone).
 */
function guardQueries(pool: pg.Pool): void {
  const poolQuery = pool.query.bind(pool) as Query;
  (pool as unknown as { query: Query }).query = async (...args: unknown[]) => {
    try {
      return await poolQuery(...args);
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      if (!isRead(args[0])) throw databaseUnavailable(error);
      try {
        return await poolQuery(...args);
      } catch (again) {
        throw isUnavailable(again) ? databaseUnavailable(again) : again;
      }
    }
  };
  pool.on('connect', (client) => {
    // A checked-out client whose connection is cut emits 'error': without a listener the process
    // would crash. Its query in flight fails on its own, and the pool drops the broken client.
    client.on('error', () => {});
    const clientQuery = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const result = clientQuery(...args);
      // A COPY stream (a submittable) is returned as it is; its failures surface on the stream.
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => {
        throw isUnavailable(error) ? databaseUnavailable(error) : error;
      });
    };
  });
  // pool.query itself connects with a callback: that form passes through untouched.
  const connect = pool.connect.bind(pool) as (callback?: unknown) => Promise<pg.PoolClient> | undefined;
  (pool as unknown as { connect: (callback?: unknown) => unknown }).connect = (callback?: unknown) => {
    if (typeof callback === 'function') return connect(callback);
    return connect()!.catch((error: unknown) => {
      throw isUnavailable(error) ? databaseUnavailable(error) : error;
    });
  };
}

export function openPostgres(url: string, options: { max?: number; timeouts?: PostgresTimeouts } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // Never wait long for a connection: a request answers 503 instead of hanging.
    connectionTimeoutMillis: options.timeouts?.connectMs ?? 3_000,
    // A stuck query must not hold a connection (or a request) for long; bulk loads lift this locally.
    statement_timeout: options.timeouts?.statementMs ?? 10_000,
    application_name: 'stockmind',
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  guardQueries(pool);
  const unwatch = watchPool(pool);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    driver: { kind: 'postgres', pool },
    migrate: async () => {
      const lock = await pool.connect();
      try {
        await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migratePg(db as never, { migrationsFolder: MIGRATIONS });
      } finally {
        await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        lock.release();
      }
    },
    ping: async () => { await db.execute(sql`select 1`); },
    close: () => {
      unwatch();
      return pool.end();
    },
  };
}

export function openDatabase(config: { databaseUrl: string | null; dataDir: string; databaseTimeouts?: PostgresTimeouts }): Database {
  return config.databaseUrl ? openPostgres(config.databaseUrl, { timeouts: config.databaseTimeouts }) : openEmbedded(config.dataDir);
}
