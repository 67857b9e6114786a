import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundHistogram } from '../../../src/http/plugins/metrics.ts';

describe('BoundHistogram', () => {
  it("exposes exactly what prom-client's own Histogram exposes for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const buckets = [0.005, 0.01, 0.1, 1];
    const bound = new BoundHistogram<'route' | 'status'>('h', 'help text', buckets, ours);
    const reference = new Histogram({ name: 'h', help: 'help text', labelNames: ['route', 'status'], buckets, registers: [theirs] });
    const observations: Array<[string, string, number]> = [['/a', '200', 0.004], ['/a', '200', 0.005], ['/a', '200', 0.05], ['/a', '500', 3], ['/b', '200', 0.0101], ['/a', '200', 1]];
    const series = new Map<string, (value: number) => void>();
    for (const [route, status, value] of observations) {
      const key = `${route} ${status}`;
      if (!series.has(key)) series.set(key, bound.series({ route, status }));
      series.get(key)!(value);
      reference.observe({ route, status }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('zeroes on reset, and a bound series keeps counting afterwards', async () => {
    const registry = new Registry();
    const bound = new BoundHistogram<'route'>('h', 'help', [1], registry);
    const observe = bound.series({ route: '/a' });
    observe(0.5);
    registry.resetMetrics();
    observe(2);
    const text = await registry.metrics();
    expect(text).toContain('h_bucket{le="1",route="/a"} 0');
    expect(text).toContain('h_bucket{le="+Inf",route="/a"} 1');
    expect(text).toContain('h_count{route="/a"} 1');
  });
});
