// The CLI edge: every command runs through here, and an error becomes one line on stderr and an
// exit code by what it means — 2 for configuration and start-up problems (a bad setting, a port in
// use), 1 for a refused request (bad input, unknown, conflict), 3 for a dependency that is down.
import { meaningOf, type AppError } from '../domain/errors.ts';
import { ConfigError } from '../config.ts';

export const EXIT = { ok: 0, refused: 1, setup: 2, unavailable: 3 } as const;

/** A start-up problem to report in one line (exit code 2), like a configuration error. */
export class SetupError extends Error {}

function describe(error: AppError): string {
  const details = Object.entries(error.fields).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ');
  return `${error.message}${details ? ` (${details})` : ''}`;
}

export async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ConfigError) return fail(`configuration error: ${error.message}`, EXIT.setup);
    if (error instanceof SetupError) return fail(error.message, EXIT.setup);
    const meaning = meaningOf(error);
    if (meaning) return fail(describe(meaning), meaning.kind === 'unavailable' ? EXIT.unavailable : EXIT.refused);
    throw error;
  }
}

function fail(line: string, code: number): never {
  process.stderr.write(`stockmind: ${line}\n`);
  process.exit(code);
}
