// /api/admin/*: the seed's Django admin as an API, for users with isAdmin (403 for others, 401
// without credentials). Users, stocks, jobs and the audit log; every change is audited with the
// administrator, the request id, and the target before and after.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TIERS, type Tier } from '../../domain/auth/tier.ts';
import { forbidden } from '../../domain/errors.ts';
import type { AccountService, UserWithProfile } from '../../services/accounts.ts';
import type { Actor, AuditRow, AuditTrail } from '../../services/admin/audit.ts';
import type { JobAdmin } from '../../services/admin/jobs.ts';
import type { StockAdmin } from '../../services/admin/stocks.ts';
import type { UserAdmin } from '../../services/admin/users.ts';
import type { StockRow } from '../../services/market/catalog.ts';
import { Envelope, ListEnvelope, Nullable, OneOf, ok, okList, responses } from '../envelope.ts';
import { PageQuery, pageOf, paginationOf } from '../pagination.ts';
import { callerOf } from '../plugins/auth.ts';

export interface AdminRouteDeps {
  accounts: AccountService;
  userAdmin: UserAdmin;
  stockAdmin: StockAdmin;
  auditTrail: AuditTrail;
  jobAdmin: JobAdmin;
}

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Nullable(DateTime);
const tags = ['admin'];
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

const AdminUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  fullName: Type.String(),
  isActive: Type.Boolean(),
  isAdmin: Type.Boolean(),
  isEmailVerified: Type.Boolean(),
  tier: OneOf(TIERS),
  dailyRequestLimit: Nullable(Type.Integer({ description: 'Per-user override of the tier\'s daily limit' })),
  apiKeyPrefix: Type.String(),
  apiKeyCreatedAt: DateTime,
  lastLogin: NullableDateTime,
  lastLoginIp: Nullable(Type.String()),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const AdminStock = Type.Object({
  symbol: Type.String(), name: Type.String(), sector: Nullable(Type.String()), industry: Nullable(Type.String()),
  marketCap: Nullable(Type.Number()), exchange: Nullable(Type.String()), currency: Type.String(),
  isActive: Type.Boolean({ description: 'Whether the scheduled jobs follow it' }),
  createdAt: DateTime, updatedAt: DateTime,
});

const JobRun = Type.Object({
  id: Type.String({ description: 'runId in the logs' }),
  startedAt: NullableDateTime,
  finishedAt: NullableDateTime,
  durationMs: Nullable(Type.Number()),
  outcome: Nullable(OneOf(['ok', 'skipped', 'failed'] as const)),
  error: Nullable(Type.String()),
});
const Job = Type.Object({
  name: Type.String(), queue: Type.String(), cron: Type.String(), timezone: Type.String(), description: Type.String(),
  implemented: Type.Boolean(), running: Type.Boolean(),
  lastRun: Type.Union([JobRun, Type.Null()]),
  nextRun: NullableDateTime,
});
const FailedJob = Type.Object({
  id: Type.String({ description: 'What the retry route takes' }),
  name: Type.String(), queue: Type.String(), error: Type.String(), attempts: Type.Integer(), failedAt: NullableDateTime,
});
const Run = Type.Object({ id: Type.String({ description: 'The new run\'s id' }) });

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  actorId: Nullable(Type.String({ description: 'null: the command line' })),
  actorEmail: Nullable(Type.String()),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.String(),
  before: Type.Unknown({ description: 'The target before the change' }),
  after: Type.Unknown({ description: 'The target after the change' }),
  requestId: Nullable(Type.String()),
});

const UserQuery = Type.Composite([PageQuery, Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the email or name' })),
  isActive: Type.Optional(Type.Boolean()),
  isAdmin: Type.Optional(Type.Boolean()),
  tier: Type.Optional(OneOf(TIERS)),
})]);
const StockQuery = Type.Composite([PageQuery, Type.Object({
  search: Type.Optional(Type.String({ maxLength: 100, description: 'Symbol prefix or part of the name' })),
  isActive: Type.Optional(Type.Boolean()),
})]);
const AuditQuery = Type.Composite([PageQuery, Type.Object({
  action: Type.Optional(Type.String({ maxLength: 64 })),
  actorId: Type.Optional(Type.String({ format: 'uuid' })),
  targetType: Type.Optional(OneOf(['user', 'stock', 'job'] as const)),
  targetId: Type.Optional(Type.String({ maxLength: 128 })),
})]);
const UserId = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Symbol = Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 32 }) });
const JobName = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
const FailedId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

