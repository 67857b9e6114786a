// Daily bars for tests that need no real data: a seeded random walk of the log close, on weekdays.
import type { Bar } from '../../../src/domain/market/bar.ts';
import { dailyBarTimestamp } from '../../../src/domain/market/bar.ts';
import { addDays, parseIsoDate } from '../../../src/domain/time.ts';

export function syntheticBars(count: number, seed: number, start = '2015-01-05', drift = 0.0003): Bar[] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return (state + 0.5) / 4_294_967_296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const bars: Bar[] = [];
  let date = start;
  let close = 50 + 50 * uniform();
  while (bars.length < count) {
    const weekday = new Date(parseIsoDate(date)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) {
      const open = close * Math.exp(0.003 * normal());
      close = close * Math.exp(drift + 0.015 * normal());
      const high = Math.max(open, close) * (1 + 0.005 * uniform());
      const low = Math.min(open, close) * (1 - 0.005 * uniform());
      bars.push({ timestamp: dailyBarTimestamp(date), open, high, low, close, adjustedClose: null, volume: Math.round(1e6 * (0.5 + uniform())) });
    }
    date = addDays(date, 1);
  }
  return bars;
}
