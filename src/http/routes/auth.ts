// /api/auth/* and /api/token/refresh/: the seed's §6.2 and API_CONTRACT.md's Auth section.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TIERS, type Tier } from '../../domain/auth/tier.ts';
import { invalid, InvalidInput, unauthenticated } from '../../domain/errors.ts';
import type { AccountService, UserWithProfile } from '../../services/accounts.ts';
import type { LoginThrottle } from '../../services/login-throttle.ts';
import type { DailyQuotas } from '../../services/quotas.ts';
import type { ClientInfo, TokenService } from '../../services/tokens.ts';
import { Envelope, ListEnvelope, Nullable, OneOf, ok, okList, responses } from '../envelope.ts';
import { PageQuery, pageOf, paginationOf } from '../pagination.ts';
import { callerIfValid, callerOf } from '../plugins/auth.ts';

export interface AuthRouteDeps {
  accounts: AccountService;
  tokens: TokenService;
  quotas: DailyQuotas;
  loginThrottle: LoginThrottle;
}

const DateTime = Type.String({ format: 'date-time' });

const User = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  fullName: Type.String(),
  avatarUrl: Nullable(Type.String()),
  isEmailVerified: Type.Boolean(),
  createdAt: DateTime,
});

const NotificationPreferences = Type.Object({
  emailAlerts: Type.Boolean(),
  priceAlerts: Type.Boolean(),
  newsDigest: Type.Boolean(),
  predictionUpdates: Type.Boolean(),
});

const Usage = Type.Object({
  requestsToday: Type.Integer(),
  dailyLimit: Type.Integer(),
  remaining: Type.Integer(),
  resetsAt: DateTime,
});

const ProfileUser = Type.Composite([User, Type.Object({
  updatedAt: DateTime,
  lastLogin: Nullable(DateTime),
  isAdmin: Type.Boolean(),
  profile: Type.Object({
    tier: OneOf(TIERS),
    apiKeyPrefix: Type.String({ description: 'First characters of your API key; the key itself is shown only when made' }),
    apiKeyCreatedAt: DateTime,
    notificationPreferences: NotificationPreferences,
    lastLoginIp: Nullable(Type.String()),
    usage: Usage,
  }),
})]);

const Tokens = Type.Object({ token: Type.String({ description: 'Access JWT' }), refresh: Type.String({ description: 'Refresh JWT' }) });
const Session = Type.Composite([Tokens, Type.Object({ user: User })]);
const Registered = Type.Composite([Session, Type.Object({ apiKey: Type.String({ description: 'Your API key, shown this once' }) })]);

const Email = Type.String({ maxLength: 254, description: 'Your login' });
const Password = Type.String({ minLength: 1, maxLength: 256 });
const FullName = Type.String({ maxLength: 150 });

const RegisterBody = Type.Object({
  email: Email,
  password: Password,
  fullName: Type.Optional(FullName),
  name: Type.Optional(Type.String({ maxLength: 150, description: 'Synonym of fullName' })),
}, { additionalProperties: false });

const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
const RefreshBody = Type.Object({ refresh: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false });
const LogoutBody = Type.Union([
  Type.Object({ refresh: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })) }, { additionalProperties: false }),
  Type.Null(),
]);

const ProfilePatch = Type.Object({
  fullName: Type.Optional(FullName),
  name: Type.Optional(FullName),
  avatarUrl: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  notificationPreferences: Type.Optional(Type.Partial(NotificationPreferences, { additionalProperties: false })),
}, { additionalProperties: false });

const ApiKey = Type.Object({ apiKey: Type.String(), apiKeyPrefix: Type.String(), createdAt: DateTime });

const SessionSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  createdAt: DateTime,
  lastUsedAt: DateTime,
  expiresAt: DateTime,
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  current: Type.Boolean({ description: 'The session of the token making this request' }),
});

