// Deterministic market simulator: seeded bars for any symbol, realistic enough for charts, indicators and scanners.
//
// Model, per symbol (parameters from a hash of symbol and seed):
// - Year level: the log close at each year end follows the symbol's trend (drift) plus a mean-reverting
//   AR(1) deviation, a closed form over at most 110 years, so no request chains from an anchor day by day.
// - Days: geometric Brownian motion with a two-state calm/turbulent volatility regime, an overnight gap,
//   occasional news moves (>5%), and a bridge correction so the year's daily returns end on the next year level.
// - High/low: the exact distribution of a Brownian bridge's extremes between the session's open and close.
// - Minutes: a Brownian path pinned to the day's open, high, low and close, and U-shaped volume summing to the day's.
// Every day's randomness comes from hash(symbol, seed, date), and a day depends only on its own calendar year,
// so a bar is the same whatever range it is requested in.

import { sessionsBetween } from '../calendar/index.ts';
import { DAY_MS, MINUTE_MS } from '../time.ts';

/** An OHLCV bar; `timestamp` is 00:00 UTC of the session date for daily bars, the minute's start for minute bars. */
export interface SimulatedBar {
  timestamp: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** What distinguishes one simulated symbol from another. */
export interface SymbolParameters {
  /** Long-run annualised volatility of the diffusion, before news moves. */
  annualVolatility: number;
  /** Annual log drift of the price trend. */
  annualDrift: number;
  /** Trend price in 2026, the level the path reverts to. */
  basePrice: number;
  /** Typical shares traded per full session. */
  averageVolume: number;
  sharesOutstanding: number;
}

export interface MarketSimulator {
  readonly seed: number;
  parameters(symbol: string): SymbolParameters;
  /** Daily bars for every NYSE session from `from` to `to` ('YYYY-MM-DD', inclusive), oldest first. */
  dailyBars(symbol: string, from: string, to: string): SimulatedBar[];
  /** The session's daily bar, or null when `date` is not a trading day. */
  dailyBar(symbol: string, date: string): SimulatedBar | null;
  /** Close of the session before `date` (a trading day), or null when `date` is not one. */
  previousClose(symbol: string, date: string): number | null;
  /** One bar per minute of the regular session on `date`; empty when the market is closed that day. */
  minuteBars(symbol: string, date: string): SimulatedBar[];
  /** Minute bars of every session from `from` to `to` ('YYYY-MM-DD', inclusive), oldest first. */
  minuteBarsBetween(symbol: string, from: string, to: string): SimulatedBar[];
  /**
   * The session's minute bars 0..`throughMinute` rolled into one bar, stamped with the last of them:
   * what a live feed shows mid-session. null when `date` is not a trading day.
   */
  sessionSoFar(symbol: string, date: string, throughMinute: number): SimulatedBar | null;
}

export interface MarketSimulatorOptions {
  /** Simulated (symbol, year) blocks kept; one is ~7 KB. */
  yearCacheSize?: number;
  /** Simulated (symbol, session) minute paths kept; one is ~10 KB. */
  sessionCacheSize?: number;
}

/** The model's constants, exported so reports and tests can quote them. */
export const SIMULATION_MODEL = {
  firstYear: 1990,
  lastYear: 2099,
  tradingDaysPerYear: 252,
  fullSessionMinutes: 390,
  /** Annual volatility = min + (max - min) · u², so most symbols are large-cap-like and a few are wild. */
  volatility: { min: 0.15, max: 0.6 },
  drift: { min: -0.04, max: 0.16 },
  basePrice: { min: 10, max: 400 },
  averageVolume: { min: 300_000, max: 30_000_000 },
  /** Shares outstanding = average volume × this, i.e. 0.3–1.25% daily turnover. */
  sharesPerDailyVolume: { min: 80, max: 400 },
  /** The trend flattens beyond this many years from 2026, so 1990 and 2099 prices stay plausible. */
  trendHorizonYears: 12,
  trendAnchorYear: 2026,
  /** Share of the year-end deviation from trend that decays each year. */
  meanReversionPerYear: 0.2,
  /** Deviation from trend is reflected inside ± this (log), a factor of about 5. */
  maxLogDeviation: 1.6,
  regime: {
    /** Daily chance a calm market turns turbulent, and back; turbulent spells last ~10 sessions, 1/6 of the time. */
    calmToTurbulent: 0.02,
    turbulentToCalm: 0.1,
    /** Volatility multipliers; their stationary mean variance is 1, so the symbol's volatility is the long-run one. */
    calmMultiplier: Math.sqrt(1 / 1.5),
    turbulentMultiplier: 2 * Math.sqrt(1 / 1.5),
  },
  /** Share of a day's variance that falls overnight (the gap between the previous close and the open). */
  overnightVarianceShare: 0.25,
  news: {
    /** Chance per session of a news move. */
    probability: 0.025,
    /** Size: min + exponential(mean excess), either sign. */
    minMove: 0.06,
    meanExcess: 0.02,
    /** Chance the move lands overnight (in the gap) rather than during the session. */
    overnightShare: 0.6,
    /** Volume on news days: × (min..max). */
    volumeMultiplier: { min: 1.8, max: 3.5 },
  },
  volumeSpike: { probability: 0.03, min: 2.5, max: 6 },
  /** Daily volume noise (log-normal sigma) and the turbulent-regime boost. */
  volumeNoise: 0.25,
  turbulentVolumeMultiplier: 1.3,
  /** Volume grows with the size of the move: × (1 + this · min(|return| / daily sigma, 4)) / normaliser. */
  volumePerSigmaMove: 0.25,
  /** Half-day sessions trade about this share of a normal day's volume. */
  earlyCloseVolumeShare: 0.6,
  intraday: {
    /** U-shaped minute volume weight: 1 + open·e^(−k/openDecay) + close·e^(−(n−1−k)/closeDecay). */
    openBoost: 2.4,
    openDecayMinutes: 18,
    closeBoost: 1.6,
    closeDecayMinutes: 22,
    volumeNoise: 0.35,
    volumePerSigmaMove: 0.5,
    /** Chance the high comes before the low on a down day (and the low before the high on an up day). */
    extremeOrderBias: 0.75,
  },
} as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

// ---------------------------------------------------------------------------------------------
// Randomness: murmur3-style hashing of 32-bit words, sfc32 streams, Box–Muller normals.
// ---------------------------------------------------------------------------------------------

/** sfc32 (Chris Doty-Humphrey's Small Fast Counter), uniforms in [0, 1) from 128 bits of state. */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  let s0 = a >>> 0;
  let s1 = b >>> 0;
  let s2 = c >>> 0;
  let counter = d >>> 0;
  return () => {
    const t = (((s0 + s1) >>> 0) + counter) >>> 0;
    counter = (counter + 1) >>> 0;
    s0 = s1 ^ (s1 >>> 9);
    s1 = (s2 + (s2 << 3)) >>> 0;
    s2 = ((s2 << 21) | (s2 >>> 11)) >>> 0;
    s2 = (s2 + t) >>> 0;
    return t / 4_294_967_296;
  };
}

