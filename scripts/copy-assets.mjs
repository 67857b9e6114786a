#!/usr/bin/env node
// What `npm run build` copies beside the compiled code: the SQL migrations, read at run time.
import { cpSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
cpSync(join(root, 'src/db/migrations'), join(root, 'dist/db/migrations'), { recursive: true });
