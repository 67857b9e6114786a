// `stockmind train` and `stockmind backtest`: plain functions that main.ts wires to commander.
// Bars come from CSV files (`--csv`, any format `stockmind import` reads) or from a loader the
// caller passes in (the database, for `--symbols --period`).
import { addDays, isoDate } from '../domain/time.ts';
import { prepareSeries, summarise, walkForward } from '../domain/forecast/backtest.ts';
import type { BacktestPoint, BacktestRow } from '../domain/forecast/backtest.ts';
import type { ForecastManifest } from '../domain/forecast/manifest.ts';
import { HORIZONS, MIN_FORECAST_BARS } from '../domain/forecast/spec.ts';
import { readCsvSeries } from '../services/forecast/series.ts';
import { findForecastModel, loadForecastModel, saveForecastModel } from '../services/forecast/store.ts';
import { backtestModels, trainForecastModel } from '../services/forecast/train.ts';
import type { SeriesBars } from '../services/forecast/train.ts';
import { progress } from './progress.ts';
import type { Progress } from './progress.ts';

/** Bars for symbols over a period ('5y', …) from wherever the caller keeps them (the database). */
export type SeriesLoader = (request: { symbols?: readonly string[]; period?: string }) => Promise<SeriesBars[]>;

interface SeriesSource {
  /** A CSV file or a directory of them. */
  csv?: string;
  /** Used when `csv` is absent. */
  loader?: SeriesLoader;
  symbols?: readonly string[];
  period?: string;
  /** First and last session read (CSV). */
  from?: string;
  to?: string;
}

async function loadSeries(source: SeriesSource): Promise<SeriesBars[]> {
  let series: SeriesBars[];
  if (source.csv !== undefined) {
    series = await readCsvSeries(source.csv, { symbols: source.symbols, from: source.from, to: source.to });
  } else if (source.loader !== undefined) {
    series = await source.loader({ symbols: source.symbols, period: source.period });
  } else {
    throw new Error('Give --csv <file|dir>, or symbols to load from the database');
  }
  const missing = (source.symbols ?? []).filter((symbol) => !series.some((s) => s.symbol === symbol.toUpperCase()));
  if (missing.length > 0) process.stderr.write(`no daily bars for ${missing.join(', ')}: skipped\n`);
  if (series.length === 0) throw new Error('No daily bars to work with');
  return series;
}

export interface TrainForecastOptions extends SeriesSource {
  /** Model directory written (the caller passes <data dir>/models/forecast by default). */
  out: string;
  seed: number;
  /** Most epochs; early stopping usually ends sooner. */
  epochs?: number;
  /** Last session of the training window (default: a year before the last bar, which is kept for the backtest). */
  trainThrough?: string;
  units?: number;
  stride?: number;
  /** Where the summary goes (progress goes to stderr). */
  output?: NodeJS.WritableStream;
}

/** Trains, backtests and saves a model; prints what it did and the backtest table. */
export async function trainForecast(options: TrainForecastOptions): Promise<ForecastManifest> {
  const output = options.output ?? process.stdout;
  const series = await loadSeries(options);
  const lastDate = series.map((s) => isoDate(s.bars[s.bars.length - 1]!.timestamp)).sort().at(-1)!;
  const trainThrough = options.trainThrough ?? addDays(lastDate, -365);
  let bar: Progress | null = null;
  let backtestBar: Progress | null = null;
  const model = await trainForecastModel(series, {
    seed: options.seed,
    trainThrough,
    from: options.from,
    epochs: options.epochs,
    units: options.units,
    stride: options.stride,
    onEvent(event) {
      switch (event.kind) {
        case 'data':
          output.write(`training on ${event.symbols} symbols: ${event.windows} windows, ${event.validationWindows} for validation\n`);
          bar = progress('train', event.epochs * event.batchesPerEpoch, 'batches');
          break;
        case 'batch':
          bar?.increment(1);
          break;
        case 'epoch':
          if (!process.stderr.isTTY) process.stderr.write(`epoch ${event.epoch}: loss ${event.trainLoss.toFixed(4)}, validation ${event.validationLoss.toFixed(4)}${event.improved ? ' (best)' : ''}\n`);
          break;
        case 'backtest':
          if (backtestBar === null) {
            bar?.stop();
            backtestBar = progress('backtest', event.total, 'symbols');
          }
          backtestBar.update(event.done);
          break;
      }
    },
  });
  (backtestBar as Progress | null)?.stop();
  await saveForecastModel(options.out, model);
  const { training, backtest } = model.manifest;
  output.write(`trained ${training.epochs} epochs in ${training.seconds} s (best: epoch ${training.bestEpoch}, validation loss ${training.validationLoss.toFixed(4)}) on ${training.from}…${training.to}\n`);
  output.write(`saved ${model.manifest.name} ${model.manifest.version} to ${options.out}\n\n`);
  output.write(`walk-forward backtest, origins ${backtest.from}…${backtest.to} (after the training window), ${backtest.symbols.length} symbols:\n\n`);
  const rows: BacktestRow[] = Object.entries(backtest.horizons).flatMap(([horizon, { models }]) =>
    Object.entries(models).map(([name, scores]) => ({ model: name, horizon: Number(horizon), ...scores })));
  output.write(`${formatBacktestTable(rows)}\n`);
  const manifest = model.manifest;
  model.dispose();
  return manifest;
}

