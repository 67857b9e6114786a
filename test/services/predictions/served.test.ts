// Which model serves each horizon, on the shipped model with hand-made track records: the LSTM only
// where it has the lowest backtest MASE and can read the bars, a baseline otherwise, and the answer
// (stored record, note, narrative) says which.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../src/domain/errors.ts';
import { InsufficientHistory } from '../../../src/domain/forecast/errors.ts';
import { MIN_FORECAST_BARS } from '../../../src/domain/forecast/spec.ts';
import { SHIPPED_MODEL_DIR, userModelDir } from '../../../src/services/forecast/index.ts';
import { templateNarrative } from '../../../src/services/predictions/narrative.ts';
import { predictionRecord, statisticalView, trackRecordNote } from '../../../src/services/predictions/prediction.ts';
import { bestModel, MIN_PREDICTION_BARS, MIN_TREND_FIT_BARS, serveForecasts, type ServedForecast } from '../../../src/services/predictions/served.ts';
import { ServedModel, type LoadedModel } from '../../../src/services/predictions/served-model.ts';
import { EVALUATION_FILE, type Scores, type TrackRecords } from '../../../src/services/predictions/track-record.ts';
import { syntheticBars } from '../forecast/synthetic-bars.ts';

const scores = (mase: number, directionalAccuracy = 0.55): Scores => ({ mase, directionalAccuracy, coverage80: 0.8, upShare: 0.55 });
/** The LSTM best at 7 and 30 days, the random walk at 90 (as on tickers the shipped model never saw), drift close behind. */
const RECORDS: TrackRecords = {
  source: 'evaluation', symbols: 50, from: '2015-05-19', to: '2019-12-26',
  horizons: {
    7: { lstm: scores(0.995), randomWalk: scores(1, Number.NaN), drift: scores(1.003), holt: scores(1.007) },
    30: { lstm: scores(0.99), randomWalk: scores(1, Number.NaN), drift: scores(0.995, 0.62), holt: scores(1.013) },
    90: { lstm: scores(1.032), randomWalk: scores(1, Number.NaN), drift: scores(1.106), holt: scores(1.02) },
  },
};

const served = new ServedModel(null);
const shipped = await served.get();
const model: LoadedModel = { ...shipped, records: RECORDS };

function serve(bars: ReturnType<typeof syntheticBars>, symbol = 'SYN'): ServedForecast {
  const result = serveForecasts(model, [{ symbol, bars }]).get(symbol)!;
  if (result instanceof InsufficientHistory) throw result;
  return result;
}

describe('choosing the model of a horizon', () => {
  it('takes the lowest MASE, the simpler model on a tie, among the candidates only', () => {
    expect(bestModel(RECORDS, 7, ['randomWalk', 'drift', 'holt', 'lstm'])).toBe('lstm');
    expect(bestModel(RECORDS, 90, ['randomWalk', 'drift', 'holt', 'lstm'])).toBe('randomWalk');
    expect(bestModel(RECORDS, 30, ['randomWalk', 'drift', 'holt'])).toBe('drift');
    const tie: TrackRecords = { ...RECORDS, horizons: { 7: { lstm: scores(1), randomWalk: scores(1) } } };
    expect(bestModel(tie, 7, ['randomWalk', 'lstm'])).toBe('randomWalk');
    expect(bestModel(RECORDS, 365, ['lstm'])).toBeNull();
  });
});

