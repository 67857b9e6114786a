// A loaded LSTM forecast model: forecasts from bars (what the predictions job and the routes
// call) and batched return forecasts (what the backtest calls).
import type { LayersModel } from '@tensorflow/tfjs';
import type { Bar } from '../../domain/market/bar.ts';
import { barProblem } from '../../domain/market/bar.ts';
import { invalid } from '../../domain/errors.ts';
import type { ReturnForecast } from '../../domain/forecast/baselines.ts';
import { prepareSeries } from '../../domain/forecast/backtest.ts';
import type { PreparedSeries, SeriesForecaster } from '../../domain/forecast/backtest.ts';
import { calibratedInterval, directionConfidence } from '../../domain/forecast/calibration.ts';
import { InsufficientHistory } from '../../domain/forecast/errors.ts';
import type { ForecastManifest } from '../../domain/forecast/manifest.ts';
import type { HorizonForecast, HorizonTrackRecord, ModelSource, PriceForecast } from '../../domain/forecast/prediction.ts';
import { denormaliseTarget, normaliseInputs } from '../../domain/forecast/normalise.ts';
import type { Normaliser } from '../../domain/forecast/normalise.ts';
import { MIN_FORECAST_BARS } from '../../domain/forecast/spec.ts';
import { concatWindows, makeWindows, returnScale } from '../../domain/forecast/windows.ts';
import type { WindowSet } from '../../domain/forecast/windows.ts';
import { predictQuantiles } from './model.ts';
import type { Tf } from './tf.ts';

export interface SymbolBars {
  symbol: string;
  bars: readonly Bar[];
}

export class LstmForecaster {
  constructor(
    private readonly tf: Tf,
    readonly network: LayersModel,
    readonly normaliser: Normaliser,
    readonly manifest: ForecastManifest,
    readonly source: ModelSource,
  ) {}

  get horizons(): readonly number[] {
    return this.manifest.horizons;
  }

  /** The model's own quantile forecasts (10 %, 50 %, 90 %) at each origin, as log returns. */
  returnForecasts(series: PreparedSeries, origins: readonly number[]): ReturnForecast[][] {
    const windows = makeWindows(series.features, series.prices.close, origins, this.manifest.window, this.horizons);
    return this.quantileReturns(windows, origins.map((t) => ({ series, t })));
  }

  /** The LSTM as a backtest model (native quantile intervals), answering the horizons asked for. */
  seriesForecaster(): SeriesForecaster {
    return (series, origins, horizons) =>
      this.returnForecasts(series, origins).map((forecasts) => forecasts.filter((f) => horizons.includes(f.horizon)));
  }

  /** Forecast of one symbol's next 7, 30 and 90 trading days from its daily bars (oldest first). */
  forecast(bars: readonly Bar[], symbol: string | null = null): PriceForecast {
    const result = this.forecastMany([{ symbol: symbol ?? '', bars }]).get(symbol ?? '');
    if (result instanceof Error) throw result;
    if (result === undefined) throw new Error('forecast: no result');
    return { ...result, symbol };
  }

