// Metrics of the outside-call helper, through its real client code against a local HTTP server:
// calls by provider, operation and outcome, retries by failure kind, and the time spent waiting.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { register as metrics } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOutside, checkedFetch, ProviderError } from '../../src/providers/outside-call.ts';

let server: Server;
let base: string;
/** What the server answers next, per path: a status (and Retry-After), until the list runs out (then 200). */
const script = new Map<string, Array<{ status: number; retryAfter?: string }>>();

beforeAll(async () => {
  server = createServer((request, response) => {
    const next = script.get(request.url ?? '')?.shift() ?? { status: 200 };
    response.writeHead(next.status, { 'content-type': 'application/json', ...(next.retryAfter ? { 'retry-after': next.retryAfter } : {}) });
    response.end(JSON.stringify({ ok: next.status === 200 }));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => { server?.close(); });

const value = async (name: string, labels: Record<string, string>) =>
  (await metrics.getSingleMetric(name)!.get()).values
    .filter((sample) => Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
    .reduce((sum, sample) => sum + sample.value, 0);

function fetchJson(path: string, op: string, retries: number) {
  return callOutside({
    provider: 'recorded', op, target: path,
    attempt: async (signal) => (await checkedFetch(base + path, { signal })).json(),
  }, { policy: { timeoutMs: 2_000, retries, backoffBaseMs: 10, backoffCapMs: 20 } });
}

describe('outside-call metrics', () => {
  it('counts a call that succeeded after a 429 and a 503, with its retries and their waits', async () => {
    script.set('/quotes', [{ status: 429, retryAfter: '0' }, { status: 503 }]);
    await expect(fetchJson('/quotes', 'quotes', 3)).resolves.toEqual({ ok: true });
    expect(await value('stockmind_provider_calls_total', { provider: 'recorded', op: 'quotes', outcome: 'ok' })).toBe(1);
    expect(await value('stockmind_provider_retries_total', { provider: 'recorded', op: 'quotes', kind: 'rate_limited' })).toBe(1);
    expect(await value('stockmind_provider_retries_total', { provider: 'recorded', op: 'quotes', kind: 'unavailable' })).toBe(1);
    expect(await value('stockmind_provider_retry_wait_seconds_total', { provider: 'recorded' })).toBeGreaterThan(0);
    const duration = (await metrics.getSingleMetric('stockmind_provider_call_duration_seconds')!.get()).values
      .find((sample) => (sample as { metricName?: string }).metricName === 'stockmind_provider_call_duration_seconds_count' && sample.labels.op === 'quotes');
    expect(duration?.value).toBe(1);
  });

  it('counts a final failure by its kind, labelled by operation and never by what was asked', async () => {
    script.set('/history/SECRETSYMBOL', [{ status: 503 }, { status: 503 }]);
    await expect(fetchJson('/history/SECRETSYMBOL', 'history', 1)).rejects.toBeInstanceOf(ProviderError);
    expect(await value('stockmind_provider_calls_total', { provider: 'recorded', op: 'history', outcome: 'unavailable' })).toBe(1);
    expect(await metrics.metrics()).not.toContain('SECRETSYMBOL');
  });
});
