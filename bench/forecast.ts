// How good and how fast the forecasts are, on real daily series of ../shared/data/ohlcv:
// 1. The walk-forward backtest table (model × horizon × metric) of the served LSTM and every
//    baseline, on S&P 500 tickers the model never trained on, at origins after its training window.
//    MASE is the ratio against the random walk run side by side (below 1 beats it).
// 2. Training time: the one recorded in the model's manifest, or a fresh training run with --train
//    (50 symbols × 5 years of the Kaggle daily files, as the shipped model was trained).
// 3. Inference time for 50 symbols × 500 daily bars (what the hourly job does), against the
//    baselines on the same bars.
//   npx tsx bench/forecast.ts [--symbols 50] [--step 5] [--model <dir>] [--train]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BASELINES } from '../src/domain/forecast/baselines.ts';
import { baselineForecaster, prepareSeries, summarise, walkForward } from '../src/domain/forecast/backtest.ts';
import type { BacktestPoint, BacktestRow, SeriesForecaster } from '../src/domain/forecast/backtest.ts';
import { calibratedInterval } from '../src/domain/forecast/calibration.ts';
import { HORIZONS, MIN_FORECAST_BARS } from '../src/domain/forecast/spec.ts';
import { returnScale } from '../src/domain/forecast/windows.ts';
import { formatBacktestTable, trainForecast } from '../src/cli/forecast.ts';
import { readCsvSeries } from '../src/services/forecast/series.ts';
import { loadForecastModel, SHIPPED_MODEL_DIR } from '../src/services/forecast/store.ts';
import type { LstmForecaster } from '../src/services/forecast/forecaster.ts';
import { backtestModels } from '../src/services/forecast/train.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../test/support/shared-data.ts';

const { values } = parseArgs({
  options: {
    symbols: { type: 'string', default: '50' },
    step: { type: 'string', default: '5' },
    model: { type: 'string' },
    train: { type: 'boolean', default: false },
  },
});
const SYMBOLS = Number(values.symbols);
const STEP = Number(values.step);
const SP500 = ['ohlcv', 'sp500_482_daily_2015-01-12_2020-01-10_yahoo.csv'];
const KAGGLE = ['ohlcv', 'daily_huge_stock_market_2000-2017'];
/** The shipped model's training set: the Kaggle files' stocks and equity ETFs (not gold or bonds). */
const TRAINING_SYMBOLS = 'AAPL ADBE AMD AMZN BA BAC C CAT CRM CSCO CVX DIA DIS FB GE GOOGL GS HD IBM INTC IWM JNJ JPM KO MA MCD MMM MRK MS MSFT NFLX NKE NVDA ORCL PEP PFE PG QQQ SPY T TSLA UNH V VZ WFC WMT XLE XLF XLK XOM'.split(' ');

