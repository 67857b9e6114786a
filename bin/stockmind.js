#!/usr/bin/env node
// The package's `stockmind` command. In production (NODE_ENV=production, as in the Docker image)
// it runs the code `npm run build` compiled to dist/; otherwise the TypeScript sources through
// tsx's loader, so a fresh clone runs with no build step.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/main.js', import.meta.url);
if (process.env.NODE_ENV === 'production' && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
