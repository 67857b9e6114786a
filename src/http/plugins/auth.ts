// Who is calling, and may they: Bearer JWT or X-API-Key, then the daily quota of their tier
// (or of their IP when anonymous). Runs before the body is read, so a spent quota costs little.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited, Unauthenticated, unauthenticated } from '../../domain/errors.ts';
import type { Clock } from '../../domain/time.ts';
import type { AccountService, Principal } from '../../services/accounts.ts';
import type { DailyQuotas, Quota } from '../../services/quotas.ts';
import { sessionEnded, type TokenService } from '../../services/tokens.ts';
import { runFirstOnRequest } from './route-hooks.ts';

export interface Caller extends Principal {
  /** The JWT session (refresh family); null when the API key authenticated. */
  sessionId: string | null;
  via: 'jwt' | 'api_key';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `optional` (the default): identify the caller when credentials are given, so their tier's quota
     * applies; `required`: 401 without credentials; `none`: ignore the headers (register, login, refresh,
     * health: a stale token must not turn those into a 401, which clients take as "log out").
     */
    auth?: 'required' | 'optional' | 'none';
    /** false exempts the route from quotas (health checks, docs). */
    rateLimit?: boolean;
  }
  interface FastifyRequest {
    caller: Caller | null;
    /** The caller's quota after counting this request (null when the route is exempt). */
    quota: Quota | null;
  }
}

export interface AuthDeps {
  accounts: AccountService;
  tokens: TokenService;
  quotas: DailyQuotas;
  /** Requests per IP per UTC day without credentials. */
  anonymousDailyLimit: number;
  clock: Clock;
}

const NO_CREDENTIALS = 'Authentication credentials were not provided.';
const USER_GONE = () => unauthenticated('User not found or inactive.', { token: ['User not found or inactive.'] });
const BAD_API_KEY = () => unauthenticated('Invalid API key.', { apiKey: ['Invalid API key.'] });

/** The bearer token of an Authorization header; 401 for any other shape. */
function bearer(authorization: string): string {
  const [scheme, token, extra] = authorization.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
    throw unauthenticated('Authorization header must be "Bearer <token>".', { authorization: ['Invalid Authorization header.'] });
  }
  return token;
}

const apiKeyOf = (request: FastifyRequest) => {
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : null;
};

async function identify(request: FastifyRequest, deps: Pick<AuthDeps, 'accounts' | 'tokens'>): Promise<Caller | null> {
  const { authorization } = request.headers;
  const apiKey = apiKeyOf(request);
  if (authorization) {
    const claims = await deps.tokens.authenticate(bearer(authorization));
    const principal = await deps.accounts.principal(claims.sub);
    if (!principal) throw USER_GONE();
    return { ...principal, sessionId: claims.sid, via: 'jwt' };
  }
  if (apiKey) {
    const userId = await deps.accounts.userIdForApiKey(apiKey);
    const principal = userId ? await deps.accounts.principal(userId) : null;
    if (!principal) throw BAD_API_KEY();
    return { ...principal, sessionId: null, via: 'api_key' };
  }
  return null;
}

/**
 * identify() without waiting, from what this process has at hand (embedded: sessions, principals
 * and API keys are memoised objects); undefined when only the asynchronous path can tell.
 */
function identifyNow(request: FastifyRequest, deps: Pick<AuthDeps, 'accounts' | 'tokens'>): Caller | null | undefined {
  const { authorization } = request.headers;
  const apiKey = apiKeyOf(request);
  if (authorization) {
    const claims = deps.tokens.decodeAccess(bearer(authorization));
    const open = deps.tokens.sessionOpenNow(claims.sid);
    if (open === undefined) return undefined;
    if (!open) throw sessionEnded();
    const principal = deps.accounts.principalNow(claims.sub);
    if (principal === undefined) return undefined;
    if (!principal) throw USER_GONE();
    return { ...principal, sessionId: claims.sid, via: 'jwt' };
  }
  if (apiKey) {
    const userId = deps.accounts.userIdForApiKeyNow(apiKey);
    if (userId === undefined) return undefined;
    const principal = userId ? deps.accounts.principalNow(userId) : null;
    if (principal === undefined) return undefined;
    if (!principal) throw BAD_API_KEY();
    return { ...principal, sessionId: null, via: 'api_key' };
  }
  return null;
}

