// The embedded scheduler with croner's timers on a seconds pattern, under fake timers: time is
// moved by the test, so what must not happen is checked over a known stretch of time, not a sleep.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startInProcessScheduler, type InProcessScheduler } from '../../src/jobs/in-process-scheduler.ts';
import type { JobRun } from '../../src/jobs/runner.ts';
import type { ScheduledJob } from '../../src/jobs/schedule.ts';

const everySecond = (name: string, gate: ScheduledJob['gate'] = 'always', delaysMs: number[] = [10, 50]): ScheduledJob => ({
  name, cron: '* * * * * *', timezone: 'UTC', queue: 'default', gate, retry: { delaysMs }, description: 'test job',
});

function memoryLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Moves fake time forward in small steps until the condition holds (at most `limitMs` of fake time). */
async function until(condition: () => boolean, limitMs = 4_000): Promise<void> {
  for (let elapsed = 0; !condition(); elapsed += 20) {
    if (elapsed > limitMs) throw new Error('condition not met in time');
    await vi.advanceTimersByTimeAsync(20);
  }
}

let scheduler: InProcessScheduler | undefined;
beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-24T15:00:00.250Z') });
});
afterEach(() => {
  scheduler?.stop();
  vi.useRealTimers();
});

describe('in-process scheduler', () => {
  it('fires the handler on a seconds pattern with the tick time as firedAt', async () => {
    const fired: Date[] = [];
    scheduler = startInProcessScheduler({
      schedule: [everySecond('tick')],
      handlers: { tick: async (run: JobRun) => { fired.push(run.firedAt); return {}; } },
      log: memoryLog().log,
    });
    await until(() => fired.length >= 2);
    // The pattern's whole second, not whenever the timer woke up.
    expect(fired.every((at) => at.getMilliseconds() === 0)).toBe(true);
    expect(new Set(fired.map((at) => at.getTime())).size).toBe(fired.length);
  });

  it('never overlaps a slow run with the next tick (protect)', async () => {
    let running = 0;
    let mostAtOnce = 0;
    let started = 0;
    const { log, lines } = memoryLog();
    scheduler = startInProcessScheduler({
      schedule: [everySecond('slow')],
      handlers: {
        slow: async () => {
          started += 1;
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await sleep(1_600);
          running -= 1;
          return {};
        },
      },
      log,
    });
    await until(() => lines.some((line) => line.msg === 'job still running; tick skipped'));
    expect(started).toBeGreaterThanOrEqual(1);
    expect(mostAtOnce).toBe(1);
  });

  it('retries a throwing handler with backoff, then records it in failed()', async () => {
    let calls = 0;
    let flakyCalls = 0;
    scheduler = startInProcessScheduler({
      schedule: [everySecond('broken'), everySecond('flaky')],
      handlers: {
        broken: async () => { calls += 1; throw new Error('provider down'); },
        flaky: async () => {
          flakyCalls += 1;
          if (flakyCalls < 3) throw new Error('timeout');
          return {};
        },
      },
      log: memoryLog().log,
    });
    await until(() => scheduler!.failed().length >= 1 && flakyCalls >= 3);
    const [failure] = scheduler.failed();
    expect(failure).toMatchObject({ job: 'broken', error: 'provider down', attempts: 3 });
    expect(failure?.at).toBeInstanceOf(Date);
    expect(calls).toBeGreaterThanOrEqual(3);
    // Two failures then a success inside one tick's retries: not a failed run.
    expect(scheduler.failed().some((run) => run.job === 'flaky')).toBe(false);
  });

  it('stops firing after stop()', async () => {
    let calls = 0;
    scheduler = startInProcessScheduler({
      schedule: [everySecond('tick')],
      handlers: { tick: async () => { calls += 1; return {}; } },
      log: memoryLog().log,
    });
    await until(() => calls >= 1);
    scheduler.stop();
    const atStop = calls;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(atStop);
  });

  it('does not schedule rows without a handler and says so once', async () => {
    const { log, lines } = memoryLog();
    let calls = 0;
    scheduler = startInProcessScheduler({
      schedule: [everySecond('tick'), everySecond('later')],
      handlers: { tick: async () => { calls += 1; return {}; } },
      log,
    });
    await until(() => calls >= 1);
    const notImplemented = lines.filter((line) => line.msg === 'job not implemented yet; not scheduled');
    expect(notImplemented.map((line) => line.job)).toEqual(['later']);
    expect(lines.filter((line) => line.msg === 'job scheduled').map((line) => line.job)).toEqual(['tick']);
    expect(lines.some((line) => line.job === 'later' && line.msg !== 'job not implemented yet; not scheduled')).toBe(false);
    await expect(scheduler.runNow('later')).rejects.toThrow('not implemented yet');
    await expect(scheduler.runNow('nope')).rejects.toThrow('unknown job "nope"');
  });

  it('runNow judges the gate at now() unless forced', async () => {
    const saturday = new Date('2025-01-04T15:00:00Z');
    scheduler = startInProcessScheduler({
      schedule: [{ ...everySecond('quotes', 'market_hours'), cron: '0 0 1 1 *' }],
      handlers: { quotes: async () => ({ fetched: 3 }) },
      log: memoryLog().log,
      clock: { now: () => saturday },
    });
    await expect(scheduler.runNow('quotes')).resolves.toEqual({ outcome: 'skipped', summary: { skipped: 'market_hours' } });
    await expect(scheduler.runNow('quotes', { force: true })).resolves.toEqual({ outcome: 'ok', summary: { fetched: 3 } });
  });
});
