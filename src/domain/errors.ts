// Errors by what they mean, raised where they arise (domain, services, adapters, providers). Each
// edge maps them once: the HTTP envelope (src/http/errors.ts), the WebSocket `error` frame, the CLI's
// exit code (src/cli/run.ts), a job's retry-or-give-up (src/jobs/runner.ts).

export type FieldErrors = Record<string, string[]>;

export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'unavailable';

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;

  constructor(message: string, readonly fields: FieldErrors = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller's input cannot be used; `fields` says what is wrong with each part. */
export class InvalidInput extends AppError {
  readonly kind = 'invalid';
}

/** No valid credentials (a client takes this as "log in again"). */
export class Unauthenticated extends AppError {
  readonly kind = 'unauthenticated';
}

/** Valid credentials, but not allowed to do this. */
export class Forbidden extends AppError {
  readonly kind = 'forbidden';
}

export class NotFound extends AppError {
  readonly kind = 'not_found';
}

/** The request clashes with the current state (a duplicate, a resource in use). */
export class Conflict extends AppError {
  readonly kind = 'conflict';
}

/** A quota or throttle is spent; try again after `retryAfterSeconds`. */
export class RateLimited extends AppError {
  readonly kind = 'rate_limited';

  constructor(message: string, readonly retryAfterSeconds: number, fields: FieldErrors = {}) {
    super(message, fields);
  }
}

/** Something we depend on (database, Redis, a provider) cannot answer now; retrying later may work. */
export class Unavailable extends AppError {
  readonly kind = 'unavailable';

  constructor(message: string, readonly retryAfterSeconds: number | null = null, options?: ErrorOptions & { fields?: FieldErrors }) {
    super(message, options?.fields ?? {}, options);
  }
}

export const invalid = (message: string, fields: FieldErrors = {}) => new InvalidInput(message, fields);
export const unauthenticated = (message: string, fields: FieldErrors = {}) => new Unauthenticated(message, fields);
export const forbidden = (message: string) => new Forbidden(message);
export const notFound = (message = 'Not found.') => new NotFound(message);
export const conflict = (message: string, fields: FieldErrors = {}) => new Conflict(message, fields);

/**
 * The meaning of an error: itself, or the first AppError in its chain of causes (a driver or an
 * ORM may wrap ours, as drizzle wraps a query's failure); null when none has one.
 */
export function meaningOf(error: unknown): AppError | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth += 1) {
    if (current instanceof AppError) return current;
  }
  return null;
}
