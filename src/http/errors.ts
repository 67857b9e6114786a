// The HTTP edge's one translation of every error into the envelope: ours by meaning (AppError),
// validation, Fastify's own, and values the database refused.
import type { FastifyError } from 'fastify';
import { meaningOf, RateLimited, Unavailable, type ErrorKind } from '../domain/errors.ts';
import { errorBody, type ErrorEnvelope } from './envelope.ts';

export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

interface AjvIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

// Wording after Django REST framework's, so the client shows familiar messages.
function describe(issue: AjvIssue): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required': return 'This field is required.';
    case 'type': return `Must be ${p.type === 'integer' ? 'an integer' : `a ${String(p.type)}`}.`;
    case 'minLength': return Number(p.limit) === 1 ? 'This field may not be blank.' : `Ensure this field has at least ${String(p.limit)} characters.`;
    case 'maxLength': return `Ensure this field has no more than ${String(p.limit)} characters.`;
    case 'minimum': case 'exclusiveMinimum': return `Ensure this value is ${issue.keyword === 'minimum' ? 'greater than or equal to' : 'greater than'} ${String(p.limit)}.`;
    case 'maximum': case 'exclusiveMaximum': return `Ensure this value is ${issue.keyword === 'maximum' ? 'less than or equal to' : 'less than'} ${String(p.limit)}.`;
    case 'enum': return `Must be one of: ${(p.allowedValues as unknown[]).join(', ')}.`;
    case 'const': return `Must be ${String(p.allowedValue)}.`;
    case 'pattern': return 'This value has an invalid format.';
    case 'format':
      switch (p.format) {
        case 'email': return 'Enter a valid email address.';
        case 'uuid': return 'Must be a valid UUID.';
        case 'uri': return 'Enter a valid URL.';
        case 'date': return 'Date has wrong format. Use YYYY-MM-DD.';
        case 'date-time': return 'Datetime has wrong format. Use ISO 8601.';
        default: return `Must be a valid ${String(p.format)}.`;
      }
    default: return issue.message ? `${issue.message[0]?.toUpperCase()}${issue.message.slice(1)}.` : 'Invalid value.';
  }
}

/** Ajv issues as DRF-style field errors: `{"email": ["Enter a valid email address."]}`. */
export function fieldErrors(issues: AjvIssue[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    // anyOf/oneOf wrappers repeat what their branches already said.
    if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf') continue;
    const path = issue.instancePath.split('/').filter(Boolean);
    if (issue.keyword === 'required') path.push(String(issue.params.missingProperty));
    const field = path.join('.') || 'nonFieldErrors';
    const message = path.length === 0 && issue.keyword === 'type'
      ? `Invalid data. Expected an ${String(issue.params.type)}.`
      : describe(issue);
    const list = (errors[field] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return errors;
}

// SQLSTATE class 22 (data exception) codes that mean "this value cannot be stored".
const INVALID_VALUE_STATES = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05']);

const PART_NAMES: Record<string, string> = { body: 'request body', querystring: 'query string', params: 'path', headers: 'headers' };

/** Any error reaching the handler, as the status and envelope to answer with. */
export function toEnvelope(error: FastifyError | Error): { status: number; body: ErrorEnvelope; headers: Record<string, string>; unexpected?: boolean } {
  const meaning = meaningOf(error);
  if (meaning) {
    const status = STATUS_OF[meaning.kind];
    const retryAfter = meaning instanceof RateLimited || meaning instanceof Unavailable ? meaning.retryAfterSeconds : null;
    return { status, body: errorBody(status, meaning.message, meaning.fields), headers: retryAfter === null ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(retryAfter))) } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const part = PART_NAMES[fastifyError.validationContext ?? 'body'] ?? 'request';
    return { status: 400, body: errorBody(400, `Invalid ${part}.`, fieldErrors(fastifyError.validation as AjvIssue[])), headers: {} };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: errorBody(400, 'Malformed JSON in request body.', { body: ['Could not parse the body as JSON.'] }), headers: {} };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody(413, 'Request body is too large (the limit is 1 MB).', { body: ['Request body is too large.'] }), headers: {} };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody(415, 'Unsupported media type: send application/json.', { body: ['Unsupported media type.'] }), headers: {} };
  }
  // A value PostgreSQL refused (bad encoding, too long, out of range) is bad input the schemas
  // let through: answer 400 rather than 500. Drizzle puts the driver's error in `cause`.
  const sqlState = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  if (typeof sqlState === 'string' && INVALID_VALUE_STATES.has(sqlState)) {
    // `unexpected`: logged as a warning, since the value may have come from a provider, not the client.
    return { status: 400, body: errorBody(400, 'Invalid value: a field is malformed, too long or out of range.'), headers: {}, unexpected: true };
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Fastify's own 4xx (bad content length, bad URL...): its message is safe to show.
    return { status, body: errorBody(status, fastifyError.message), headers: {} };
  }
  return { status: 500, body: errorBody(500, 'Internal server error.'), headers: {} };
}
