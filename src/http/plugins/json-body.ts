// JSON bodies: Fastify's safe parser (prototype poisoning is rejected), an empty body read as
// "no body" (so `POST /logout` with a JSON content type and nothing in it works), and
// snake_case keys accepted as camelCase ("full_name" → "fullName"), as the seed's clients may send either.
import type { FastifyInstance } from 'fastify';
import { invalid } from '../../domain/errors.ts';

const MAX_DEPTH = 32;

export function camelizeKeys(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => camelizeKeys(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const camel = key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    // An explicit camelCase key wins over its snake_case twin.
    if (camel !== key && Object.hasOwn(value, camel)) continue;
    out[camel] = camelizeKeys(item, depth + 1);
  }
  return out;
}

/** The path of the first string holding a NUL character: PostgreSQL cannot store one, and no field needs it. */
export function nulPath(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null;
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found = nulPath(item, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return null;
}

export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    parse(request, body.toString(), (error, parsed) => {
      if (error) return done(error, undefined);
      const value = camelizeKeys(parsed);
      const field = nulPath(value);
      if (field) return done(invalid('Text may not contain NUL characters.', { [field]: ['NUL characters are not allowed.'] }), undefined);
      done(null, value);
    });
  });
}
