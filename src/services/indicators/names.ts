// The indicators as the API names them (camelCase, the seed's short names: `rsi`, `atr`, `adx`),
// the one mapping to the domain's set, the answer's view, and whole series for charts.
import {
  adx, atr, bollinger, cci, ema, macd, mfi, obv, rsi, sessionStarts, sma, stochastic, vwap, williamsR,
  type IndicatorName, type IndicatorSet,
} from '../../domain/indicators/index.ts';
import { invalid } from '../../domain/errors.ts';
import type { BarColumns } from '../../domain/scanner/index.ts';

/** Wire name → the domain set's field. */
export const WIRE_NAMES = {
  rsi: 'rsi14', macd: 'macd', macdSignal: 'macdSignal', macdHistogram: 'macdHistogram',
  sma20: 'sma20', sma50: 'sma50', sma200: 'sma200', ema12: 'ema12', ema26: 'ema26',
  bollingerUpper: 'bollingerUpper', bollingerMiddle: 'bollingerMiddle', bollingerLower: 'bollingerLower',
  atr: 'atr14', obv: 'obv', stochK: 'stochK', stochD: 'stochD', adx: 'adx14', cci: 'cci20', mfi: 'mfi14', williamsR: 'williamsR14',
} as const satisfies Record<string, IndicatorName>;

export type WireName = keyof typeof WIRE_NAMES;
export const INDICATOR_WIRE_NAMES = Object.keys(WIRE_NAMES) as WireName[];

/** Series only: the session-anchored VWAP exists for intraday bars. */
export type SeriesName = WireName | 'vwap';
export const SERIES_NAMES: readonly SeriesName[] = [...INDICATOR_WIRE_NAMES, 'vwap'];

/** The latest indicator set of a symbol as the API answers it (null where the history is too short). */
export type IndicatorView = { symbol: string; asOf: string; close: number } & Record<WireName, number | null>;

export function indicatorView(symbol: string, asOf: string, close: number, values: IndicatorSet): IndicatorView {
  const view = { symbol, asOf, close } as IndicatorView;
  for (const name of INDICATOR_WIRE_NAMES) {
    const value = values[WIRE_NAMES[name]];
    view[name] = Number.isNaN(value) ? null : value;
  }
  return view;
}

/**
 * `rsi,macd` → the names, in the order given, each once; case-insensitive. Unknown names are a
 * 400 listing the valid ones. Empty → every indicator.
 */
export function parseNames(raw: string | undefined, allowed: readonly SeriesName[] = SERIES_NAMES): SeriesName[] {
  const asked = (raw ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (asked.length === 0) return allowed.filter((name) => name !== 'vwap');
  const byLower = new Map(allowed.map((name) => [name.toLowerCase(), name]));
  const unknown = asked.filter((name) => !byLower.has(name.toLowerCase()));
  if (unknown.length > 0) {
    throw invalid(`Unknown indicator${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).map((name) => name.slice(0, 32)).join(', ')}.`, {
      names: [`Use some of: ${allowed.join(', ')}.`],
    });
  }
  return [...new Set(asked.map((name) => byLower.get(name.toLowerCase())!))];
}

/**
 * Whole series of the named indicators over `bars` (oldest first), NaN during warm-up: the domain's
 * batch functions, each indicator family computed once.
 */
export function indicatorSeries(bars: BarColumns, names: readonly SeriesName[]): Record<SeriesName, Float64Array> {
  const { high, low, close, volume } = bars;
  const out = {} as Record<SeriesName, Float64Array>;
  const wanted = new Set(names);
  const any = (...family: SeriesName[]) => family.some((name) => wanted.has(name));
  if (any('macd', 'macdSignal', 'macdHistogram')) {
    const lines = macd(close);
    Object.assign(out, { macd: lines.macd, macdSignal: lines.signal, macdHistogram: lines.histogram });
  }
  if (any('bollingerUpper', 'bollingerMiddle', 'bollingerLower')) {
    const bands = bollinger(close);
    Object.assign(out, { bollingerUpper: bands.upper, bollingerMiddle: bands.middle, bollingerLower: bands.lower });
  }
  if (any('stochK', 'stochD')) {
    const lines = stochastic(high, low, close);
    Object.assign(out, { stochK: lines.k, stochD: lines.d });
  }
  const single: Partial<Record<SeriesName, () => Float64Array>> = {
    rsi: () => rsi(close), sma20: () => sma(close, 20), sma50: () => sma(close, 50), sma200: () => sma(close, 200),
    ema12: () => ema(close, 12), ema26: () => ema(close, 26), atr: () => atr(high, low, close), obv: () => obv(close, volume),
    adx: () => adx(high, low, close), cci: () => cci(high, low, close), mfi: () => mfi(high, low, close, volume),
    williamsR: () => williamsR(high, low, close),
    vwap: () => vwap(high, low, close, volume, sessionStarts(Array.from(bars.time, (time) => new Date(time)))),
  };
  for (const name of wanted) {
    const compute = single[name];
    if (compute) out[name] = compute();
  }
  return out;
}