/** A seeded stream of uniforms and standard normals. */
export class Rng {
  private readonly uniform: () => number;
  private spare: number | null = null;

  constructor(a: number, b: number, c: number, d: number) {
    this.uniform = sfc32(a, b, c, d);
    // sfc32's first outputs still echo the seed; the usual remedy is to discard a few.
    for (let i = 0; i < 12; i++) this.uniform();
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform();
  }

  /** Uniform in (0, 1], safe to take the log of. */
  positive(): number {
    return 1 - this.uniform();
  }

  /** Standard normal by Box–Muller; the second value of each pair is kept for the next call. */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.positive()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function fmix32(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 (x86, 32-bit) over a list of 32-bit words. */
function hashWords(seed: number, words: readonly number[]): number {
  let h = seed >>> 0;
  for (const word of words) {
    let k = Math.imul(word | 0, 0xcc9e_2d51);
    k = rotl32(k, 15);
    k = Math.imul(k, 0x1b87_3593);
    h ^= k;
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe654_6b64) | 0;
  }
  return fmix32(h ^ (words.length * 4));
}

/** A 32-bit hash of a string's UTF-16 code units. */
function hashString(text: string): number {
  const words: number[] = [];
  for (let i = 0; i < text.length; i++) words.push(text.charCodeAt(i));
  return hashWords(0x5bd1_e995, words);
}

/** An independent stream per list of words: four differently seeded hashes fill sfc32's state. */
function rngFor(words: readonly number[]): Rng {
  return new Rng(
    hashWords(0x9e37_79b9, words),
    hashWords(0x85eb_ca77, words),
    hashWords(0xc2b2_ae3d, words),
    hashWords(0x27d4_eb2f, words),
  );
}

// Stream purposes, so the symbol, level, year, day and minute streams never coincide.
const SALT_SYMBOL = 1;
const SALT_LEVEL = 2;
const SALT_YEAR = 3;
const SALT_DAY = 4;
const SALT_MINUTE = 5;

// ---------------------------------------------------------------------------------------------
// Calendar: sessions per year, shared by every symbol and simulator.
// ---------------------------------------------------------------------------------------------

interface YearSessions {
  dates: string[];
  /** Days since 1970-01-01 of each session date (its daily bar's timestamp / DAY_MS). */
  dayNumbers: number[];
  openMs: number[];
  minutes: number[];
  indexByDate: Map<string, number>;
}

const yearSessionsCache = new Map<number, YearSessions>();

function yearSessions(year: number): YearSessions {
  let sessions = yearSessionsCache.get(year);
  if (!sessions) {
    const list = sessionsBetween(`${year}-01-01`, `${year}-12-31`);
    sessions = {
      dates: list.map((s) => s.date),
      dayNumbers: list.map((s) => Date.parse(`${s.date}T00:00:00Z`) / DAY_MS),
      openMs: list.map((s) => s.open.getTime()),
      minutes: list.map((s) => (s.close.getTime() - s.open.getTime()) / MINUTE_MS),
      indexByDate: new Map(list.map((s, i) => [s.date, i])),
    };
    yearSessionsCache.set(year, sessions);
  }
  return sessions;
}

function assertIsoDate(date: string, label: string): void {
  if (typeof date !== 'string' || !ISO_DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new RangeError(`Invalid ${label} ${JSON.stringify(date)}: expected 'YYYY-MM-DD'`);
  }
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function isSimulatedYear(year: number): boolean {
  return year >= SIMULATION_MODEL.firstYear && year <= SIMULATION_MODEL.lastYear;
}

// ---------------------------------------------------------------------------------------------
// Small LRU cache, so memory stays bounded however many symbols are asked for.
// ---------------------------------------------------------------------------------------------

class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Re-inserting moves the key to the young end of the Map's insertion order.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The model.
// ---------------------------------------------------------------------------------------------

interface SymbolModel {
  parameters: SymbolParameters;
  /** Words identifying (seed, symbol) in every hash. */
  key: readonly [number, number, number];
  /** Log price (of cents) of the last close before each year, index year − firstYear; one entry past lastYear. */
  yearLevels: Float64Array;
}

/** One simulated calendar year of daily bars, prices in integer cents. */
interface YearBlock {
  sessions: YearSessions;
  open: Int32Array;
  high: Int32Array;
  low: Int32Array;
  close: Int32Array;
  /** Float64: news days on heavily traded symbols can pass 2^31 shares. */
  volume: Float64Array;
  /** Standard deviation of the log price over the session, for the minute path. */
  intradaySigma: Float64Array;
  /** Close before the first session of the year, in cents. */
  previousClose: number;
}

/** Minute bars of one session as parallel arrays, prices in integer cents. */
interface SessionMinutes {
  openMs: number;
  open: Int32Array;
  high: Int32Array;
  low: Int32Array;
  close: Int32Array;
  volume: Float64Array;
}

function lerp(range: { min: number; max: number }, u: number): number {
  return range.min + (range.max - range.min) * u;
}

function logLerp(range: { min: number; max: number }, u: number): number {
  return Math.exp(Math.log(range.min) + (Math.log(range.max) - Math.log(range.min)) * u);
}

/** Bars keep prices as Int32 cents; no path comes near this ($20M), it only guards the storage. */
const MAX_CENTS = 2_000_000_000;

/** Nearest cent as an integer, never below one cent so every price stays positive. */
function toCents(logCents: number): number {
  return Math.min(MAX_CENTS, Math.max(1, Math.round(Math.exp(logCents))));
}

/** Price level where a Brownian bridge from a to b with total variance `variance` peaks, for uniform u in (0, 1]. */
function bridgeMaximum(a: number, b: number, variance: number, u: number): number {
  return (a + b + Math.sqrt((b - a) ** 2 - 2 * variance * Math.log(u))) / 2;
}

function bridgeMinimum(a: number, b: number, variance: number, u: number): number {
  return (a + b - Math.sqrt((b - a) ** 2 - 2 * variance * Math.log(u))) / 2;
}

/** Folds x back into [low, high] like a reflected random walk, so the path never flattens at a bound. */
function reflectInto(x: number, low: number, high: number): number {
  if (high <= low) return low;
  let y = x;
  for (let i = 0; i < 8 && (y > high || y < low); i++) {
    y = y > high ? 2 * high - y : 2 * low - y;
  }
  return Math.min(high, Math.max(low, y));
}

/** Trend of the log price (of cents) in a year: drift that flattens far from the anchor year. */
function trendLevel(parameters: SymbolParameters, year: number): number {
  const horizon = SIMULATION_MODEL.trendHorizonYears;
  return (
    Math.log(parameters.basePrice * 100) +
    parameters.annualDrift * horizon * Math.tanh((year - SIMULATION_MODEL.trendAnchorYear) / horizon)
  );
}

/** Variance a year of news moves adds to the log return. */
function newsVariancePerYear(): number {
  const { probability, minMove, meanExcess } = SIMULATION_MODEL.news;
  // E[(m + X)²] for X exponential with mean e: m² + 2me + 2e².
  const moveSquared = minMove ** 2 + 2 * minMove * meanExcess + 2 * meanExcess ** 2;
  return SIMULATION_MODEL.tradingDaysPerYear * probability * moveSquared;
}

function buildSymbolModel(seed: number, symbol: string): SymbolModel {
  const key = [seed >>> 0, Math.floor(seed / 4_294_967_296) >>> 0, hashString(symbol)] as const;
  const m = SIMULATION_MODEL;
  const rng = rngFor([SALT_SYMBOL, ...key]);
  const averageVolume = logLerp(m.averageVolume, rng.next());
  const parameters: SymbolParameters = {
    annualVolatility: lerp(m.volatility, rng.next() ** 2),
    annualDrift: lerp(m.drift, rng.next()),
    basePrice: logLerp(m.basePrice, rng.next()),
    averageVolume,
    sharesOutstanding: Math.round(averageVolume * lerp(m.sharesPerDailyVolume, rng.next())),
  };

  // Year-end levels: trend + AR(1) deviation, reflected to stay within a plausible band.
  const years = m.lastYear - m.firstYear + 2;
  const yearLevels = new Float64Array(years);
  const yearSigma = Math.sqrt(parameters.annualVolatility ** 2 + newsVariancePerYear());
  const persistence = 1 - m.meanReversionPerYear;
  const levelRng = rngFor([SALT_LEVEL, ...key]);
  let deviation = (yearSigma / Math.sqrt(1 - persistence ** 2)) * levelRng.normal();
  deviation = reflectInto(deviation, -m.maxLogDeviation, m.maxLogDeviation);
  for (let i = 0; i < years; i++) {
    yearLevels[i] = trendLevel(parameters, m.firstYear + i) + deviation;
    deviation = persistence * deviation + yearSigma * levelRng.normal();
    deviation = reflectInto(deviation, -m.maxLogDeviation, m.maxLogDeviation);
  }
  return { parameters, key, yearLevels };
}

function simulateYear(model: SymbolModel, year: number): YearBlock {
  const m = SIMULATION_MODEL;
  const { parameters, key, yearLevels } = model;
  const sessions = yearSessions(year);
  const n = sessions.dates.length;
  const startLevel = yearLevels[year - m.firstYear] ?? 0;
  const endLevel = yearLevels[year - m.firstYear + 1] ?? startLevel;

  const gap = new Float64Array(n);
  const intraday = new Float64Array(n);
  const intradaySigma = new Float64Array(n);
  const volumeFactor = new Float64Array(n);
  const highU = new Float64Array(n);
  const lowU = new Float64Array(n);

  const dailySigma = parameters.annualVolatility / Math.sqrt(m.tradingDaysPerYear);
  const overnightScale = Math.sqrt(m.overnightVarianceShare);
  const sessionScale = Math.sqrt(1 - m.overnightVarianceShare);
  const stationaryTurbulent = m.regime.calmToTurbulent / (m.regime.calmToTurbulent + m.regime.turbulentToCalm);
  // Expected |z| for a standard normal is √(2/π); dividing by the mean keeps average volume at averageVolume.
  const moveVolumeNorm = 1 + m.volumePerSigmaMove * Math.sqrt(2 / Math.PI);

  // Each year starts its regime from the stationary law, so no year depends on the one before.
  let turbulent = rngFor([SALT_YEAR, ...key, year]).next() < stationaryTurbulent;
  let totalReturn = 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const rng = rngFor([SALT_DAY, ...key, sessions.dayNumbers[i] ?? 0]);
    // A fixed number of draws per day, in a fixed order, whatever branch is taken.
    const regimeU = rng.next();
    const gapZ = rng.normal();
    const sessionZ = rng.normal();
    const newsU = rng.next();
    const newsSignU = rng.next();
    const newsSizeU = rng.positive();
    const newsWhenU = rng.next();
    const newsVolumeU = rng.next();
    const spikeU = rng.next();
    const spikeSizeU = rng.next();
    const volumeZ = rng.normal();
    highU[i] = rng.positive();
    lowU[i] = rng.positive();

    turbulent = turbulent ? regimeU >= m.regime.turbulentToCalm : regimeU < m.regime.calmToTurbulent;
    const sigma = dailySigma * (turbulent ? m.regime.turbulentMultiplier : m.regime.calmMultiplier);
    const sessionShare = (sessions.minutes[i] ?? m.fullSessionMinutes) / m.fullSessionMinutes;
    const sessionSigma = sigma * sessionScale * Math.sqrt(sessionShare);
    let dayGap = sigma * overnightScale * gapZ;
    let dayMove = sessionSigma * sessionZ;

    let volume = Math.exp(m.volumeNoise * volumeZ - m.volumeNoise ** 2 / 2);
    if (newsU < m.news.probability) {
      const move = (newsSignU < 0.5 ? -1 : 1) * (m.news.minMove - m.news.meanExcess * Math.log(newsSizeU));
      if (newsWhenU < m.news.overnightShare) dayGap += move;
      else dayMove += move;
      volume *= lerp(m.news.volumeMultiplier, newsVolumeU);
    }
    if (spikeU < m.volumeSpike.probability) volume *= lerp(m.volumeSpike, spikeSizeU);
    if (turbulent) volume *= m.turbulentVolumeMultiplier;
    volume *= (1 + m.volumePerSigmaMove * Math.min(Math.abs(dayGap + dayMove) / sigma, 4)) / moveVolumeNorm;
    if (sessionShare < 1) volume *= m.earlyCloseVolumeShare;

    gap[i] = dayGap;
    intraday[i] = dayMove;
    intradaySigma[i] = sessionSigma;
    volumeFactor[i] = volume;
    totalReturn += dayGap + dayMove;
    totalWeight += sessionSigma ** 2;
  }

  // Bridge: spread the miss against the year-end level over the sessions, in proportion to their variance.
  const miss = endLevel - startLevel - totalReturn;
  const block: YearBlock = {
    sessions,
    open: new Int32Array(n),
    high: new Int32Array(n),
    low: new Int32Array(n),
    close: new Int32Array(n),
    volume: new Float64Array(n),
    intradaySigma,
    previousClose: toCents(startLevel),
  };
  let previous = startLevel;
  for (let i = 0; i < n; i++) {
    const sigma = intradaySigma[i] ?? 0;
    const openLevel = previous + (gap[i] ?? 0);
    let closeLevel = openLevel + (intraday[i] ?? 0) + (totalWeight > 0 ? (miss * sigma ** 2) / totalWeight : 0);
    // The last close is the next year's starting level exactly, so the path is continuous across years.
    if (i === n - 1) closeLevel = endLevel;
    block.open[i] = toCents(openLevel);
    block.close[i] = toCents(closeLevel);
    block.high[i] = toCents(bridgeMaximum(openLevel, closeLevel, sigma ** 2, highU[i] ?? 1));
    block.low[i] = toCents(bridgeMinimum(openLevel, closeLevel, sigma ** 2, lowU[i] ?? 1));
    block.volume[i] = Math.max(
      sessions.minutes[i] ?? 1,
      Math.round(parameters.averageVolume * (volumeFactor[i] ?? 1)),
    );
    previous = closeLevel;
  }
  return block;
}

/** Two distinct minute indexes in [1, n − 1], more likely near the open and the close (arcsine law). */
function extremeTimes(rng: Rng, n: number): [number, number] {
  const draw = (): number => Math.min(n - 1, 1 + Math.floor((n - 1) * Math.sin((Math.PI / 2) * rng.next()) ** 2));
  const first = draw();
  let second = draw();
  if (second === first) second = first + 1 <= n - 1 ? first + 1 : first - 1;
  return first < second ? [first, second] : [second, first];
}

function simulateSession(model: SymbolModel, block: YearBlock, index: number): SessionMinutes {
  const m = SIMULATION_MODEL.intraday;
  const sessions = block.sessions;
  const n = sessions.minutes[index] ?? SIMULATION_MODEL.fullSessionMinutes;
  const rng = rngFor([SALT_MINUTE, ...model.key, sessions.dayNumbers[index] ?? 0]);
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

function dailyBarAt(block: YearBlock, index: number): SimulatedBar {
  return {
    timestamp: new Date((block.sessions.dayNumbers[index] ?? 0) * DAY_MS),
    open: (block.open[index] ?? 0) / 100,
    high: (block.high[index] ?? 0) / 100,
    low: (block.low[index] ?? 0) / 100,
    close: (block.close[index] ?? 0) / 100,
    volume: block.volume[index] ?? 0,
  };
}

function minuteBarsOf(minutes: SessionMinutes): SimulatedBar[] {
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

/** A simulator for one seed, with its own bounded caches. */
export function createMarketSimulator(seed: number, options: MarketSimulatorOptions = {}): MarketSimulator {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Invalid seed ${seed}: expected a safe integer`);
  const symbolModels = new LruCache<string, SymbolModel>(10_000);
  const yearBlocks = new LruCache<string, YearBlock>(options.yearCacheSize ?? 4_000);
  const sessionMinutes = new LruCache<string, SessionMinutes>(options.sessionCacheSize ?? 2_000);

  const modelOf = (symbol: string): SymbolModel => {
    let model = symbolModels.get(symbol);
    if (!model) {
      model = buildSymbolModel(seed, symbol);
      symbolModels.set(symbol, model);
    }
    return model;
  };

  const blockOf = (symbol: string, year: number): YearBlock => {
    const cacheKey = `${year}:${symbol}`;
    let block = yearBlocks.get(cacheKey);
    if (!block) {
      block = simulateYear(modelOf(symbol), year);
      yearBlocks.set(cacheKey, block);
    }
    return block;
  };

  /** The year block and index of a session, or null when the date is not a simulated trading day. */
  const locate = (symbol: string, date: string): { block: YearBlock; index: number } | null => {
    assertIsoDate(date, 'date');
    const year = yearOf(date);
    if (!isSimulatedYear(year)) return null;
    const index = yearSessions(year).indexByDate.get(date);
    return index === undefined ? null : { block: blockOf(symbol, year), index };
  };

  const minutesOf = (symbol: string, block: YearBlock, index: number): SessionMinutes => {
    const cacheKey = `${block.sessions.dates[index] ?? ''}:${symbol}`;
    let minutes = sessionMinutes.get(cacheKey);
    if (!minutes) {
      minutes = simulateSession(modelOf(symbol), block, index);
      sessionMinutes.set(cacheKey, minutes);
    }
    return minutes;
  };

  /** Calls `visit` for each session from `from` to `to`, clamped to the simulated years. */
  const eachSession = (
    symbol: string,
    from: string,
    to: string,
    visit: (block: YearBlock, index: number) => void,
  ): void => {
    assertIsoDate(from, 'start date');
    assertIsoDate(to, 'end date');
    const firstYear = Math.max(yearOf(from), SIMULATION_MODEL.firstYear);
    const lastYear = Math.min(yearOf(to), SIMULATION_MODEL.lastYear);
    for (let year = firstYear; year <= lastYear; year++) {
      const block = blockOf(symbol, year);
      const dates = block.sessions.dates;
      for (let i = 0; i < dates.length; i++) {
        const date = dates[i] ?? '';
        if (date >= from && date <= to) visit(block, i);
      }
    }
  };

  return {
    seed,
    parameters: (symbol) => ({ ...modelOf(symbol).parameters }),
    dailyBars(symbol, from, to) {
      const bars: SimulatedBar[] = [];
      eachSession(symbol, from, to, (block, index) => bars.push(dailyBarAt(block, index)));
      return bars;
    },
    dailyBar(symbol, date) {
      const found = locate(symbol, date);
      return found ? dailyBarAt(found.block, found.index) : null;
    },
    previousClose(symbol, date) {
      const found = locate(symbol, date);
      if (!found) return null;
      const { block, index } = found;
      return (index > 0 ? (block.close[index - 1] ?? 0) : block.previousClose) / 100;
    },
    minuteBars(symbol, date) {
      const found = locate(symbol, date);
      return found ? minuteBarsOf(minutesOf(symbol, found.block, found.index)) : [];
    },
    minuteBarsBetween(symbol, from, to) {
      const bars: SimulatedBar[] = [];
      eachSession(symbol, from, to, (block, index) => {
        for (const bar of minuteBarsOf(minutesOf(symbol, block, index))) bars.push(bar);
      });
      return bars;
    },
    sessionSoFar(symbol, date, throughMinute) {
      const found = locate(symbol, date);
      if (!found) return null;
      const minutes = minutesOf(symbol, found.block, found.index);
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
    },
  };
}

// One shared simulator per recently used seed, for the stand-alone functions below.
const sharedSimulators = new LruCache<number, MarketSimulator>(8);

function sharedSimulator(seed: number): MarketSimulator {
  let simulator = sharedSimulators.get(seed);
  if (!simulator) {
    simulator = createMarketSimulator(seed);
    sharedSimulators.set(seed, simulator);
  }
  return simulator;
}

/** Daily bars of `symbol` under `seed` for every NYSE session from `from` to `to` inclusive. */
export function simulateDailyBars(symbol: string, seed: number, from: string, to: string): SimulatedBar[] {
  return sharedSimulator(seed).dailyBars(symbol, from, to);
}

/** One-minute bars of `symbol` under `seed` for the regular session on `date` (empty on closed days). */
export function simulateMinuteBars(symbol: string, seed: number, date: string): SimulatedBar[] {
  return sharedSimulator(seed).minuteBars(symbol, date);
}
