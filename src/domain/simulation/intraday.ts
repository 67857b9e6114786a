// The intraday model: a session's one-minute bars, a Brownian path pinned to the day's open, high, low and
// close (the high and low struck at arcsine-distributed minutes, in the order a down or up day favours), with
// U-shaped volume that sums to the day's exactly.

import { MINUTE_MS } from '../time.ts';
import { bridgeMaximum, bridgeMinimum, reflectInto, toCents } from './brownian.ts';
import type { SymbolModel, YearBlock } from './daily.ts';
import { SIMULATION_MODEL, type SimulatedBar } from './model.ts';
import { rngFor, STREAM, type Rng } from './random.ts';

/** Minute bars of one session as parallel arrays, prices in integer cents. */
export interface SessionMinutes {
  openMs: number;
  open: Int32Array;
  high: Int32Array;
  low: Int32Array;
  close: Int32Array;
  volume: Float64Array;
}

/** Two distinct minute indexes in [1, n − 1], more likely near the open and the close (arcsine law). */
function extremeTimes(rng: Rng, n: number): [number, number] {
  const draw = (): number => Math.min(n - 1, 1 + Math.floor((n - 1) * Math.sin((Math.PI / 2) * rng.next()) ** 2));
  const first = draw();
  let second = draw();
  if (second === first) second = first + 1 <= n - 1 ? first + 1 : first - 1;
  return first < second ? [first, second] : [second, first];
}

/** The minute path of one session of a year block, pinned to that day's open, high, low and close. */
export function simulateSession(key: SymbolModel['key'], block: YearBlock, index: number): SessionMinutes {
  const m = SIMULATION_MODEL.intraday;
  const sessions = block.sessions;
  const n = sessions.minutes[index] ?? SIMULATION_MODEL.fullSessionMinutes;
  const rng = rngFor([STREAM.minute, ...key, sessions.dayNumbers[index] ?? 0]);
  const dayOpen = block.open[index] ?? 1;
  const dayHigh = block.high[index] ?? 1;
  const dayLow = block.low[index] ?? 1;
  const dayClose = block.close[index] ?? 1;
  const dayVolume = block.volume[index] ?? 0;
  const logHigh = Math.log(dayHigh);
  const logLow = Math.log(dayLow);

  // Where the day's high and low are struck: on a down day the high tends to come first.
  const [early, late] = extremeTimes(rng, n);
  const highFirst = dayClose < dayOpen ? rng.next() < m.extremeOrderBias : rng.next() >= m.extremeOrderBias;
  const highAt = highFirst ? early : late;
  const lowAt = highFirst ? late : early;

  // A news day's range dwarfs its diffusion; scale minute noise to the range so the path is not a straight ramp.
  const daySigma = Math.max(block.intradaySigma[index] ?? 0, (logHigh - logLow) / 3);
  const minuteSigma = daySigma / Math.sqrt(n);
  const anchors: Array<[number, number]> = [
    [0, Math.log(dayOpen)],
    [early, early === highAt ? logHigh : logLow],
    [late, late === highAt ? logHigh : logLow],
    [n, Math.log(dayClose)],
  ];

  // Log path at minute boundaries: Brownian bridges between consecutive anchors, reflected inside [low, high].
  const path = new Float64Array(n + 1);
  for (let a = 0; a + 1 < anchors.length; a++) {
    const [t0, v0] = anchors[a] ?? [0, 0];
    const [t1, v1] = anchors[a + 1] ?? [0, 0];
    const length = t1 - t0;
    const walk = new Float64Array(length + 1);
    for (let k = 1; k <= length; k++) walk[k] = (walk[k - 1] ?? 0) + minuteSigma * rng.normal();
    const end = walk[length] ?? 0;
    for (let k = 0; k <= length; k++) {
      const share = k / length;
      path[t0 + k] = reflectInto(v0 + (v1 - v0) * share + (walk[k] ?? 0) - share * end, logLow, logHigh);
    }
  }

  // Prices in cents at minute boundaries, with the day's four prices placed exactly.
  const price = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) price[k] = Math.min(dayHigh, Math.max(dayLow, toCents(path[k] ?? 0)));
  price[0] = dayOpen;
  price[n] = dayClose;
  price[highAt] = dayHigh;
  price[lowAt] = dayLow;

  const minutes: SessionMinutes = {
    openMs: sessions.openMs[index] ?? 0,
    open: new Int32Array(n),
    high: new Int32Array(n),
    low: new Int32Array(n),
    close: new Int32Array(n),
    volume: new Float64Array(n),
  };
  const weights = new Float64Array(n);
  const minuteVariance = minuteSigma ** 2;
  for (let k = 0; k < n; k++) {
    const open = price[k] ?? dayOpen;
    const close = price[k + 1] ?? dayClose;
    const a = Math.log(open);
    const b = Math.log(close);
    minutes.open[k] = open;
    minutes.close[k] = close;
    minutes.high[k] = Math.min(dayHigh, Math.max(open, close, toCents(bridgeMaximum(a, b, minuteVariance, rng.positive()))));
    minutes.low[k] = Math.max(dayLow, Math.min(open, close, toCents(bridgeMinimum(a, b, minuteVariance, rng.positive()))));
    // U shape: heavy at the open and into the close, light over lunch; busier when the price moves.
    const shape = 1 + m.openBoost * Math.exp(-k / m.openDecayMinutes) + m.closeBoost * Math.exp(-(n - 1 - k) / m.closeDecayMinutes);
    const noise = Math.exp(m.volumeNoise * rng.normal() - m.volumeNoise ** 2 / 2);
    const activity = 1 + m.volumePerSigmaMove * Math.min(minuteSigma > 0 ? Math.abs(b - a) / minuteSigma : 0, 5);
    weights[k] = shape * noise * activity;
  }

  // Split the day's volume by cumulative rounding, so the integer minute volumes sum to it exactly.
  let totalWeight = 0;
  for (let k = 0; k < n; k++) totalWeight += weights[k] ?? 0;
  let cumulative = 0;
  let allotted = 0;
  for (let k = 0; k < n; k++) {
    cumulative += weights[k] ?? 0;
    const upTo = k === n - 1 ? dayVolume : Math.round((dayVolume * cumulative) / totalWeight);
    minutes.volume[k] = upTo - allotted;
    allotted = upTo;
  }
  return minutes;
}