function adminUser(user: UserWithProfile): Static<typeof AdminUser> {
  return {
    id: user.id, email: user.email, fullName: user.fullName, isActive: user.isActive, isAdmin: user.isAdmin,
    isEmailVerified: user.isEmailVerified, tier: user.profile.tier as Tier, dailyRequestLimit: user.profile.dailyRequestLimit,
    apiKeyPrefix: user.profile.apiKeyPrefix, apiKeyCreatedAt: user.profile.apiKeyCreatedAt.toISOString(),
    lastLogin: user.lastLogin?.toISOString() ?? null, lastLoginIp: user.profile.lastLoginIp,
    createdAt: user.createdAt.toISOString(), updatedAt: user.updatedAt.toISOString(),
  };
}

const adminStock = (row: StockRow) => ({ ...row, marketCap: row.marketCap === null ? null : Number(row.marketCap) });
const auditEntry = (row: AuditRow) => ({ ...row, at: row.at.toISOString() });

export function adminRoutes(root: FastifyInstance, deps: AdminRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, userAdmin, stockAdmin, auditTrail, jobAdmin } = deps;
  const config = { auth: 'required' as const };

  /** The administrator making the request; 403 for anyone else. */
  async function adminOf(request: FastifyRequest): Promise<Actor> {
    const caller = callerOf(request);
    if (!caller.isAdmin) throw forbidden('Administrators only.');
    const user = accounts.userNow(caller.userId) ?? await accounts.get(caller.userId);
    return { userId: caller.userId, email: user.email, requestId: request.id };
  }
  const errors = [401, 403];

  app.get('/api/admin/users/', {
    config, schema: { tags, security, summary: 'Users, newest first: search by email or name, filter by state, role or tier', querystring: UserQuery, response: responses(ListEnvelope(AdminUser), errors) },
  }, async (request) => {
    await adminOf(request);
    const { search, isActive, isAdmin, tier } = request.query;
    const page = pageOf(request.query);
    const { rows, count } = await userAdmin.list({ search, isActive, isAdmin, tier }, { offset: page.offset, limit: page.pageSize });
    return okList(rows.map(adminUser), paginationOf(request, page, count));
  });

  app.get('/api/admin/users/:id/', {
    config, schema: { tags, security, summary: 'One user', params: UserId, response: responses(Envelope(AdminUser), [...errors, 404]) },
  }, async (request) => {
    await adminOf(request);
    return ok(adminUser(await userAdmin.get(request.params.id)));
  });

  app.post('/api/admin/users/:id/tier/', {
    config, schema: {
      tags, security, summary: 'Change the user\'s tier (their daily quota and real-time limits)', params: UserId,
      body: Type.Object({ tier: OneOf(TIERS) }, { additionalProperties: false }), response: responses(Envelope(AdminUser), [...errors, 404]),
    },
  }, async (request) => {
    const actor = await adminOf(request);
    return ok(adminUser(await userAdmin.setTier(actor, request.params.id, request.body.tier)), `Tier set to ${request.body.tier}.`);
  });

  app.post('/api/admin/users/:id/deactivate/', {
    config, schema: {
      tags, security, summary: 'Deactivate the user: every session ends and their API key stops working, at once, on every instance (WebSockets closed)',
      params: UserId, response: responses(Envelope(AdminUser), [...errors, 404]),
    },
  }, async (request) => {
    const actor = await adminOf(request);
    return ok(adminUser(await userAdmin.deactivate(actor, request.params.id)), 'User deactivated.');
  });

  app.post('/api/admin/users/:id/reactivate/', {
    config, schema: { tags, security, summary: 'Reactivate the user (they log in again; their API key works again)', params: UserId, response: responses(Envelope(AdminUser), [...errors, 404]) },
  }, async (request) => {
    const actor = await adminOf(request);
    return ok(adminUser(await userAdmin.reactivate(actor, request.params.id)), 'User reactivated.');
  });

  app.post('/api/admin/users/:id/revoke-sessions/', {
    config, schema: {
      tags, security, summary: 'End every session of the user (their tokens stop working; WebSockets closed)', params: UserId,
      response: responses(Envelope(Type.Object({ sessionsEnded: Type.Integer() })), [...errors, 404]),
    },
  }, async (request) => {
    const actor = await adminOf(request);
    const sessionsEnded = await userAdmin.revokeSessions(actor, request.params.id);
    return ok({ sessionsEnded }, `${sessionsEnded} session(s) ended.`);
  });

  app.post('/api/admin/users/:id/revoke-api-key/', {
    config, schema: {
      tags, security, summary: 'Revoke the user\'s API key (replaced by one nobody knows; they make a new one with POST /api/auth/api-key/)',
      params: UserId, response: responses(Envelope(AdminUser), [...errors, 404]),
    },
  }, async (request) => {
    const actor = await adminOf(request);
    return ok(adminUser(await userAdmin.revokeApiKey(actor, request.params.id)), 'API key revoked.');
  });

  app.get('/api/admin/stocks/', {
    config, schema: { tags, security, summary: 'Every known stock, active or not, largest first', querystring: StockQuery, response: responses(ListEnvelope(AdminStock), errors) },
  }, async (request) => {
    await adminOf(request);
    const page = pageOf(request.query);
    const { rows, count } = await stockAdmin.list({ search: request.query.search, isActive: request.query.isActive }, { offset: page.offset, limit: page.pageSize });
    return okList(rows.map(adminStock), paginationOf(request, page, count));
  });

  app.post('/api/admin/stocks/', {
    config, schema: {
      tags, security, summary: 'Add a symbol to the universe the jobs follow (400 when the market data provider does not know it)',
      body: Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }),
      response: responses(Envelope(AdminStock), [...errors, 503], 201),
    },
  }, async (request, reply) => {
    const actor = await adminOf(request);
    const stock = await stockAdmin.add(actor, request.body.symbol);
    return reply.status(201).send(ok(adminStock(stock), `${stock.symbol} is followed by the jobs.`));
  });

  for (const [path, isActive] of [['activate', true], ['deactivate', false]] as const) {
    app.post(`/api/admin/stocks/:symbol/${path}/`, {
      config, schema: {
        tags, security, summary: isActive ? 'Have the jobs follow a known symbol' : 'Stop the jobs following a symbol (it stays known and served on demand)',
        params: Symbol, response: responses(Envelope(AdminStock), [...errors, 404]),
      },
    }, async (request) => {
      const actor = await adminOf(request);
      return ok(adminStock(await stockAdmin.setActive(actor, request.params.symbol, isActive)));
    });
  }

  app.get('/api/admin/jobs/', {
    config, schema: { tags, security, summary: 'The scheduled jobs: last run (duration, outcome), running now, next run', response: responses(Envelope(Type.Object({ runner: OneOf(['in-process', 'bullmq'] as const), jobs: Type.Array(Job) })), [...errors, 503]) },
  }, async (request) => {
    await adminOf(request);
    return ok({ runner: jobAdmin.runner, jobs: await jobAdmin.list() });
  });

  app.get('/api/admin/jobs/failed/', {
    config, schema: {
      tags, security, summary: 'Runs that failed for good (their retries used up), newest first, with their error',
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
      response: responses(Envelope(Type.Array(FailedJob)), [...errors, 503]),
    },
  }, async (request) => {
    await adminOf(request);
    return ok(await jobAdmin.failed(request.query.limit ?? 50));
  });

  app.post('/api/admin/jobs/failed/:id/retry/', {
    config, schema: { tags, security, summary: 'Run a failed job again (its original fire time, its retries)', params: FailedId, response: responses(Envelope(Run), [...errors, 404, 409, 503], 202) },
  }, async (request, reply) => {
    const actor = await adminOf(request);
    return reply.status(202).send(ok(await jobAdmin.retry(actor, request.params.id), 'Retry started.'));
  });

  app.post('/api/admin/jobs/:name/run/', {
    config, schema: { tags, security, summary: 'Run a job now, whatever the market calendar says (409 while it runs, embedded)', params: JobName, response: responses(Envelope(Run), [...errors, 404, 409, 503], 202) },
  }, async (request, reply) => {
    const actor = await adminOf(request);
    return reply.status(202).send(ok(await jobAdmin.trigger(actor, request.params.name), 'Run started.'));
  });

  app.get('/api/admin/audit/', {
    config, schema: { tags, security, summary: 'The audit log of admin actions, newest first', querystring: AuditQuery, response: responses(ListEnvelope(AuditEntry), errors) },
  }, async (request) => {
    await adminOf(request);
    const { action, actorId, targetType, targetId } = request.query;
    const page = pageOf(request.query);
    const { rows, count } = await auditTrail.list({ action, actorId, targetType, targetId }, { offset: page.offset, limit: page.pageSize });
    return okList(rows.map(auditEntry), paginationOf(request, page, count));
  });
}