describe('a served forecast', () => {
  const bars = syntheticBars(500, 11);
  const forecast = serve(bars);
  const lastClose = bars.at(-1)!.close;

  it('serves the LSTM where it beats the random walk, and the random walk where nothing does', () => {
    expect([7, 30, 90].map((h) => forecast.horizons[h]!.model)).toEqual(['lstm', 'lstm', 'randomWalk']);
    expect(forecast.lstmUnavailable).toBeNull();
    const flat = forecast.horizons[90]!;
    expect(flat.target).toBe(lastClose);
    expect(flat.confidence).toBe(0.5);
    expect(flat.low).toBeLessThan(lastClose);
    expect(flat.high).toBeGreaterThan(lastClose);
  });

  it('gives every horizon an 80 % interval around its target', () => {
    for (const h of [7, 30, 90]) {
      const at = forecast.horizons[h]!;
      expect(at.low).toBeGreaterThan(0);
      expect(at.low).toBeLessThanOrEqual(at.target);
      expect(at.target).toBeLessThanOrEqual(at.high);
    }
    // Wider the further ahead.
    const width = (h: number) => forecast.horizons[h]!.high - forecast.horizons[h]!.low;
    expect(width(90)).toBeGreaterThan(width(7));
  });

  it('is stored with the model of each term, its record, and a note that says where the LSTM does not beat the random walk', () => {
    const record = predictionRecord({ served: forecast, bars, records: RECORDS, sentiment: null, predictedAt: new Date('2026-01-02T00:00:00Z') });
    expect(record.backtest!['90']).toMatchObject({ model: 'randomWalk', mase: 1, beatsRandomWalk: false, lstmMase: 1.032, directionalAccuracy: null });
    expect(record.backtest!['7']).toMatchObject({ model: 'lstm', mase: 0.995, beatsRandomWalk: true, directionalAccuracy: 55 });
    expect(record.longTerm).toMatchObject({ change: 0, confidence: 50, trend: 'Sideways' });
    expect(record.sentimentSource).toBe('forecast');
    const note = trackRecordNote(record);
    expect(note).toContain('90 days: the random walk (no change) serves: no model beat it in the backtest (the LSTM\'s MASE was 1.032)');
    expect(note).toContain('7 days: lstm, backtest MASE 0.995, 0.5 % smaller errors than the random walk');
    expect(note).toContain('50 symbols evaluated after training');
  });

  it('takes its overall sentiment from the news when there is some', () => {
    const record = predictionRecord({ served: forecast, bars, records: RECORDS, sentiment: { score: -0.6, label: 'Bearish', totalArticles: 12 }, predictedAt: new Date() });
    expect(record).toMatchObject({ overallSentiment: 'Bearish', sentimentSource: 'news' });
    const none = predictionRecord({ served: forecast, bars, records: RECORDS, sentiment: { score: 0, label: 'Neutral', totalArticles: 0 }, predictedAt: new Date() });
    expect(none.sentimentSource).toBe('forecast');
  });

  it('is narrated from its own numbers, saying who wrote it', () => {
    const view = statisticalView(predictionRecord({ served: forecast, bars, records: RECORDS, sentiment: null, predictedAt: new Date() }), 'USD');
    const text = templateNarrative(view, 'no Gemini key is set');
    expect(text).toContain(`SYN last closed at ${lastClose.toFixed(2)} USD`);
    expect(text).toContain('90 days');
    expect(text).toContain('from the random walk (no change); no model beat this in the backtest');
    expect(text).toContain('no language model was used (no Gemini key is set)');
    expect(text).toContain('not investment advice');
  });
});

