// The real data of ../shared/data (see its SOURCES.md), resolved from the repository, never from
// a machine path. Tests that need it use `describe.skipIf(!hasSharedData(...))`, so a clone
// without it reports them as skipped, not passed.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** <repository>/../shared/data */
export const SHARED_DATA = resolve(import.meta.dirname, '../../../shared/data');

export function sharedData(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

export function hasSharedData(...parts: string[]): boolean {
  return existsSync(sharedData(...parts));
}

/** The reason printed beside a skipped test. */
export const NO_SHARED_DATA = `needs ../shared/data (not found at ${SHARED_DATA}); see its SOURCES.md`;
