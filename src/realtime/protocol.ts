// The WebSocket protocol of /ws/market/ (DESIGN.md, API_CONTRACT.md): what a client may send, what
// the server answers and pushes, and the error codes. Parsing never throws: a bad message is an
// `error` frame and the connection stays open.

/** Messages the server pushes from the bus, each `{type, data}` on the symbol's channel. */
export const PUSH_TYPES = ['stock_update', 'indicator_update', 'sentiment_update', 'prediction_update'] as const;
export type PushType = (typeof PUSH_TYPES)[number];

/** The largest client message answered; larger ones get `message_too_large`. */
export const MAX_MESSAGE_BYTES = 4 * 1024;
/** Frames past this are not read at all: the socket closes with 1009 (no client of ours sends them). */
export const MAX_FRAME_BYTES = 64 * 1024;

export type ErrorCode =
  | 'invalid_json'
  | 'message_too_large'
  | 'invalid_message'
  | 'unknown_type'
  | 'invalid_symbol'
  | 'unknown_symbol'
  | 'symbol_limit'
  | 'rate_limited'
  | 'unauthenticated'
  | 'too_many_connections'
  | 'unavailable'
  | 'internal_error';

export type ClientMessage =
  | { type: 'subscribe'; symbol: string }
  | { type: 'unsubscribe'; symbol: string }
  | { type: 'ping' }
  | { type: 'auth'; token: string | null; apiKey: string | null };

export type ServerMessage =
  | { type: 'subscribed'; symbol: string; message: string }
  | { type: 'unsubscribed'; symbol: string; message: string }
  | { type: 'authenticated'; tier: string; message: string }
  | { type: 'pong' }
  | { type: 'error'; code: ErrorCode; message: string; symbol?: string; retryAfterMs?: number }
  | { type: PushType | 'price_update' | 'alert'; data: unknown };

export interface ProtocolError {
  error: ErrorCode;
  message: string;
}

const fieldText = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/** A client frame as a message, or what is wrong with it. */
export function parseClientMessage(raw: string): ClientMessage | ProtocolError {
  if (Buffer.byteLength(raw) > MAX_MESSAGE_BYTES) {
    return { error: 'message_too_large', message: `Messages are limited to ${MAX_MESSAGE_BYTES} bytes.` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { error: 'invalid_json', message: 'Messages must be JSON objects like {"type":"subscribe","symbol":"AAPL"}.' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'invalid_json', message: 'Messages must be JSON objects like {"type":"subscribe","symbol":"AAPL"}.' };
  }
  const fields = parsed as Record<string, unknown>;
  // The seed's consumer reads `action`; its protocol document says `type`.
  const type = fields.type ?? fields.action;
  switch (type) {
    case 'subscribe':
    case 'unsubscribe': {
      const symbol = fields.symbol;
      if (typeof symbol !== 'string' || symbol.trim() === '') {
        return { error: 'invalid_message', message: `"${type}" needs a "symbol" string, e.g. {"type":"${type}","symbol":"AAPL"}.` };
      }
      return { type, symbol };
    }
    case 'ping':
      return { type: 'ping' };
    case 'auth': {
      const token = fieldText(fields.token);
      const apiKey = fieldText(fields.apiKey ?? fields.api_key);
      if (!token && !apiKey) return { error: 'invalid_message', message: '"auth" needs a "token" (a JWT access token) or an "apiKey".' };
      return { type: 'auth', token, apiKey };
    }
    default:
      return {
        error: typeof type === 'string' ? 'unknown_type' : 'invalid_message',
        message: typeof type === 'string'
          ? `Unknown message type "${type.slice(0, 32)}"; expected subscribe, unsubscribe, ping or auth.`
          : 'Messages need a "type": subscribe, unsubscribe, ping or auth.',
      };
  }
}

export const isProtocolError = (value: ClientMessage | ProtocolError): value is ProtocolError => 'error' in value;

/** A bus message the hub forwards: `{type, data}` with a push type and a symbol in its data. */
export function pushOf(message: unknown): { type: PushType; data: unknown } | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, data } = message as { type?: unknown; data?: unknown };
  if (!(PUSH_TYPES as readonly unknown[]).includes(type) || data === undefined) return null;
  return { type: type as PushType, data };
}
