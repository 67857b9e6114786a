// The seed's JSON envelope, as TypeBox schemas (for validation, serialisation and OpenAPI)
// and as the helpers handlers return.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const ErrorEnvelope = Type.Object({
  data: Type.Null(),
  message: Type.String(),
  status: Type.Literal('error'),
  errors: Type.Record(Type.String(), Type.Array(Type.String())),
  success: Type.Literal(false),
  code: Type.Integer(),
}, { $id: 'ErrorEnvelope', description: 'Every error: the message to show and, per field, what is wrong.' });
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

export const Envelope = <T extends TSchema>(data: T) => Type.Object({
  data,
  message: Type.String(),
  status: Type.Literal('success'),
  success: Type.Literal(true),
});

export const Pagination = Type.Object({
  count: Type.Integer({ description: 'Items in the whole list' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  totalPages: Type.Integer(),
  next: Type.Union([Type.String(), Type.Null()], { description: 'URL of the next page' }),
  previous: Type.Union([Type.String(), Type.Null()]),
});
export type Pagination = Static<typeof Pagination>;

/** Lists: `data` is always an array; the pagination sits beside it. */
export const ListEnvelope = <T extends TSchema>(item: T) => Type.Object({
  data: Type.Array(item),
  pagination: Pagination,
  message: Type.String(),
  status: Type.Literal('success'),
  success: Type.Literal(true),
});

export function ok<T>(data: T, message = '') {
  return { data, message, status: 'success' as const, success: true as const };
}

export function okList<T>(data: T[], pagination: Pagination, message = '') {
  return { data, pagination, message, status: 'success' as const, success: true as const };
}

export function errorBody(code: number, message: string, errors: Record<string, string[]> = {}): ErrorEnvelope {
  return { data: null, message, status: 'error', errors, success: false, code };
}

/**
 * A primitive schema that also allows null, as `type: [..., "null"]` rather than TypeBox's anyOf:
 * the response serializer handles a type list natively but runs a validator per value for anyOf.
 */
export function Nullable<T extends TSchema>(schema: T) {
  // An enum must list null too, or a validator (fast-json-stringify's, choosing an anyOf branch) refuses it.
  const values = (schema as { enum?: unknown[] }).enum;
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type as string, 'null'], ...(values ? { enum: [...values, null] } : {}) });
}

/** One of a few strings, as `enum` (serialised directly) rather than an anyOf of literals. */
export function OneOf<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

const errorRef = Type.Ref(ErrorEnvelope);

/** A route's responses: its success schema plus the error envelope for the statuses it can answer. */
export function responses<T extends TSchema>(success: T, errorStatuses: number[] = [], successStatus = 200) {
  const map: Record<number, TSchema> = { [successStatus]: success };
  // Every route can answer these (bad input, rate limit).
  for (const status of new Set([400, 429, ...errorStatuses])) map[status] = errorRef;
  return map;
}
