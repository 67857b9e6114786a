// GET /api/health/: can this instance reach its database and Redis? For load balancers (status
// code) and people (the details). Exempt from quotas: a balancer polls it all day.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Unavailable } from '../../domain/errors.ts';
import { Envelope, Nullable, OneOf, ok, responses } from '../envelope.ts';

export interface HealthDeps {
  version: string;
  scale: 'embedded' | 'scaled';
  database: { kind: string; ping(): Promise<void> };
  /** null when this scale has no Redis. */
  redis: { ping(): Promise<unknown> } | null;
  marketData: { provider: string | null; reason: string };
  /** The parts running degraded now (see src/adapters/degraded.ts). */
  degradation: { current(): Record<string, { since: string; reason: string }> };
}

const CHECK_TIMEOUT_MS = 2_000;
// Balancers and monitors may poll hard; one real check per second answers them all.
const CHECK_REUSE_MS = 1_000;

const Check = Type.Object({
  status: OneOf(['ok', 'down', 'not_configured'] as const),
  kind: Type.Optional(Type.String()),
  latencyMs: Type.Optional(Type.Number()),
  error: Type.Optional(Type.String()),
});
const Health = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  scale: Type.String(),
  uptimeSeconds: Type.Integer(),
  database: Check,
  redis: Check,
  marketData: Type.Object({ provider: Nullable(Type.String()), reason: Type.String() }),
  degraded: Type.Record(Type.String(), Type.Object({ since: Type.String(), reason: Type.String() }), { description: 'Parts running degraded now, and why' }),
});

async function check(ping: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await Promise.race([
      ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
    ]);
    return { status: 'ok' as const, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    return { status: 'down' as const, error: (error as Error).message };
  }
}

type CheckResult = Awaited<ReturnType<typeof check>> | { status: 'not_configured' };

/** Runs the checks at most once per CHECK_REUSE_MS; concurrent callers share the run in flight. */
function reusedChecks(deps: HealthDeps) {
  let last: { at: number; result: Promise<[CheckResult, CheckResult]> } | null = null;
  return () => {
    if (!last || Date.now() - last.at >= CHECK_REUSE_MS) {
      last = {
        at: Date.now(),
        result: Promise.all([
          check(() => deps.database.ping()),
          deps.redis ? check(() => deps.redis!.ping()) : Promise.resolve({ status: 'not_configured' as const }),
        ]),
      };
    }
    return last.result;
  };
}

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const startedAt = Date.now();
  const checks = reusedChecks(deps);
  app.get('/api/health/', {
    config: { auth: 'none', rateLimit: false },
    schema: { tags: ['operations'], summary: 'Database and Redis reachability, version', response: responses(Envelope(Health), [503]) },
  }, async () => {
    const [database, redis] = await checks();
    const degraded = deps.degradation.current();
    const down = [database.status === 'down' && `database: ${database.error}`, redis.status === 'down' && `redis: ${redis.error}`].filter(Boolean) as string[];
    if (down.length > 0) {
      const fields = Object.fromEntries(down.map((line) => [line.split(':')[0]!, [line]]));
      for (const [part, state] of Object.entries(degraded)) fields[part] = [`degraded since ${state.since}: ${state.reason}`];
      throw new Unavailable('Service unavailable: a dependency is down.', 5, { fields });
    }
    return ok({
      status: 'ok' as const,
      version: deps.version,
      scale: deps.scale,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      database: { ...database, kind: deps.database.kind },
      redis,
      marketData: deps.marketData,
      degraded,
    });
  });
}