/**
 * The anonymous quota's subject: an IPv4 address, or the /64 network of an IPv6 one (a single
 * host is usually given a whole /64, so per-address counting would be trivially escaped).
 */
export function ipBucket(ip: string): string {
  const address = ip.replace(/%.*$/, '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function quotaHeaders(reply: FastifyReply, quota: Quota): void {
  // Lower-case names, as Fastify stores them (see the security headers in server.ts).
  reply.header('x-ratelimit-limit', quota.limit);
  reply.header('x-ratelimit-remaining', quota.remaining);
  // Epoch seconds of the reset, as GitHub's API gives it.
  reply.header('x-ratelimit-reset', Math.floor(quota.resetsAt.getTime() / 1000));
}

type Mode = 'required' | 'optional' | 'none';

export function registerAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('caller', null);
  app.decorateRequest('quota', null);

  const subjectOf = (request: FastifyRequest) => (request.caller ? `user:${request.caller.userId}` : `ip:${ipBucket(request.ip)}`);
  const limitOf = (request: FastifyRequest) => request.caller?.dailyLimit ?? deps.anonymousDailyLimit;

  function settle(request: FastifyRequest, reply: FastifyReply, quota: Quota): void {
    request.quota = quota;
    quotaHeaders(reply, quota);
    if (!quota.allowed) {
      const retryAfter = Math.max(1, Math.ceil((quota.resetsAt.getTime() - deps.clock.now().getTime()) / 1000));
      const who = request.caller ? `your ${request.caller.tier} tier` : 'anonymous requests';
      throw new RateLimited(`Daily request limit of ${quota.limit} for ${who} reached; it resets at ${quota.resetsAt.toISOString()}.`, retryAfter);
    }
  }

  /** The whole admission at once when everything it reads is at hand; false when it must wait. */
  function admitNow(request: FastifyRequest, reply: FastifyReply, mode: Mode, limited: boolean): boolean {
    const caller = mode === 'none' ? null : identifyNow(request, deps);
    if (caller === undefined) return false;
    if (mode === 'required' && !caller) throw unauthenticated(NO_CREDENTIALS);
    request.caller = caller;
    if (!limited) return true;
    const quota = deps.quotas.consumeNow(subjectOf(request), limitOf(request));
    if (!quota) return false;
    settle(request, reply, quota);
    return true;
  }

  async function admit(request: FastifyRequest, reply: FastifyReply, mode: Mode, limited: boolean): Promise<void> {
    request.caller = mode === 'none' ? null : await identify(request, deps);
    if (mode === 'required' && !request.caller) throw unauthenticated(NO_CREDENTIALS);
    if (limited) settle(request, reply, await deps.quotas.consume(subjectOf(request), limitOf(request)));
  }

  // Each route's admission is composed once, when the route is added: its mode and quota are
  // fixed then, so a request reads no route options, and public unmetered routes (health, docs,
  // metrics) get no hook at all. Register this before the routes it guards.
  app.addHook('onRoute', (route) => {
    const mode = route.config?.auth ?? 'optional';
    const limited = route.config?.rateLimit !== false;
    if (mode === 'none' && !limited) return;
    const admission = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      try {
        if (admitNow(request, reply, mode, limited)) return done();
      } catch (error) {
        return done(error as Error);
      }
      admit(request, reply, mode, limited).then(() => done(), done);
    };
    // First among the route's own hooks: nothing of the route runs for a caller who may not call it.
    runFirstOnRequest(route, admission);
  });
}

/** The caller if the request's credentials are valid, else null (never a 401): for logout. */
export async function callerIfValid(request: FastifyRequest, deps: Pick<AuthDeps, 'accounts' | 'tokens'>): Promise<Caller | null> {
  try {
    return await identify(request, deps);
  } catch (error) {
    if (error instanceof Unauthenticated) return null;
    throw error;
  }
}

/** The caller of a route declared with `auth: 'required'`. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthenticated(NO_CREDENTIALS);
  return request.caller;
}