function publicUser(user: UserWithProfile) {
  return { id: user.id, email: user.email, fullName: user.fullName, avatarUrl: user.avatarUrl, isEmailVerified: user.isEmailVerified, createdAt: user.createdAt };
}

function client(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

export function authRoutes(root: FastifyInstance, deps: AuthRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, tokens, quotas, loginThrottle } = deps;

  async function profileOf(request: FastifyRequest) {
    const { userId, dailyLimit } = callerOf(request);
    const user = accounts.userNow(userId) ?? await accounts.get(userId);
    // The count this request already made; peeking would cost another cache round trip.
    const quota = request.quota ?? await quotas.peek(`user:${userId}`, dailyLimit);
    // Every field written out, not spread from publicUser(): an object literal after a spread
    // gets its later fields one by one on V8's slow path, a measured 7 % of this route's CPU.
    return {
      id: user.id,
      email: user.email,
      fullName: user.fullName,
      avatarUrl: user.avatarUrl,
      isEmailVerified: user.isEmailVerified,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
      lastLogin: user.lastLogin,
      isAdmin: user.isAdmin,
      profile: {
        tier: user.profile.tier as Tier,
        apiKeyPrefix: user.profile.apiKeyPrefix,
        apiKeyCreatedAt: user.profile.apiKeyCreatedAt,
        notificationPreferences: user.profile.notificationPreferences,
        lastLoginIp: user.profile.lastLoginIp,
        usage: { requestsToday: quota.used, dailyLimit: quota.limit, remaining: quota.remaining, resetsAt: quota.resetsAt },
      },
    };
  }

  // Register, login and refresh are not metered by the daily quota (junk traffic from a shared
  // address must not lock its people out for a day): a brute-force throttle of their own guards them.
  app.post('/api/auth/register/', {
    config: { auth: 'none', rateLimit: false },
    schema: { tags: ['auth'], summary: 'Create an account', body: RegisterBody, response: responses(Envelope(Registered), [], 201) },
  }, async (request, reply) => {
    await loginThrottle.attempt(request.ip);
    const body = request.body as Static<typeof RegisterBody>;
    const { user, apiKey } = await accounts.createUser({
      email: body.email, password: body.password, fullName: body.fullName ?? body.name, ip: request.ip,
    });
    const pair = await tokens.startSession(user.id, client(request));
    return reply.status(201).send(ok({ ...pair, user: publicUser(user), apiKey }, 'Registration successful'));
  });

  app.post('/api/auth/login/', {
    config: { auth: 'none', rateLimit: false },
    schema: { tags: ['auth'], summary: 'Log in with email and password', body: LoginBody, response: responses(Envelope(Session)) },
  }, async (request) => {
    const account = request.body.email.trim().toLowerCase();
    await loginThrottle.attempt(request.ip);
    await loginThrottle.checkAccount(account);
    let user: UserWithProfile;
    try {
      user = await accounts.authenticate(request.body.email, request.body.password, request.ip);
    } catch (error) {
      if (error instanceof InvalidInput) await loginThrottle.failedLogin(account);
      throw error;
    }
    const pair = await tokens.startSession(user.id, client(request));
    return ok({ ...pair, user: publicUser(user) }, 'Login successful');
  });

  app.post('/api/token/refresh/', {
    config: { auth: 'none', rateLimit: false },
    schema: { tags: ['auth'], summary: 'Trade a refresh token for a new pair (the old one is spent)', body: RefreshBody, response: responses(Envelope(Tokens), [401]) },
  }, async (request) => {
    await loginThrottle.attempt(request.ip);
    return ok(await tokens.rotate(request.body.refresh, client(request)), 'Token refreshed');
  });

  app.post('/api/auth/logout/', {
    // Identified below: an expired access token beside a valid refresh token must still log out;
    // and ending a session is never refused for a spent quota.
    config: { auth: 'none', rateLimit: false },
    schema: {
      tags: ['auth'], summary: 'End the session of the access token (no body needed), or of the refresh token given',
      body: LogoutBody, response: responses(Envelope(Type.Null()), [401]),
    },
  }, async (request) => {
    const refresh = (request.body as Static<typeof LogoutBody> | undefined)?.refresh;
    const caller = await callerIfValid(request, deps);
    if (!caller && !refresh) throw unauthenticated('Authentication credentials were not provided.');
    if (caller?.via === 'api_key' && !refresh) {
      throw invalid('An API key has no session to log out of; send {"refresh": ...} or regenerate the key.', { refresh: ['This field is required with an API key.'] });
    }
    // Whose refresh token it is is settled before anything is revoked.
    let refreshSession: { userId: string; sessionId: string } | null = null;
    let refreshError: unknown = null;
    try {
      refreshSession = refresh ? tokens.sessionOfRefresh(refresh) : null;
    } catch (error) {
      refreshError = error;
    }
    if (caller && refreshSession && refreshSession.userId !== caller.userId) {
      throw invalid('That refresh token belongs to another user.', { refresh: ['Not your token.'] });
    }
    // A bad refresh token beside a valid access token still ends the access token's session.
    if (caller?.sessionId) await tokens.endSession(caller.userId, caller.sessionId);
    if (refreshError) throw refreshError;
    if (refreshSession) await tokens.endSession(refreshSession.userId, refreshSession.sessionId);
    return ok(null, 'Logout successful');
  });

  app.get('/api/auth/profile/', {
    config: { auth: 'required' },
    schema: { tags: ['auth'], summary: 'Your user, profile, tier and usage', security: [{ bearer: [] }, { apiKey: [] }], response: responses(Envelope(ProfileUser), [401]) },
  }, async (request) => ok(await profileOf(request)));

  app.patch('/api/auth/profile/', {
    config: { auth: 'required' },
    schema: { tags: ['auth'], summary: 'Update name, avatar or notification preferences', security: [{ bearer: [] }, { apiKey: [] }], body: ProfilePatch, response: responses(Envelope(ProfileUser), [401]) },
  }, async (request) => {
    const { userId } = callerOf(request);
    const body = request.body ?? {};
    await accounts.updateProfile(userId, {
      fullName: body.fullName ?? body.name,
      avatarUrl: body.avatarUrl,
      notificationPreferences: body.notificationPreferences,
    });
    return ok(await profileOf(request), 'Profile updated');
  });

  app.post('/api/auth/api-key/', {
    config: { auth: 'required' },
    schema: { tags: ['auth'], summary: 'Make a new API key (the old one stops working); shown only in this answer', security: [{ bearer: [] }, { apiKey: [] }], response: responses(Envelope(ApiKey), [401]) },
  }, async (request) => {
    const key = await accounts.regenerateApiKey(callerOf(request).userId);
    return ok({ apiKey: key.apiKey, apiKeyPrefix: key.prefix, createdAt: key.createdAt }, 'Store this key now: it is shown only once.');
  });

  app.get('/api/auth/sessions/', {
    config: { auth: 'required' },
    schema: { tags: ['auth'], summary: 'Your open sessions (logins), most recently used first', security: [{ bearer: [] }, { apiKey: [] }], querystring: PageQuery, response: responses(ListEnvelope(SessionSummary), [401]) },
  }, async (request) => {
    const caller = callerOf(request);
    const all = await tokens.openSessions(caller.userId, caller.sessionId);
    // A user has a handful of sessions: paging them in memory is simpler than in SQL.
    const page = pageOf(request.query);
    return okList(all.slice(page.offset, page.offset + page.pageSize), paginationOf(request, page, all.length));
  });

  app.delete('/api/auth/sessions/:id/', {
    config: { auth: 'required' },
    schema: { tags: ['auth'], summary: 'End one of your sessions', security: [{ bearer: [] }, { apiKey: [] }], params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: responses(Envelope(Type.Null()), [401, 404]) },
  }, async (request) => {
    await tokens.endSession(callerOf(request).userId, request.params.id);
    return ok(null, 'Session ended');
  });
}
