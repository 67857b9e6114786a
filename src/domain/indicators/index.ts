// Technical indicators, exact to TA-Lib: a batch form (whole series in Float64Arrays, out in
// Float64Arrays of the same length, NaN during warm-up) and a streaming form (update() appends a
// bar, replace() revises the open one) of each, both running one kernel (kernel.ts); and the seed's
// set for many symbols (indicator-set.ts). Lookbacks are TA-Lib's (xxxLookback). Value streams
// (SMA, EMA, RSI, MACD, Bollinger) take a number, bar streams the bar's high, low, close, volume.
// A batch call with several outputs returns views of one ArrayBuffer.
export { adx, adxLookback, AdxStream } from './adx.ts';
export { atr, atrLookback, AtrStream } from './atr.ts';
export { bollinger, bollingerLookback, BollingerStream, type BollingerValues } from './bollinger.ts';
export { cci, cciLookback, CciStream } from './cci.ts';
export { ema, emaLookback, EmaStream } from './ema.ts';
export {
  computeIndicatorSet, INDICATOR_LOOKBACK, INDICATOR_NAMES, IndicatorSetStream, IndicatorWorkspace,
  type IndicatorBars, type IndicatorName, type IndicatorSet,
} from './indicator-set.ts';
export type { BarStream, PriceBar, ValueStream } from './kernel.ts';
export { macd, macdLookback, MacdStream, type MacdValues } from './macd.ts';
export { mfi, mfiLookback, MfiStream } from './mfi.ts';
export { obv, obvLookback, ObvStream } from './obv.ts';
export { rsi, rsiLookback, RsiStream } from './rsi.ts';
export { sma, smaLookback, SmaStream } from './sma.ts';
export { stochastic, stochasticLookback, StochasticStream, type StochasticValues } from './stochastic.ts';
export { sessionStarts, vwap, VwapStream } from './vwap.ts';
export { williamsR, williamsRLookback, WilliamsRStream } from './williams-r.ts';
