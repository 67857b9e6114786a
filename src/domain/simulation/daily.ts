// The daily model: per symbol, year-end price levels (trend plus a mean-reverting deviation), and per year,
// daily bars under a calm/turbulent volatility regime with overnight gaps, news moves and volume.
//
// - Year level: the log close at each year end follows the symbol's trend (drift) plus a mean-reverting
//   AR(1) deviation, a closed form over at most 110 years, so no request chains from an anchor day by day.
//   A symbol with a reference has its trend through the reference price, and the deviation conditioned to
//   zero at the reference year, so its last close before that year is the reference price.
// - Days: geometric Brownian motion with a two-state calm/turbulent volatility regime, an overnight gap,
//   occasional news moves (>5%), and a bridge correction so the year's daily returns end on the next year level.
// - High/low: the exact distribution of a Brownian bridge's extremes between the session's open and close.
// Every day's randomness comes from hash(symbol, seed, date), and a day depends only on its own calendar year,
// so a bar is the same whatever range it is requested in.

import { sessionsBetween } from '../calendar/index.ts';
import { DAY_MS, MINUTE_MS, parseIsoDate } from '../time.ts';
import { bridgeMaximum, bridgeMinimum, reflectInto, toCents } from './brownian.ts';
import { SIMULATION_MODEL, type SimulatedBar, type SymbolParameters, type SymbolReference } from './model.ts';
import { hashString, rngFor, STREAM } from './random.ts';

/** A year's NYSE sessions as parallel arrays, shared by every symbol and simulator. */
export interface YearSessions {
  dates: string[];
  /** Days since 1970-01-01 of each session date (its daily bar's timestamp / DAY_MS). */
  dayNumbers: number[];
  openMs: number[];
  minutes: number[];
  indexByDate: Map<string, number>;
}

// At most 110 entries (one per simulated year), so a plain Map is bound enough.
const yearSessionsCache = new Map<number, YearSessions>();

export function yearSessions(year: number): YearSessions {
  let sessions = yearSessionsCache.get(year);
  if (!sessions) {
    const list = sessionsBetween(`${year}-01-01`, `${year}-12-31`);
    sessions = {
      dates: list.map((s) => s.date),
      dayNumbers: list.map((s) => parseIsoDate(s.date) / DAY_MS),
      openMs: list.map((s) => s.open.getTime()),
      minutes: list.map((s) => (s.close.getTime() - s.open.getTime()) / MINUTE_MS),
      indexByDate: new Map(list.map((s, i) => [s.date, i])),
    };
    yearSessionsCache.set(year, sessions);
  }
  return sessions;
}

export interface SymbolModel {
  parameters: SymbolParameters;
  /** Words identifying (seed, symbol) in every hash. */
  key: readonly [number, number, number];
  /** Log price (of cents) of the last close before each year, index year − firstYear; one entry past lastYear. */
  yearLevels: Float64Array;
}

/** One simulated calendar year of daily bars, prices in integer cents. */
export interface YearBlock {
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

function lerp(range: { min: number; max: number }, u: number): number {
  return range.min + (range.max - range.min) * u;
}

function logLerp(range: { min: number; max: number }, u: number): number {
  return Math.exp(Math.log(range.min) + (Math.log(range.max) - Math.log(range.min)) * u);
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

/**
 * A symbol's parameters and year levels under a seed. With a reference, the same draws decide volatility
 * (in the large-cap band), drift and turnover, while price level, shares outstanding (and so average volume)
 * come from the reference.
 */
export function buildSymbolModel(seed: number, symbol: string, reference?: SymbolReference): SymbolModel {
  const key = [seed >>> 0, Math.floor(seed / 4_294_967_296) >>> 0, hashString(symbol)] as const;
  const m = SIMULATION_MODEL;
  const rng = rngFor([STREAM.symbol, ...key]);
  // Draw order is part of the model: volume, volatility, drift, price, turnover.
  const averageVolume = logLerp(m.averageVolume, rng.next());
  const annualVolatility = lerp(reference ? m.referencedVolatility : m.volatility, rng.next() ** 2);
  const annualDrift = lerp(m.drift, rng.next());
  const basePrice = logLerp(m.basePrice, rng.next());
  const sharesPerDailyVolume = lerp(m.sharesPerDailyVolume, rng.next());
  const parameters: SymbolParameters = reference
    ? {
        annualVolatility,
        annualDrift,
        basePrice: reference.price,
        averageVolume: reference.sharesOutstanding / sharesPerDailyVolume,
        sharesOutstanding: reference.sharesOutstanding,
      }
    : { annualVolatility, annualDrift, basePrice, averageVolume, sharesOutstanding: Math.round(averageVolume * sharesPerDailyVolume) };

  // Year-end deviations from trend: an AR(1), reflected to stay within a plausible band.
  const years = m.lastYear - m.firstYear + 2;
  const deviations = new Float64Array(years);
  const yearSigma = Math.sqrt(parameters.annualVolatility ** 2 + newsVariancePerYear());
  const persistence = 1 - m.meanReversionPerYear;
  const levelRng = rngFor([STREAM.level, ...key]);
  let deviation = (yearSigma / Math.sqrt(1 - persistence ** 2)) * levelRng.normal();
  deviation = reflectInto(deviation, -m.maxLogDeviation, m.maxLogDeviation);
  for (let i = 0; i < years; i++) {
    deviations[i] = deviation;
    deviation = persistence * deviation + yearSigma * levelRng.normal();
    deviation = reflectInto(deviation, -m.maxLogDeviation, m.maxLogDeviation);
  }
  if (reference) {
    // Condition on no deviation at the reference year: remove the anchor's deviation as the AR(1) correlation
    // carries it (persistence^distance), so neighbouring years still wander and distant ones are untouched.
    const anchor = m.trendAnchorYear - m.firstYear;
    const atAnchor = deviations[anchor] ?? 0;
    for (let i = 0; i < years; i++) {
      const conditioned = (deviations[i] ?? 0) - persistence ** Math.abs(i - anchor) * atAnchor;
      deviations[i] = reflectInto(conditioned, -m.maxLogDeviation, m.maxLogDeviation);
    }
  }
  const yearLevels = new Float64Array(years);
  for (let i = 0; i < years; i++) yearLevels[i] = trendLevel(parameters, m.firstYear + i) + (deviations[i] ?? 0);
  return { parameters, key, yearLevels };
}

/** The daily bars of one calendar year, bridged from this year's level to the next. */
export function simulateYear(model: SymbolModel, year: number): YearBlock {
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
  let turbulent = rngFor([STREAM.year, ...key, year]).next() < stationaryTurbulent;
  let totalReturn = 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const rng = rngFor([STREAM.day, ...key, sessions.dayNumbers[i] ?? 0]);
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

/** A session of a year block as a bar, prices back in dollars. */
export function dailyBarAt(block: YearBlock, index: number): SimulatedBar {
  return {
    timestamp: new Date((block.sessions.dayNumbers[index] ?? 0) * DAY_MS),
    open: (block.open[index] ?? 0) / 100,
    high: (block.high[index] ?? 0) / 100,
    low: (block.low[index] ?? 0) / 100,
    close: (block.close[index] ?? 0) / 100,
    volume: block.volume[index] ?? 0,
  };
}