/** A session's minutes as bars, prices back in dollars. */
export function minuteBarsOf(minutes: SessionMinutes): SimulatedBar[] {
  const bars: SimulatedBar[] = [];
  for (let k = 0; k < minutes.open.length; k++) {
    bars.push({
      timestamp: new Date(minutes.openMs + k * MINUTE_MS),
      open: (minutes.open[k] ?? 0) / 100,
      high: (minutes.high[k] ?? 0) / 100,
      low: (minutes.low[k] ?? 0) / 100,
      close: (minutes.close[k] ?? 0) / 100,
      volume: minutes.volume[k] ?? 0,
    });
  }
  return bars;
}


/**
 * The session's minutes 0..`throughMinute` rolled into one bar, stamped with the last of them: what a live
 * feed shows mid-session.
 */
export function sessionSoFarOf(minutes: SessionMinutes, throughMinute: number): SimulatedBar {
  const last = Math.max(0, Math.min(minutes.open.length - 1, Math.floor(throughMinute)));
  let high = -Infinity;
  let low = Infinity;
  let volume = 0;
  for (let k = 0; k <= last; k++) {
    high = Math.max(high, minutes.high[k] ?? -Infinity);
    low = Math.min(low, minutes.low[k] ?? Infinity);
    volume += minutes.volume[k] ?? 0;
  }
  return {
    timestamp: new Date(minutes.openMs + last * MINUTE_MS),
    open: (minutes.open[0] ?? 0) / 100,
    high: high / 100,
    low: low / 100,
    close: (minutes.close[last] ?? 0) / 100,
    volume,
  };
}