if (!hasSharedData(...SP500) || !hasSharedData(...KAGGLE)) {
  process.stderr.write(`bench/forecast: ${NO_SHARED_DATA}\n`);
  process.exit(1);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const out = (line = '') => process.stdout.write(`${line}\n`);

// --- Training time ---

let trainingLine: string | undefined;
if (values.train) {
  const dir = await mkdtemp(join(tmpdir(), 'stockmind-forecast-bench-'));
  try {
    const started = performance.now();
    const manifest = await trainForecast({
      csv: sharedData(...KAGGLE), symbols: TRAINING_SYMBOLS, from: '2010-01-01', trainThrough: '2014-12-31', out: dir, seed: 42, output: process.stderr,
    });
    trainingLine = `| fresh run (--train) | ${manifest.training.symbols.length} | ${manifest.training.from}…${manifest.training.to} | ${manifest.training.windows} | ${manifest.training.epochs} (best ${manifest.training.bestEpoch}) | ${manifest.training.seconds} s | ${seconds(performance.now() - started)} |`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// --- The model and the test tickers ---

const modelDir = values.model ?? SHIPPED_MODEL_DIR;
const loadStarted = performance.now();
const model: LstmForecaster = await loadForecastModel(modelDir, values.model === undefined ? 'shipped' : 'user');
const loadMs = performance.now() - loadStarted;
const { manifest } = model;
trainingLine ??= `| recorded in the manifest | ${manifest.training.symbols.length} | ${manifest.training.from}…${manifest.training.to} | ${manifest.training.windows} | ${manifest.training.epochs} (best ${manifest.training.bestEpoch}) | ${manifest.training.seconds} s | — |`;

const readStarted = performance.now();
const everything = await readCsvSeries(sharedData(...SP500));
// Tickers the model never saw, with the full five years, spread over the alphabet.
const unseen = everything.filter((s) => !manifest.training.symbols.includes(s.symbol) && s.bars.length >= 1250);
const every = Math.max(1, Math.floor(unseen.length / SYMBOLS));
const chosen = unseen.filter((_, i) => i % every === 0).slice(0, SYMBOLS);
const readMs = performance.now() - readStarted;

// --- Backtest ---

/** The LSTM's point forecasts with the interval it serves: backtest residual percentiles, scaled by current volatility. */
function servedForecaster(lstm: LstmForecaster): SeriesForecaster {
  return (series, origins) => lstm.returnForecasts(series, origins).map((forecasts, i) => forecasts.map((f) => {
    const scale = returnScale(series.features.volatility20, origins[i]!) * Math.sqrt(f.horizon);
    return { ...f, ...calibratedInterval(f.point, scale, manifest.backtest.horizons[String(f.horizon)]!.residualPercentiles) };
  }));
}

const after = manifest.training.to;
const models = { ...backtestModels(model), 'lstm (served interval)': servedForecaster(model) };
const points: BacktestPoint[] = [];
const modelMs: Record<string, number> = {};
const backtestStarted = performance.now();
for (const { symbol, bars } of chosen) {
  const series = prepareSeries(symbol, bars);
  for (const [name, forecaster] of Object.entries(models)) {
    const started = performance.now();
    points.push(...(await walkForward([series], { [name]: forecaster }, { horizons: HORIZONS, after, minHistory: MIN_FORECAST_BARS, step: STEP })));
    modelMs[name] = (modelMs[name] ?? 0) + performance.now() - started;
  }
}
const backtestMs = performance.now() - backtestStarted;
const rows: BacktestRow[] = summarise(points);
const dates = points.map((p) => p.date).sort();

out(`## Forecast backtest: ${manifest.name} ${manifest.version}`);
out();
out(`Trained on ${manifest.training.symbols.length} symbols, ${manifest.training.from}…${manifest.training.to}. Tested on ${chosen.length} other S&P 500 tickers (${chosen.map((s) => s.symbol).join(' ')}),`);
out(`origins ${dates[0]}…${dates.at(-1)} every ${STEP} trading days, ${points.filter((p) => p.model === 'lstm').length} LSTM forecasts. MASE = MAE / the random walk's MAE on the same symbol and horizon.`);
out();
out(formatBacktestTable(rows));
out();
for (const h of HORIZONS) {
  const lstm = rows.find((r) => r.model === 'lstm' && r.horizon === h)!;
  const best = rows.filter((r) => r.horizon === h && r.model !== 'lstm (served interval)').sort((a, b) => a.mase - b.mase)[0]!;
  out(`- ${h} days: the LSTM's MASE is ${lstm.mase.toFixed(3)} (${lstm.mase < 1 ? 'beats' : 'does not beat'} the random walk); best here: ${best.model} (${best.mase.toFixed(3)}). Directional accuracy ${(lstm.directionalAccuracy * 100).toFixed(1)} % against an up share of ${(lstm.upShare * 100).toFixed(1)} %.`);
}
out();
out(`Backtest time: ${seconds(backtestMs)} (${Object.entries(modelMs).map(([name, ms]) => `${name} ${seconds(ms)}`).join(', ')}); reading the CSV ${seconds(readMs)}.`);
out();

out('## Training the model');
out();
out('| run | symbols | window | training windows | epochs | training s (manifest) | wall time |');
out('| --- | ---: | --- | ---: | ---: | ---: | ---: |');
out(trainingLine);
out();

// --- Inference for 50 symbols × 500 bars ---

const jobInput = chosen.slice(0, 50).map(({ symbol, bars }) => ({ symbol, bars: bars.slice(-500) }));
const time = (run: () => void, repeats = 5) => {
  const runs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    run();
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[Math.floor(repeats / 2)]!;
};
const coldStarted = performance.now();
model.forecastMany(jobInput);
const coldMs = performance.now() - coldStarted;
const lstmMs = time(() => model.forecastMany(jobInput));
const baselineMs = (baseline: (typeof BASELINES)[keyof typeof BASELINES]) =>
  time(() => {
    for (const { symbol, bars } of jobInput) baselineForecaster(baseline)(prepareSeries(symbol, bars), [bars.length - 1], HORIZONS);
  });
const driftMs = baselineMs(BASELINES.drift);
const holtMs = baselineMs(BASELINES.holt);

out(`## Inference: ${jobInput.length} symbols × 500 daily bars (median of 5; features included)`);
out();
out('| model | time | per symbol | ratio to Holt |');
out('| --- | ---: | ---: | ---: |');
out(`| LSTM (one batched forward pass) | ${lstmMs.toFixed(1)} ms | ${(lstmMs / jobInput.length).toFixed(2)} ms | ${(lstmMs / holtMs).toFixed(2)} |`);
out(`| drift | ${driftMs.toFixed(1)} ms | ${(driftMs / jobInput.length).toFixed(2)} ms | ${(driftMs / holtMs).toFixed(2)} |`);
out(`| Holt (grid-fitted per symbol) | ${holtMs.toFixed(1)} ms | ${(holtMs / jobInput.length).toFixed(2)} ms | 1.00 |`);
out();
out(`Model load (tfjs wasm start included): ${loadMs.toFixed(0)} ms; first LSTM call ${coldMs.toFixed(0)} ms.`);
model.dispose();