describe('a short or unreadable series', () => {
  it('gets no forecast below the minimum', () => {
    const result = serveForecasts(model, [{ symbol: 'TINY', bars: syntheticBars(MIN_PREDICTION_BARS - 1, 3) }]).get('TINY');
    expect(result).toBeInstanceOf(InsufficientHistory);
    expect((result as InsufficientHistory).message).toContain(`at least ${MIN_PREDICTION_BARS} daily bars, got ${MIN_PREDICTION_BARS - 1}`);
  });

  it('gets the random walk when too short for the LSTM and for a trend, and says why', () => {
    const forecast = serve(syntheticBars(MIN_FORECAST_BARS - 1, 4));
    expect([7, 30, 90].map((h) => forecast.horizons[h]!.model)).toEqual(['randomWalk', 'randomWalk', 'randomWalk']);
    expect(forecast.lstmUnavailable).toContain(`the LSTM needs at least ${MIN_FORECAST_BARS} daily bars, got ${MIN_FORECAST_BARS - 1}`);
    expect(forecast.lstmUnavailable).toContain(`drift and Holt need ${MIN_TREND_FIT_BARS}`);
  });

  it('lets the LSTM serve the other symbols of a batch when it cannot read one, and a baseline serves that one', () => {
    // A network that refuses any batch holding SILENT, as the forecaster refuses undefined features.
    const picky = Object.create(model.forecaster) as typeof model.forecaster;
    picky.forecastMany = (items) => {
      if (items.some((item) => item.symbol === 'SILENT')) throw new InvalidInput('Cannot forecast SILENT: its recent bars give undefined features.');
      return model.forecaster.forecastMany(items);
    };
    const results = serveForecasts({ ...model, forecaster: picky }, [{ symbol: 'SILENT', bars: syntheticBars(300, 5) }, { symbol: 'LOUD', bars: syntheticBars(300, 6) }]);
    const quiet = results.get('SILENT') as ServedForecast;
    expect(quiet.lstmUnavailable).toContain('the LSTM cannot read these bars (Cannot forecast SILENT');
    // Long enough for a trend: the best baseline at 30 days is drift.
    expect([7, 30, 90].map((h) => quiet.horizons[h]!.model)).toEqual(['randomWalk', 'drift', 'randomWalk']);
    expect((results.get('LOUD') as ServedForecast).horizons[7]!.model).toBe('lstm');
  });

  it('fits no trend on fewer bars than drift and Holt were backtested with', () => {
    const forecast = serve(syntheticBars(MIN_TREND_FIT_BARS - 1, 8));
    expect(forecast.horizons[30]!.model).toBe('lstm');
    const record: TrackRecords = { ...RECORDS, horizons: { ...RECORDS.horizons, 30: { ...RECORDS.horizons['30']!, lstm: scores(1.05) } } };
    const result = serveForecasts({ ...model, records: record }, [{ symbol: 'MID', bars: syntheticBars(MIN_TREND_FIT_BARS - 1, 8) }]).get('MID') as ServedForecast;
    expect(result.horizons[30]!.model).toBe('randomWalk');
    const long = serveForecasts({ ...model, records: record }, [{ symbol: 'LONG', bars: syntheticBars(MIN_TREND_FIT_BARS, 8) }]).get('LONG') as ServedForecast;
    expect(long.horizons[30]!.model).toBe('drift');
  });
});

describe('the served model', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('is the shipped one, judged by its manifest, until the user has one; then the user\'s, and its evaluation once saved', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stockmind-served-'));
    dirs.push(dataDir);
    // The shipped model's files without any evaluation beside them.
    const shippedDir = join(dataDir, 'shipped');
    for (const file of ['manifest.json', 'normalisation.json', 'model.json', 'weights.bin']) await cp(join(SHIPPED_MODEL_DIR, file), join(shippedDir, file));
    const holder = new ServedModel(dataDir, shippedDir);
    const first = await holder.get();
    expect(first.forecaster.source).toBe('shipped');
    expect(first.records).toMatchObject({ source: 'manifest', symbols: first.forecaster.manifest.backtest.symbols.length });

    await cp(shippedDir, userModelDir(dataDir), { recursive: true });
    const user = await holder.get();
    expect(user.forecaster.source).toBe('user');
    expect(user.records.source).toBe('manifest');
    expect(await holder.get()).toBe(user);

    const { manifest } = user.forecaster;
    const evaluation = (version: string) => ({
      format: 1, model: { name: manifest.name, version }, createdAt: '2026-01-01T00:00:00Z', symbols: ['A', 'B'], trainingSymbols: 0,
      from: '2019-01-02', to: '2019-06-28', step: 5,
      horizons: { 7: { lstm: { forecasts: 10, symbols: 2, mae: 1, mape: 1, mase: 1.2, directionalAccuracy: 0.5, coverage80: 0.8, upShare: 0.5 } } },
    });
    // An evaluation of another version of the model is not this model's record.
    await writeFile(join(userModelDir(dataDir), EVALUATION_FILE), JSON.stringify(evaluation('other')));
    expect((await holder.get()).records.source).toBe('manifest');
    await writeFile(join(userModelDir(dataDir), EVALUATION_FILE), JSON.stringify(evaluation(manifest.version)));
    const evaluated = await holder.get();
    expect(evaluated.records).toMatchObject({ source: 'evaluation', symbols: 2, from: '2019-01-02', to: '2019-06-28' });
    expect(evaluated.records.horizons['7']!['lstm']!.mase).toBe(1.2);
    holder.dispose();
  });
});
