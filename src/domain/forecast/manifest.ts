// The manifest saved beside a model's weights: what it reads, what it was trained on, how well it
// did after its training window. A model is only served when it reads what this code computes.
import type { BacktestRow } from './backtest.ts';
import { FEATURE_NAMES, FEATURE_WARM_UP, FORECAST_WINDOW, HORIZONS, QUANTILES } from './spec.ts';

export const MANIFEST_FORMAT = 1;

/** One model's backtest scores at one horizon (a BacktestRow without its labels). */
export type HorizonScores = Omit<BacktestRow, 'model' | 'horizon'>;

export interface ForecastManifest {
  format: typeof MANIFEST_FORMAT;
  name: string;
  /** Creation date and a hash of the weights: changes with every retraining. */
  version: string;
  createdAt: string;
  tfjsVersion: string;
  features: string[];
  window: number;
  warmUp: number;
  horizons: number[];
  quantiles: number[];
  network: { units: number; seed: number };
  training: {
    symbols: string[];
    /** First and last session of the training window (validation included). */
    from: string;
    to: string;
    /** Validation origins start here: the last part of the window, in time order. */
    validationFrom: string;
    windows: number;
    validationWindows: number;
    stride: number;
    epochs: number;
    bestEpoch: number;
    trainLoss: number;
    validationLoss: number;
    seconds: number;
  };
  /** Walk-forward backtest on dates after the training window. */
  backtest: {
    from: string;
    to: string;
    symbols: string[];
    step: number;
    /** Per horizon ("7", "30", "90"): the LSTM's scores, each baseline's, and the residual percentiles intervals come from. */
    horizons: Record<string, {
      models: Record<string, HorizonScores>;
      /** 1 %…99 % percentiles of the LSTM's standardised residuals (see calibration.ts). */
      residualPercentiles: number[];
    }>;
  };
}

/** What this code computes; a manifest must say the same. */
export const CODE_SPEC = {
  features: [...FEATURE_NAMES] as string[],
  window: FORECAST_WINDOW,
  warmUp: FEATURE_WARM_UP,
  horizons: [...HORIZONS] as number[],
  quantiles: [...QUANTILES] as number[],
};

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Why a model with this manifest cannot be served by this code, or null when it can. `where`
 * names the model in the message (its directory).
 */
export function manifestMismatch(manifest: ForecastManifest, where: string): string | null {
  if (manifest.format !== MANIFEST_FORMAT) return `The forecast model at ${where} has manifest format ${String(manifest.format)}; this version of StockMind reads format ${MANIFEST_FORMAT}. Retrain it with \`stockmind train\`.`;
  const problems: string[] = [];
  if (!sameList(manifest.features ?? [], CODE_SPEC.features)) {
    problems.push(`it reads features [${(manifest.features ?? []).join(', ')}], this version computes [${CODE_SPEC.features.join(', ')}]`);
  }
  if (manifest.window !== CODE_SPEC.window) problems.push(`its window is ${manifest.window} days, this version's is ${CODE_SPEC.window}`);
  if (manifest.warmUp !== CODE_SPEC.warmUp) problems.push(`its warm-up is ${manifest.warmUp} days, this version's is ${CODE_SPEC.warmUp}`);
  if (!sameList(manifest.horizons ?? [], CODE_SPEC.horizons)) problems.push(`it forecasts horizons [${(manifest.horizons ?? []).join(', ')}], this version [${CODE_SPEC.horizons.join(', ')}]`);
  if (!sameList(manifest.quantiles ?? [], CODE_SPEC.quantiles)) problems.push(`it predicts quantiles [${(manifest.quantiles ?? []).join(', ')}], this version reads [${CODE_SPEC.quantiles.join(', ')}]`);
  for (const h of CODE_SPEC.horizons) {
    if ((manifest.backtest?.horizons?.[String(h)]?.residualPercentiles?.length ?? 0) !== 99) problems.push(`it has no backtest residuals for the ${h}-day horizon`);
  }
  if (problems.length === 0) return null;
  return `The forecast model at ${where} cannot be used: ${problems.join('; ')}. Retrain it with \`stockmind train\` (or delete that directory to use the shipped model).`;
}
