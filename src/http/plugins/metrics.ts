// HTTP metrics and the Prometheus endpoint. Each answer is observed once, in one onResponse hook,
// by its route pattern (never the raw URL: junk paths are one "unmatched" series), method and
// status; the labelled series are made once and kept, so the hot path is a few map lookups and
// the histogram's observe. GET /metrics serves the process's whole registry (jobs, providers,
// caches, WebSockets, the database pool, Node itself), behind a bearer token when one is set.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { register, type Registry } from 'prom-client';
import { unauthenticated } from '../../domain/errors.ts';

/**
 * A histogram whose label sets are bound once and then observed with a bucket search and a few
 * array writes, served by prom-client's registry like any other metric. prom-client's own
 * `observe` builds and hashes the label set on every call (about half a microsecond): right for
 * jobs and provider calls, too much for every HTTP answer.
 */
export class BoundHistogram<Label extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bound: Array<{ labels: Record<Label, string>; counts: Float64Array; sum: number; count: number }> = [];

  constructor(readonly name: string, readonly help: string, private readonly buckets: readonly number[], registry: Registry = register) {
    registry.registerMetric(this as never);
  }

  /** The observe function of one label set: bind each label set once and keep the function. */
  series(labels: Record<Label, string>): (value: number) => void {
    const entry = { labels, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
    this.bound.push(entry);
    const { buckets } = this;
    return (value) => {
      entry.sum += value;
      entry.count += 1;
      for (let i = 0; i < buckets.length; i += 1) {
        if (value <= buckets[i]!) {
          entry.counts[i]! += 1;
          return;
        }
      }
    };
  }

  /** prom-client's metric shape (its own Histogram's, `le` first): cumulative buckets, then the sum and the count of each label set. */
  async get() {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const { labels, counts, sum, count } of this.bound) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += counts[i]!;
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` }, { labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Zero every series (the registry's resetMetrics); bound observe functions keep working. */
  reset(): void {
    for (const entry of this.bound) {
      entry.counts.fill(0);
      entry.sum = 0;
      entry.count = 0;
    }
  }
}

/** The exposition of the process's metrics, as the composition root provides it. */
export interface MetricsEndpoint {
  /** Whether an Authorization header carries the metrics token (true when none is set). */
  authorized(authorization: string | undefined): boolean;
  text(): Promise<{ contentType: string; body: string }>;
}

/** The route label of requests that matched no route (404, 405, malformed URLs). */
export const UNMATCHED = 'unmatched';
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const duration = new BoundHistogram<'route' | 'method' | 'status'>(
  'stockmind_http_request_duration_seconds',
  'HTTP requests by route pattern, method and status: latency (the _count is the number of requests)',
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

type Observe = (seconds: number) => void;

/** route → method → status → the series' observe: made once per combination, bounded by the routes. */
const series = new Map<string, Map<string, Map<number, Observe>>>();

function observerOf(route: string, rawMethod: string, status: number): Observe {
  // Node's parser accepts a few dozen methods; anything unusual is one series.
  const method = KNOWN_METHODS.has(rawMethod) ? rawMethod : 'OTHER';
  let byMethod = series.get(route);
  if (!byMethod) series.set(route, (byMethod = new Map()));
  let byStatus = byMethod.get(method);
  if (!byStatus) byMethod.set(method, (byStatus = new Map()));
  let observe = byStatus.get(status);
  if (!observe) {
    observe = duration.series({ route, method, status: String(status) });
    byStatus.set(status, observe);
  }
  return observe;
}

const MetricsText = Type.String({ description: 'Prometheus text exposition format 0.0.4' });

/** The request metrics and GET /metrics (the hook observes every route of the app, whenever registered). */
export function registerMetrics(app: FastifyInstance, endpoint: MetricsEndpoint): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? UNMATCHED : (request.routeOptions.url ?? UNMATCHED);
    observerOf(route, request.method, reply.statusCode)(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', {
    // A scraper is not a user: no credentials of ours, no quota.
    config: { auth: 'none', rateLimit: false },
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics of this process (bearer METRICS_TOKEN when set)',
      description: 'HTTP requests by route, method and status with latency; WebSocket connections and messages; job runs by name and outcome with durations; provider calls, failures and rate-limit waits; cache hits and misses; the PostgreSQL pool; Node.js process metrics. Each `stockmind worker` serves its own on WORKER_METRICS_PORT.',
      security: [{ bearer: [] }],
      response: {
        200: { description: 'The metrics', content: { 'text/plain': { schema: MetricsText } } },
        401: { description: 'METRICS_TOKEN is set and the request did not carry it', $ref: 'ErrorEnvelope#' },
      },
    },
  }, async (request, reply) => {
    if (!endpoint.authorized(request.headers.authorization)) {
      void reply.header('WWW-Authenticate', 'Bearer');
      throw unauthenticated('Metrics need Authorization: Bearer <METRICS_TOKEN>.', { authorization: ['Missing or wrong metrics token.'] });
    }
    const { contentType, body } = await endpoint.text();
    return reply.type(contentType).send(body);
  });
}
