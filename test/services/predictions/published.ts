// What the predictions publish: the next `prediction_update` on a symbol's bus channel.
import type { Bus } from '../../../src/adapters/bus.ts';

export interface Published {
  type: string;
  data: Record<string, unknown> & { symbol: string };
}

/** Subscribes now (awaited), then resolves with the next prediction_update, or rejects after `ms`. */
export async function nextPrediction(bus: Bus, symbol: string, ms = 30_000): Promise<{ message: Promise<Published>; close(): Promise<void> }> {
  let resolve!: (message: Published) => void;
  let reject!: (error: Error) => void;
  const message = new Promise<Published>((ok, fail) => { resolve = ok; reject = fail; });
  const timer = setTimeout(() => reject(new Error(`no prediction_update for ${symbol} within ${ms} ms`)), ms);
  const unsubscribe = await bus.subscribe(`stock_${symbol}`, (raw) => {
    const candidate = raw as Published;
    if (candidate.type !== 'prediction_update') return;
    clearTimeout(timer);
    resolve(candidate);
  });
  return { message, close: async () => { clearTimeout(timer); await unsubscribe(); } };
}
