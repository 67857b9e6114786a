// Which column of DESIGN.md's table the suite runs on. Embedded: PGlite in memory and in-process
// adapters. Scaled: a fresh PostgreSQL database per test file and a private Redis key prefix.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.ts';

export const SCALE: 'embedded' | 'scaled' = process.env.STOCKMIND_TEST_SCALE === 'scaled' ? 'scaled' : 'embedded';

if (SCALE === 'scaled' && (!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL)) {
  throw new Error('STOCKMIND_TEST_SCALE=scaled needs TEST_DATABASE_URL and TEST_REDIS_URL');
}

export interface TestEnvironment {
  config: Config;
  /** The env the config was read from, to start a CLI process on the same database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const adminUrl = () => process.env.TEST_DATABASE_URL!;

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `stockmind_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Deletes every Redis key under a test's prefix. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(process.env.TEST_REDIS_URL!);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/** A config for this scale on storage no other test file sees. `overrides` are env variables. */
export async function testEnvironment(overrides: Record<string, string> = {}): Promise<TestEnvironment> {
  const env: Record<string, string> = {
    SECRET_KEY: randomBytes(48).toString('base64url'),
    LOG_LEVEL: 'silent',
    STOCKMIND_DATA_DIR: 'memory://',
    MARKET_DATA_PROVIDER: 'simulated',
  };
  let drop = async () => {};
  if (SCALE === 'scaled') {
    const database = await createDatabase();
    const prefix = `stockmind-test:${randomUUID()}:`;
    Object.assign(env, { DATABASE_URL: database.url, REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_PREFIX: prefix });
    drop = async () => {
      await database.drop();
      await deleteRedisPrefix(prefix);
    };
  }
  Object.assign(env, overrides);
  return { config: loadConfig(env), env, cleanup: drop };
}

