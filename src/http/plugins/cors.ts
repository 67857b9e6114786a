// Cross-origin requests: the Fetch standard's CORS protocol, for one static policy. Every header
// value is computed at start-up, so a request costs a header lookup and, from a browser on another
// origin, a match against the allowed origins. (@fastify/cors merged its options, took two route
// option snapshots and joined its lists on every request: about 8 % of a small answer's CPU in
// bench/http.ts, for a policy that never changes while the server runs.)
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CorsPolicy {
  /** '*': any origin, and answers do not vary by origin; true: any origin, echoed; a list: exactly those (strings or patterns). */
  origins: '*' | true | ReadonlyArray<string | RegExp>;
  methods: readonly string[];
  /** Request headers a browser may send cross-origin. */
  allowedHeaders: readonly string[];
  /** Response headers a browser lets a cross-origin script read. */
  exposedHeaders: readonly string[];
  /** How long a browser may reuse a preflight's answer. */
  maxAgeSeconds: number;
}

/**
 * The CORS step of a request: adds the headers its origin earns and answers a preflight itself
 * (204) before credentials are checked, as browsers send none on a preflight. Returns true when it
 * answered. An OPTIONS request without Origin and Access-Control-Request-Method is not a
 * preflight: it goes on to the routes, which answer with Allow or 404.
 */
export function corsStep(policy: CorsPolicy): (request: FastifyRequest, reply: FastifyReply) => boolean {
  const { origins } = policy;
  const listed = origins === '*' || origins === true ? null : new Set(origins.filter((origin) => typeof origin === 'string'));
  const patterns = origins === '*' || origins === true ? [] : origins.filter((origin) => origin instanceof RegExp);
  const allowedOrigin = (origin: string): string | null => {
    if (origins === '*') return '*';
    if (origins === true || listed!.has(origin) || patterns.some((pattern) => pattern.test(origin))) return origin;
    return null;
  };
  const exposed = policy.exposedHeaders.join(', ');
  const methods = policy.methods.join(', ');
  const allowedHeaders = policy.allowedHeaders.join(', ');
  const maxAge = String(policy.maxAgeSeconds);
  // An answer that depends on the Origin header says so, for caches; '*' answers every origin alike.
  const varies = origins !== '*';

  return (request, reply) => {
    if (varies) reply.header('vary', 'Origin');
    const { origin } = request.headers;
    if (origin === undefined) return false;
    const allowed = allowedOrigin(origin);
    if (allowed !== null) {
      reply.header('access-control-allow-origin', allowed);
      reply.header('access-control-expose-headers', exposed);
    }
    if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return false;
    // A refused origin's preflight gets no CORS headers: the browser then refuses the request.
    if (allowed !== null) {
      reply.header('access-control-allow-methods', methods);
      reply.header('access-control-allow-headers', allowedHeaders);
      reply.header('access-control-max-age', maxAge);
    }
    // Content-Length 0: some browsers wait for a body on a 204 otherwise.
    void reply.code(204).header('content-length', '0').send();
    return true;
  };
}