export interface BacktestForecastOptions extends SeriesSource {
  /** Directory of the user's data: its model is used before the shipped one. */
  dataDir?: string | null;
  /** A model directory to test instead. */
  modelDir?: string;
  horizons?: readonly number[];
  /** Every step-th trading day is an origin (default 1). */
  step?: number;
  output?: NodeJS.WritableStream;
}

/** Walk-forward backtest of the served model and the baselines on dates after the model's training window. */
export async function backtestForecast(options: BacktestForecastOptions): Promise<{ rows: BacktestRow[]; points: BacktestPoint[]; model: ForecastManifest }> {
  const output = options.output ?? process.stdout;
  const found = options.modelDir !== undefined ? { dir: options.modelDir, source: 'user' as const } : await findForecastModel(options.dataDir ?? null);
  const model = await loadForecastModel(found.dir, found.source);
  try {
    const horizons = options.horizons ?? HORIZONS;
    const unknown = horizons.filter((h) => !model.horizons.includes(h));
    if (unknown.length > 0) throw new Error(`The model forecasts ${model.horizons.join(', ')} days ahead, not ${unknown.join(', ')}`);
    const series = (await loadSeries(options)).map(({ symbol, bars }) => prepareSeries(symbol, bars));
    const after = model.manifest.training.to;
    const bar = progress('backtest', series.length, 'symbols');
    const points: BacktestPoint[] = [];
    for (const one of series) {
      points.push(...(await walkForward([one], backtestModels(model), { horizons, after, minHistory: MIN_FORECAST_BARS, step: options.step })));
      bar.increment(1);
    }
    bar.stop();
    if (points.length === 0) throw new Error(`No bars after ${after} (the end of the model's training window) to backtest on`);
    const rows = summarise(points);
    const dates = points.map((p) => p.date).sort();
    output.write(`${model.manifest.name} ${model.manifest.version} (${found.source}, trained through ${after}); origins ${dates[0]}…${dates.at(-1)}, ${new Set(points.map((p) => p.symbol)).size} symbols\n\n`);
    output.write(`${formatBacktestTable(rows)}\n`);
    return { rows, points, model: model.manifest };
  } finally {
    model.dispose();
  }
}

const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '—');
const fixed = (digits: number) => (value: number) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** The backtest table in markdown, horizons together, the random walk first. */
export function formatBacktestTable(rows: readonly BacktestRow[]): string {
  const order = ['randomWalk', 'drift', 'holt', 'lstm'];
  const rank = (model: string) => (order.includes(model) ? order.indexOf(model) : order.length);
  const sorted = [...rows].sort((a, b) => a.horizon - b.horizon || rank(a.model) - rank(b.model) || a.model.localeCompare(b.model));
  const lines = [
    '| horizon | model | forecasts | MAE | MAPE | MASE | directional accuracy | 80 % coverage | up share |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...sorted.map((r) => `| ${r.horizon} d | ${r.model} | ${r.forecasts} | ${fixed(2)(r.mae)} | ${fixed(2)(r.mape)} % | ${fixed(3)(r.mase)} | ${percent(r.directionalAccuracy)} | ${percent(r.coverage80)} | ${percent(r.upShare)} |`),
  ];
  return lines.join('\n');
}
