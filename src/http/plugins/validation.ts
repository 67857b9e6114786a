// Two Ajv instances: bodies are validated strictly (a number is not a string; unknown fields are
// dropped, never stored), while query strings and path params are coerced ("?page=2" → 2).
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

function ajv(options: Options): Ajv {
  const instance = new Ajv({ allErrors: true, removeAdditional: true, useDefaults: true, strict: false, ...options });
  // TypeBox marks schemas with these keywords; Ajv should ignore them, not fail on them.
  instance.addKeyword('kind').addKeyword('modifier');
  addFormats.default(instance);
  return instance;
}

export function registerValidation(app: FastifyInstance): void {
  const body = ajv({ coerceTypes: false });
  const params = ajv({ coerceTypes: 'array' });
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) =>
    (httpPart === 'body' ? body : params).compile(schema as object));
}
