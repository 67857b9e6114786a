import { describe, expect, it } from 'vitest';
import { RequestWindow } from '../../src/services/request-window.ts';

describe('request window', () => {
  it('lets a burst up to the limit through, then waits for the window to slide', async () => {
    const window = new RequestWindow({ requests: 3, perMs: 200 });
    const started = Date.now();
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await window.take();
      times.push(Date.now() - started);
    }
    expect(times.slice(0, 3).every((t) => t < 100)).toBe(true);
    // The 4th and 5th waited for the first requests to leave the 200 ms window.
    expect(times[3]).toBeGreaterThanOrEqual(195);
    expect(times[4]).toBeGreaterThanOrEqual(195);
  });

  it('never lets more than the limit into any window', async () => {
    let fake = 0;
    const window = new RequestWindow({ requests: 2, perMs: 1000 }, () => fake);
    await window.take();
    await window.take();
    let third = false;
    void window.take().then(() => { third = true; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toBe(false);
    fake = 1000;
    // The waiter wakes when the oldest request would leave the window (1 s later), sees the moved clock, and goes.
    for (let i = 0; i < 150 && !third; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(third).toBe(true);
  });

  it('gives up at once when the window frees later than the caller may wait', async () => {
    const window = new RequestWindow({ requests: 1, perMs: 60_000 });
    expect(await window.take(100)).toBe(true);
    const started = Date.now();
    expect(await window.take(100)).toBe(false);
    expect(Date.now() - started).toBeLessThan(50);
  });
});
