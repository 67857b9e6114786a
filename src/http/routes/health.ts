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

type CheckResult = (Awaited<ReturnType<typeof check>> & { kind?: string }) | { status: 'not_configured' };
interface Checked { database: CheckResult; redis: CheckResult; down: string[] }
/** One run of the checks: its promise, and its result once it has one. */
interface CheckRun { at: number; result: Promise<Checked>; done: Checked | null }

/**
 * Runs the checks at most once per CHECK_REUSE_MS; concurrent callers share the run in flight,
 * and once it has finished its result is read without waiting (a balancer polling hard gets its
 * answer in the same turn of the event loop).
 */
function reusedChecks(deps: HealthDeps): () => Checked | Promise<Checked> {
  let last: CheckRun | null = null;
  return () => {
    if (!last || Date.now() - last.at >= CHECK_REUSE_MS) {
      const run: CheckRun = {
        at: Date.now(),
        done: null,
        result: Promise.all([
          check(() => deps.database.ping()),
          deps.redis ? check(() => deps.redis!.ping()) : Promise.resolve({ status: 'not_configured' as const }),
        ]).then(([database, redis]) => ({
          database: { ...database, kind: deps.database.kind },
          redis,
          down: [database.status === 'down' && `database: ${database.error}`, redis.status === 'down' && `redis: ${redis.error}`].filter(Boolean) as string[],
        })),
      };
      void run.result.then((checked) => { run.done = checked; });
      last = run;
    }
    return last.done ?? last.result;
  };
}

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const startedAt = Date.now();
  const checks = reusedChecks(deps);
  const answer = ({ database, redis, down }: Checked) => {
    const degraded = deps.degradation.current();
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
      database,
      redis,
      marketData: deps.marketData,
      degraded,
    });
  };
  app.get('/api/health/', {
    config: { auth: 'none', rateLimit: false },
    schema: { tags: ['operations'], summary: 'Database and Redis reachability, version', response: responses(Envelope(Health), [503]) },
  // Not async: with the last checks at hand, the answer is returned at once (Fastify sends a
  // returned value as it would a resolved one); otherwise the checks' promise is.
  }, () => {
    const checked = checks();
    return checked instanceof Promise ? checked.then(answer) : answer(checked);
  });
}
