// Errors raised on purpose anywhere (services, handlers, CLI), carrying the HTTP status that
// describes them; the HTTP layer renders them as the error envelope, the CLI as one line.

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors: FieldErrors = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, errors: FieldErrors = {}) => new ApiError(400, message, errors);
export const unauthorized = (message: string, errors: FieldErrors = {}) => new ApiError(401, message, errors);
export const notFound = (message = 'Not found.') => new ApiError(404, message);
export const conflict = (message: string, errors: FieldErrors = {}) => new ApiError(409, message, errors);
export const tooManyRequests = (message: string, headers: Record<string, string>) => new ApiError(429, message, {}, headers);
