import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of DESIGN.md, as import rules: each zone lists what its files may not import.
// Folder names are matched anywhere in the import path, so `../../db/x.ts` and `../db/x.ts` alike.
const layer = (...names) => names.map((name) => (name.endsWith('.ts') ? `**/${name}` : `**/${name}/**`));
const NODE_IO = ['node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:https', 'node:child_process', 'node:dgram', 'node:worker_threads'];
const DRIVERS = ['pg', 'ioredis', 'bullmq', 'kafkajs', 'fastify', '@fastify/*', '@electric-sql/*', 'drizzle-orm', 'drizzle-orm/*'];
const zone = (files, message, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'reports', 'dist', 'src/db/migrations'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', Blob: 'readonly', Response: 'readonly', Request: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' }],
    },
  },
  {
    // config.ts is the one place that reads the environment; tests, benches and scripts set it up.
    files: ['src/config.ts', 'test/**', 'bench/**', 'scripts/**', 'vitest.config.ts', 'drizzle.config.ts', 'bin/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  // domain/ is pure logic: no I/O, no drivers, nothing of ours outside domain/.
  zone(['src/domain/**'], 'domain/ is pure: no I/O, and it imports only domain/.', [
    ...NODE_IO, ...DRIVERS,
    ...layer('adapters', 'db', 'http', 'jobs', 'providers', 'realtime', 'services', 'cli', 'app.ts', 'config.ts', 'main.ts', 'logging.ts'),
  ]),
  // The database layer knows tables and drivers, not the outside world or the use cases above it.
  zone(['src/db/**'], 'db/ may use domain/ and its drivers only.', layer('adapters', 'http', 'jobs', 'providers', 'realtime', 'services', 'cli', 'app.ts')),
  // Adapters and providers are the edges to Redis, Kafka and outside services: they serve the services.
  zone(['src/adapters/**'], 'adapters/ may use domain/ only.', layer('db', 'http', 'jobs', 'providers', 'realtime', 'services', 'cli', 'app.ts')),
  zone(['src/providers/**'], 'providers/ may use domain/ only.', layer('adapters', 'db', 'http', 'jobs', 'realtime', 'services', 'cli', 'app.ts', 'config.ts')),
  // Use cases reach storage through repositories, never through tables or drivers.
  zone(['src/services/**'], 'services/ use repositories (db/repositories), adapters and provider ports, never the framework above them.', [
    ...layer('http', 'jobs', 'realtime', 'cli', 'app.ts', 'db/schema', 'client.ts'), 'drizzle-orm', 'drizzle-orm/*', 'pg', 'ioredis', 'fastify',
  ]),
  // The edges call services: jobs, HTTP, WebSocket and the CLI never touch storage or providers themselves.
  zone(['src/jobs/**'], 'jobs/ call services only.', [...layer('db', 'http', 'realtime', 'providers', 'cli'), 'drizzle-orm', 'drizzle-orm/*', 'pg']),
  zone(['src/http/**'], 'http/ calls services only.', [...layer('db', 'jobs', 'providers', 'adapters', 'cli', 'realtime'), 'drizzle-orm', 'drizzle-orm/*', 'pg', 'ioredis']),
  zone(['src/realtime/**'], 'realtime/ calls services and the bus only.', [...layer('db', 'jobs', 'providers', 'cli'), 'drizzle-orm', 'drizzle-orm/*', 'pg']),
  zone(['src/cli/**'], 'cli/ calls services (through app.ts) only.', [...layer('db', 'http', 'realtime', 'providers'), 'drizzle-orm', 'drizzle-orm/*', 'pg']),
);
