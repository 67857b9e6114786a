// Which model answers each horizon, and its forecast. At every horizon the model with the lowest
// backtest MASE serves (the LSTM only where it beat the baselines; ties go to the simpler model);
// the LSTM is left out for a series too short for its window or whose bars it cannot read, drift
// and Holt for one too short to fit a trend on, and the best remaining baseline serves instead.
// Every horizon says which model served and how it did.
import { BASELINES, type BaselineName } from '../../domain/forecast/baselines.ts';
import { BASELINE_FIT_BARS, prepareSeries } from '../../domain/forecast/backtest.ts';
import { InsufficientHistory } from '../../domain/forecast/errors.ts';
import type { HorizonForecast, ModelSource, PriceForecast } from '../../domain/forecast/prediction.ts';
import { HORIZONS, MIN_FORECAST_BARS } from '../../domain/forecast/spec.ts';
import { InvalidInput } from '../../domain/errors.ts';
import type { Bar } from '../../domain/market/bar.ts';
import type { SymbolBars } from '../forecast/index.ts';
import type { LoadedModel } from './served-model.ts';
import type { Scores, TrackRecords } from './track-record.ts';

/** Fewest daily bars any forecast is made from: below this, no forecast at all. */
export const MIN_PREDICTION_BARS = 30;

/**
 * Fewest bars drift and Holt are fitted on. Their backtest records come from 500-bar fits; a trend
 * read off a few weeks and carried 90 days ahead is not what was measured, so a shorter series
 * gets the random walk.
 */
export const MIN_TREND_FIT_BARS = 250;

export const LSTM = 'lstm';
/** Simplest first: on a tie the simpler model serves. */
const MODEL_ORDER = ['randomWalk', 'drift', 'holt', LSTM];
const BASELINE_NAMES = Object.keys(BASELINES) as BaselineName[];

export interface ServedHorizon extends HorizonForecast {
  /** lstm, randomWalk, drift or holt. */
  model: string;
  record: Scores | null;
}

export interface ServedForecast {
  symbol: string;
  asOf: string;
  lastClose: number;
  horizons: Record<number, ServedHorizon>;
  model: { name: string; version: string; source: ModelSource; trainedThrough: string };
  /** Why the LSTM could not serve this series at all, when it could not. */
  lstmUnavailable: string | null;
}

/** The model with the lowest MASE at a horizon among `candidates` (null when the record has none of them). */
export function bestModel(records: TrackRecords, horizon: number, candidates: readonly string[]): string | null {
  const scores = records.horizons[String(horizon)] ?? {};
  let best: string | null = null;
  for (const name of MODEL_ORDER) {
    if (!candidates.includes(name)) continue;
    const mase = scores[name]?.mase;
    if (mase === undefined || !Number.isFinite(mase)) continue;
    if (best === null || mase < scores[best]!.mase) best = name;
  }
  return best;
}

/** A baseline's forecast at one horizon, fitted on the series' last 500 closes. */
function baselineHorizon(name: BaselineName, logClose: Float64Array, lastClose: number, horizon: number, record: Scores | null): HorizonForecast {
  const fit = logClose.subarray(Math.max(0, logClose.length - BASELINE_FIT_BARS));
  const [forecast] = BASELINES[name](fit, [horizon]);
  const { point, low, high } = forecast!;
  const target = lastClose * Math.exp(point);
  // A baseline has no residual distribution saved: its confidence in a direction is how often its
  // direction was right in the backtest at this horizon (a forecast of no change has none).
  const accuracy = record?.directionalAccuracy;
  const confidence = point === 0 || accuracy === undefined || !Number.isFinite(accuracy) ? 0.5 : accuracy;
  return {
    days: horizon, target, change: target - lastClose, changePercent: (Math.exp(point) - 1) * 100,
    low: lastClose * Math.exp(low), high: lastClose * Math.exp(high), confidence,
  };
}

/** The LSTM's forecasts, isolating a series it cannot read (a run of zero volumes, say) from the others. */
function lstmForecasts(model: LoadedModel, items: readonly SymbolBars[]): Map<string, PriceForecast | Error> {
  try {
    return model.forecaster.forecastMany(items);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    if (items.length === 1) return new Map([[items[0]!.symbol, error]]);
    const results = new Map<string, PriceForecast | Error>();
    for (const item of items) for (const [symbol, result] of lstmForecasts(model, [item])) results.set(symbol, result);
    return results;
  }
}

/**
 * Forecasts of many series (valid daily bars, oldest first) in one forward pass: per symbol, a
 * forecast whose every horizon names its model, or InsufficientHistory below MIN_PREDICTION_BARS.
 */
export function serveForecasts(model: LoadedModel, items: readonly SymbolBars[]): Map<string, ServedForecast | InsufficientHistory> {
  const results = new Map<string, ServedForecast | InsufficientHistory>();
  const usable = items.filter(({ symbol, bars }) => {
    if (bars.length >= MIN_PREDICTION_BARS) return true;
    results.set(symbol, new InsufficientHistory(MIN_PREDICTION_BARS, bars.length, symbol || undefined));
    return false;
  });
  const lstm = lstmForecasts(model, usable.filter(({ bars }) => bars.length >= MIN_FORECAST_BARS));
  for (const { symbol, bars } of usable) {
    const network = lstm.get(symbol);
    const lstmForecast = network !== undefined && !(network instanceof Error) ? network : null;
    const shortFit = bars.length < MIN_TREND_FIT_BARS ? ` (drift and Holt need ${MIN_TREND_FIT_BARS})` : '';
    const lstmUnavailable = lstmForecast !== null ? null
      : network instanceof Error ? `the LSTM cannot read these bars (${network.message})${shortFit}`
        : `the LSTM needs at least ${MIN_FORECAST_BARS} daily bars, got ${bars.length}${shortFit}`;
    results.set(symbol, serveOne(model, symbol, bars, lstmForecast, lstmUnavailable));
  }
  return results;
}

function serveOne(model: LoadedModel, symbol: string, bars: readonly Bar[], lstm: PriceForecast | null, lstmUnavailable: string | null): ServedForecast {
  const { forecaster, records } = model;
  const series = prepareSeries(symbol, bars);
  const lastClose = bars[bars.length - 1]!.close;
  const baselines = bars.length >= MIN_TREND_FIT_BARS ? BASELINE_NAMES : ['randomWalk'];
  const candidates = lstm === null ? baselines : [...baselines, LSTM];
  const horizons: Record<number, ServedHorizon> = {};
  for (const h of HORIZONS) {
    const name = bestModel(records, h, candidates) ?? (lstm !== null ? LSTM : 'randomWalk');
    const record = records.horizons[String(h)]?.[name] ?? null;
    const forecast = name === LSTM ? lstm!.horizons[h]! : baselineHorizon(name as BaselineName, series.logClose, lastClose, h, record);
    horizons[h] = { ...forecast, model: name, record };
  }
  const { manifest } = forecaster;
  return {
    symbol,
    asOf: series.prices.dates[bars.length - 1]!,
    lastClose,
    horizons,
    model: { name: manifest.name, version: manifest.version, source: forecaster.source, trainedThrough: manifest.training.to },
    lstmUnavailable,
  };
}
