// How well each model did at each horizon, as the predictions show it and choose by. A model's
// manifest carries a walk-forward backtest on the symbols it was trained on, at dates after its
// training window; `stockmind backtest --save` adds an evaluation on other symbols (written beside
// the model as evaluation.json), which is the fairer record for a symbol the model never saw, and
// wins when present.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BacktestRow } from '../../domain/forecast/backtest.ts';
import type { ForecastManifest, HorizonScores } from '../../domain/forecast/manifest.ts';
import { Unavailable } from '../../domain/errors.ts';

export const EVALUATION_FILE = 'evaluation.json';
export const EVALUATION_FORMAT = 1;

/** One model's scores at one horizon; NaN (null in JSON) where undefined (the random walk calls no direction). */
export type Scores = Pick<HorizonScores, 'mase' | 'directionalAccuracy' | 'coverage80' | 'upShare'>;

export interface TrackRecords {
  /** manifest: the training symbols after the training window; evaluation: `stockmind backtest --save`. */
  source: 'manifest' | 'evaluation';
  symbols: number;
  /** First and last backtest origin. */
  from: string;
  to: string;
  /** Per horizon ("7", "30", "90"), per model (lstm, randomWalk, drift, holt). */
  horizons: Record<string, Record<string, Scores>>;
}

export interface ForecastEvaluation {
  format: typeof EVALUATION_FORMAT;
  /** The model evaluated: an evaluation of another version is not used. */
  model: { name: string; version: string };
  createdAt: string;
  symbols: string[];
  /** Symbols of the model's own training set among them. */
  trainingSymbols: number;
  from: string;
  to: string;
  step: number;
  horizons: Record<string, Record<string, HorizonScores>>;
}

const scoresOf = (scores: HorizonScores): Scores => ({
  mase: scores.mase ?? Number.NaN,
  directionalAccuracy: scores.directionalAccuracy ?? Number.NaN,
  coverage80: scores.coverage80 ?? Number.NaN,
  upShare: scores.upShare ?? Number.NaN,
});

const mapHorizons = (horizons: Record<string, Record<string, HorizonScores>>) =>
  Object.fromEntries(Object.entries(horizons).map(([h, models]) =>
    [h, Object.fromEntries(Object.entries(models).map(([name, scores]) => [name, scoresOf(scores)]))]));

/** The record a served model is judged by: its evaluation when it has one, else its manifest's backtest. */
export function trackRecords(manifest: ForecastManifest, evaluation: ForecastEvaluation | null): TrackRecords {
  if (evaluation !== null) {
    return { source: 'evaluation', symbols: evaluation.symbols.length, from: evaluation.from, to: evaluation.to, horizons: mapHorizons(evaluation.horizons) };
  }
  const { backtest } = manifest;
  return {
    source: 'manifest', symbols: backtest.symbols.length, from: backtest.from, to: backtest.to,
    horizons: mapHorizons(Object.fromEntries(Object.entries(backtest.horizons).map(([h, { models }]) => [h, models]))),
  };
}

/** A sentence on what the record was measured on. */
export function recordBasis(records: TrackRecords): string {
  const on = records.source === 'evaluation' ? `${records.symbols} symbols evaluated after training (stockmind backtest --save)` : `the model's ${records.symbols} training symbols at dates after its training window`;
  return `walk-forward backtest on ${on}, origins ${records.from}…${records.to}`;
}

/** An evaluation from a backtest's table (`stockmind backtest --save`). */
export function evaluationOf(manifest: ForecastManifest, rows: readonly BacktestRow[], run: { symbols: string[]; from: string; to: string; step: number }): ForecastEvaluation {
  const horizons: ForecastEvaluation['horizons'] = {};
  for (const { model, horizon, ...scores } of rows) (horizons[String(horizon)] ??= {})[model] = scores;
  const training = new Set(manifest.training.symbols);
  return {
    format: EVALUATION_FORMAT,
    model: { name: manifest.name, version: manifest.version },
    createdAt: new Date().toISOString(),
    symbols: run.symbols,
    trainingSymbols: run.symbols.filter((s) => training.has(s)).length,
    from: run.from, to: run.to, step: run.step,
    horizons,
  };
}

export async function saveEvaluation(dir: string, evaluation: ForecastEvaluation): Promise<string> {
  const path = join(dir, EVALUATION_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(evaluation, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return path;
}

/** The model directory's evaluation of this very model, or null (none, or one of an earlier version). */
export async function readEvaluation(dir: string, manifest: ForecastManifest): Promise<ForecastEvaluation | null> {
  let text: string;
  try {
    text = await readFile(join(dir, EVALUATION_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Unavailable(`Cannot read ${join(dir, EVALUATION_FILE)}: ${(error as Error).message}`, null, { cause: error });
  }
  let evaluation: ForecastEvaluation;
  try {
    evaluation = JSON.parse(text) as ForecastEvaluation;
  } catch (error) {
    throw new Unavailable(`${join(dir, EVALUATION_FILE)} is not valid JSON: ${(error as Error).message}; fix or delete it`, null, { cause: error });
  }
  if (evaluation.format !== EVALUATION_FORMAT || evaluation.model?.version !== manifest.version || evaluation.model?.name !== manifest.name) return null;
  return evaluation;
}