  /**
   * Forecasts of many symbols in one forward pass. A symbol with too little history gets its
   * InsufficientHistory error in place of a forecast; bars that cannot be read throw.
   */
  forecastMany(items: readonly SymbolBars[]): Map<string, PriceForecast | InsufficientHistory> {
    const results = new Map<string, PriceForecast | InsufficientHistory>();
    const ready: { symbol: string; series: PreparedSeries; bars: readonly Bar[]; t: number }[] = [];
    for (const { symbol, bars } of items) {
      checkBars(bars, symbol);
      const needed = MIN_FORECAST_BARS;
      if (bars.length < needed) {
        results.set(symbol, new InsufficientHistory(needed, bars.length, symbol || undefined));
        continue;
      }
      const series = prepareSeries(symbol, bars);
      ready.push({ symbol, series, bars, t: bars.length - 1 });
    }
    if (ready.length === 0) return results;
    const sets: WindowSet[] = ready.map(({ series, t }) => makeWindows(series.features, series.prices.close, [t], this.manifest.window, this.horizons));
    const windows = concatWindows(sets, this.manifest.window, this.manifest.features.length, this.horizons);
    for (let i = 0; i < windows.inputs.length; i++) {
      if (!Number.isFinite(windows.inputs[i]!)) {
        const { symbol } = ready[Math.floor(i / (this.manifest.window * this.manifest.features.length))]!;
        throw invalid(`Cannot forecast${symbol ? ` ${symbol}` : ''}: its recent bars give undefined features (zero or missing prices).`, { bars: ['recent bars give undefined features'] });
      }
    }
    const forecasts = this.quantileReturns(windows, ready);
    ready.forEach(({ symbol, series, bars, t }, s) => {
      const lastClose = bars[bars.length - 1]!.close;
      const horizons: Record<number, HorizonForecast> = {};
      const backtest: Record<number, HorizonTrackRecord> = {};
      for (const forecast of forecasts[s]!) {
        const h = forecast.horizon;
        const record = this.manifest.backtest.horizons[String(h)]!;
        const scale = returnScale(series.features.volatility20, t) * Math.sqrt(h);
        const interval = calibratedInterval(forecast.point, scale, record.residualPercentiles);
        const target = lastClose * Math.exp(forecast.point);
        horizons[h] = {
          days: h,
          target,
          change: target - lastClose,
          changePercent: (Math.exp(forecast.point) - 1) * 100,
          low: lastClose * Math.exp(interval.low),
          high: lastClose * Math.exp(interval.high),
          confidence: directionConfidence(forecast.point, scale, record.residualPercentiles),
        };
        const scores = record.models['lstm'];
        backtest[h] = {
          mase: scores?.mase ?? Number.NaN,
          directionalAccuracy: scores?.directionalAccuracy ?? Number.NaN,
          coverage80: scores?.coverage80 ?? Number.NaN,
          upShare: scores?.upShare ?? Number.NaN,
          beatsRandomWalk: scores !== undefined && scores.mase < 1,
        };
      }
      results.set(symbol, {
        symbol,
        asOf: series.prices.dates[t]!,
        lastClose,
        horizons,
        model: { name: this.manifest.name, version: this.manifest.version, trainedThrough: this.manifest.training.to, source: this.source },
        backtest,
      });
    });
    return results;
  }

  /** Quantile forecasts as log returns; `origins[s]` says which series and bar sample s ends at. */
  private quantileReturns(windows: WindowSet, origins: readonly { series: PreparedSeries; t: number }[]): ReturnForecast[][] {
    const { window, features } = this.manifest;
    const horizons = this.horizons;
    const raw = predictQuantiles(this.tf, this.network, normaliseInputs(windows, this.normaliser), windows.count, { window, features: features.length, horizons: horizons.length });
    return origins.map(({ series, t }, s) => {
      const volatility = returnScale(series.features.volatility20, t);
      return horizons.map((h, j) => {
        const scale = volatility * Math.sqrt(h);
        const at = (s * horizons.length + j) * 3;
        const [low, point, high] = [0, 1, 2].map((k) => denormaliseTarget(raw[at + k]!, j, this.normaliser) * scale) as [number, number, number];
        return { horizon: h, point, low, high };
      });
    });
  }

  dispose(): void {
    this.network.dispose();
  }
}

/** Bars must be valid and in time order; a forecast from scrambled or broken bars would be noise. */
function checkBars(bars: readonly Bar[], symbol: string): void {
  const name = symbol ? ` for ${symbol}` : '';
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    const problem = barProblem(bar);
    if (problem !== null) throw invalid(`Bar ${i}${name} cannot be read: ${problem}.`, { bars: [`bar ${i}: ${problem}`] });
    if (i > 0 && bar.timestamp.getTime() <= bars[i - 1]!.timestamp.getTime()) {
      throw invalid(`Bars${name} must be daily bars in time order, oldest first (bar ${i} is not after bar ${i - 1}).`, { bars: [`bar ${i} is not after bar ${i - 1}`] });
    }
  }
}
