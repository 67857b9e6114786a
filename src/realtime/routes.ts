// /ws/market/ and /ws/ on the Fastify server: the upgrade, the credentials a handshake may carry
// (?token=, ?apiKey=, Authorization, X-API-Key, or a JWT offered as a Sec-WebSocket-Protocol), and
// the 1001 close of every client when the server stops.
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from '../http/envelope.ts';
import { ipBucket } from '../http/plugins/auth.ts';
import { Hub, type HubDeps } from './hub.ts';
import { MAX_FRAME_BYTES } from './protocol.ts';

export const WS_PATHS = ['/ws/market/', '/ws/'] as const;

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/** A browser cannot set headers on a WebSocket: it offers `["bearer", token]` as subprotocols instead. */
const BEARER_PROTOCOL = 'bearer';

function offeredProtocols(request: FastifyRequest): string[] {
  const header = request.headers['sec-websocket-protocol'];
  return typeof header === 'string' ? header.split(',').map((p) => p.trim()).filter(Boolean) : [];
}

const first = (value: unknown): string | null => {
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' && text !== '' ? text : null;
};

function credentials(request: FastifyRequest): { token: string | null; apiKey: string | null } {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const authorization = request.headers.authorization;
  const bearer = authorization?.toLowerCase().startsWith('bearer ') ? authorization.slice(7).trim() : null;
  const token = first(query.token) ?? bearer ?? offeredProtocols(request).find((p) => JWT.test(p)) ?? null;
  const header = request.headers['x-api-key'];
  const apiKey = first(query.apiKey) ?? first(query.api_key) ?? (typeof header === 'string' && header !== '' ? header : null);
  return { token, apiKey: token ? null : apiKey };
}

export async function registerRealtime(app: FastifyInstance, deps: HubDeps): Promise<Hub> {
  const hub = new Hub(deps);
  await app.register(websocket, {
    options: {
      maxPayload: MAX_FRAME_BYTES,
      // Echo a protocol the client offered, or a browser fails the connection: `bearer` when given.
      handleProtocols: (protocols: Set<string>) => (protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : [...protocols][0] ?? false),
    },
    // A client that vanishes mid-frame is routine, not an error to log loudly.
    errorHandler: (error, socket) => {
      deps.log.debug({ err: error }, 'websocket error');
      socket.terminate();
    },
    preClose: async () => { await hub.close(); },
  });
  for (const url of WS_PATHS) {
    app.route({
      method: 'GET',
      url,
      // The hub identifies the caller itself: a bad token leaves the connection anonymous, not refused.
      config: { auth: 'none', rateLimit: false },
      schema: { hide: true },
      handler: async (_request, reply) => reply.status(426).header('Upgrade', 'websocket')
        .send(errorBody(426, 'This is a WebSocket endpoint: connect with ws:// (or wss://).', { upgrade: ['Use a WebSocket client.'] })),
      wsHandler: (socket, request) => {
        const query = (request.query ?? {}) as Record<string, unknown>;
        hub.accept(socket, request.raw.socket, {
          ipBucket: ipBucket(request.ip),
          ...credentials(request),
          priceUpdateAlias: first(query.alias) === 'price_update',
        });
      },
    });
  }
  return hub;
}
