import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'src/db/migrations'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly' } },
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
  {
    // domain/ is pure logic: no I/O and nothing of ours outside domain/.
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:child_process', 'pg', 'ioredis', 'fastify', '@electric-sql/*', 'drizzle-orm', 'drizzle-orm/*'], message: 'domain/ has no I/O.' },
        { group: ['../../*', '!../../domain/*'], message: 'domain/ imports only domain/.' },
      ] }],
    },
  },
);
