// Predictions: the hourly forecasts of the top symbols (stored and published), the stored
// prediction of one symbol (computed on demand when there is none or it is old), and forecasts of
// bars a client sends (statistical-prediction, and ai-prediction's narrative of them).
import type { Bus } from '../../adapters/bus.ts';
import type { PredictionRecord, PredictionRepository } from '../../db/repositories/predictions.ts';
import { NotFound } from '../../domain/errors.ts';
import { InsufficientHistory } from '../../domain/forecast/errors.ts';
import { barProblem, type Bar } from '../../domain/market/bar.ts';
import { DAY_MS, type Clock } from '../../domain/time.ts';
import type { Log } from '../../logging.ts';
import { symbolOrThrow, type StockCatalog } from '../market/catalog.ts';
import { onDemand, type CallOptions } from '../market/gateway.ts';
import type { PriceHistory } from '../market/history.ts';
import { stockChannel } from '../market/quote-ingest.ts';
import { barsFromClient, type ClientBar } from './client-bars.ts';
import type { Narrator } from '../../providers/llm/port.ts';
import { geminiNarrative, NARRATIVE_SYSTEM, narrativePrompt, templateNarrative } from './narrative.ts';
import { predictionRecord, predictionView, statisticalView, type PredictionView, type SentimentSummary, type StatisticalView } from './prediction.ts';
import { serveForecasts, type ServedForecast } from './served.ts';
import type { LoadedModel, ServedModel } from './served-model.ts';

/** The news sentiment aggregate of a symbol (the sentiment service's aggregate_sentiment). */
export interface SentimentReader {
  aggregate(symbol: string): Promise<SentimentSummary>;
}

/** A person waits for the narrative: one quick retry, then our own text. */
const NARRATIVE_POLICY = { timeoutMs: 15_000, retries: 1, backoffBaseMs: 500, backoffCapMs: 2_000, maxRetryAfterMs: 3_000 };

export interface PredictionServiceDeps {
  catalog: StockCatalog;
  history: PriceHistory;
  predictions: PredictionRepository;
  bus: Bus;
  model: ServedModel;
  clock: Clock;
  sentiment: SentimentReader | null;
  /** Gemini's text generation, when a key is set. */
  narrator: Narrator | null;
}

/** Daily bars a forecast reads (the seed's "500 days of history"). */
export const HISTORY_BARS = 500;
/** Calendar days that hold 500 NYSE sessions, with room for holidays. */
const HISTORY_CALENDAR_DAYS = 760;
/** A stored prediction older than this is recomputed when asked for (the job runs hourly). */
export const PREDICTION_MAX_AGE_MS = 3_600_000;

export interface UpdateSummary extends Record<string, unknown> {
  symbols: number;
  predicted: number;
  /** Symbols with too little history: no row, and why. */
  insufficient: number;
  model: string;
  /** The model that served each horizon, with how many symbols. */
  servedBy: Record<string, Record<string, number>>;
}

export interface ClientRequest {
  symbol: string;
  historicalData: readonly ClientBar[];
}

export class PredictionService {
  constructor(private readonly deps: PredictionServiceDeps) {}

  /** The hourly job: the top `limit` active symbols, one forward pass, stored and published. */
  async update(limit: number, log: Log): Promise<UpdateSummary> {
    const { catalog } = this.deps;
    const symbols = await catalog.active(limit);
    const model = await this.deps.model.get();
    const now = this.deps.clock.now();
    const items: { symbol: string; bars: Bar[]; note: string | null }[] = [];
    for (const symbol of symbols) items.push({ symbol, ...(await this.dailyBars(symbol, now, log, {})) });
    const results = serveForecasts(model, items);
    const records: PredictionRecord[] = [];
    const servedBy: UpdateSummary['servedBy'] = {};
    let insufficient = 0;
    for (const { symbol, bars, note } of items) {
      const result = results.get(symbol)!;
      if (result instanceof InsufficientHistory) {
        insufficient += 1;
        log.info({ symbol, bars: result.got, needed: result.needed }, `no prediction: ${result.message}${note ? ` (${note})` : ''}`);
        continue;
      }
      for (const [h, horizon] of Object.entries(result.horizons)) {
        const counts = (servedBy[h] ??= {});
        counts[horizon.model] = (counts[horizon.model] ?? 0) + 1;
      }
      records.push(await this.record(result, bars, model, now, log));
    }
    await this.deps.predictions.save(records);
    for (const record of records) await this.publish(record);
    return { symbols: symbols.length, predicted: records.length, insufficient, model: `${model.forecaster.manifest.name} ${model.forecaster.manifest.version}`, servedBy };
  }

  /**
   * The newest stored prediction of a symbol; computed now (stored and published) when there is
   * none or it is more than an hour old. Too little history is a 404 saying how much there is.
   */
  async get(rawSymbol: string, log: Log): Promise<PredictionView> {
    const stock = await this.deps.catalog.resolve(rawSymbol, onDemand());
    const stored = await this.deps.predictions.latest(stock.symbol);
    const now = this.deps.clock.now();
    if (stored !== null && now.getTime() - stored.predictedAt.getTime() < PREDICTION_MAX_AGE_MS) return predictionView(stored, stock.currency);
    const { bars, note } = await this.dailyBars(stock.symbol, now, log, onDemand());
    const model = await this.deps.model.get();
    const result = serveForecasts(model, [{ symbol: stock.symbol, bars }]).get(stock.symbol)!;
    if (result instanceof InsufficientHistory) {
      // An older prediction beats none when the history has since become unreadable.
      if (stored !== null) return predictionView(stored, stock.currency);
      const detail = `the forecast needs at least ${result.needed} daily bars, ${result.got === 0 ? 'and none are stored' : `only ${result.got} are available`}${note ? ` (${note})` : ''}`;
      throw new NotFound(`No prediction for ${stock.symbol}: not enough price history; ${detail}.`, { history: [detail] });
    }
    const record = await this.record(result, bars, model, now, log);
    await this.deps.predictions.save([record]);
    await this.publish(record);
    return predictionView(record, stock.currency);
  }

  /** Our model and indicators on the bars a client sends (nothing stored). */
  async statistical(request: ClientRequest, log: Log): Promise<StatisticalView> {
    const { record, served, currency } = await this.clientPrediction(request, log);
    const note = served.lstmUnavailable === null ? null : `Baselines served every horizon: ${served.lstmUnavailable}.`;
    return statisticalView(record, currency, note);
  }

  /** A narrative of the statistical prediction: Gemini's when configured and answering, ours otherwise. */
  async narrative(request: ClientRequest, log: Log): Promise<{ prediction: string; narrator: 'gemini' | 'stockmind' }> {
    const view = await this.statistical(request, log);
    const { narrator } = this.deps;
    if (narrator === null) return { prediction: templateNarrative(view, 'no Gemini key is set'), narrator: 'stockmind' };
    try {
      const narration = await narrator.narrate(narrativePrompt(view), { system: NARRATIVE_SYSTEM, maxOutputTokens: 400, policy: NARRATIVE_POLICY });
      if (narration.text.trim() === '') throw new Error('Gemini returned no text');
      return { prediction: geminiNarrative(narration.text, narration.model), narrator: 'gemini' };
    } catch (error) {
      log.warn({ symbol: view.symbol, err: error }, `Gemini narrative failed: ${(error as Error).message}`);
      return { prediction: templateNarrative(view, 'Gemini did not answer'), narrator: 'stockmind' };
    }
  }

  private async clientPrediction(request: ClientRequest, log: Log): Promise<{ record: PredictionRecord; served: ServedForecast; currency: string }> {
    const symbol = symbolOrThrow(request.symbol);
    const bars = barsFromClient(request.historicalData);
    const model = await this.deps.model.get();
    // At least MIN_PREDICTION_BARS bars were checked above: the answer is a forecast.
    const served = serveForecasts(model, [{ symbol, bars }]).get(symbol) as ServedForecast;
    const currency = (await this.deps.catalog.get(symbol))?.currency ?? 'USD';
    return { record: await this.record(served, bars, model, this.deps.clock.now(), log), served, currency };
  }

  private async record(served: ServedForecast, bars: readonly Bar[], model: LoadedModel, predictedAt: Date, log: Log): Promise<PredictionRecord> {
    return predictionRecord({ served, bars, records: model.records, sentiment: await this.sentimentOf(served.symbol, log), predictedAt });
  }

  private async sentimentOf(symbol: string, log: Log): Promise<SentimentSummary | null> {
    if (this.deps.sentiment === null) return null;
    try {
      return await this.deps.sentiment.aggregate(symbol);
    } catch (error) {
      // The outlook then comes from the forecast and indicators, and says so.
      log.warn({ symbol, err: error }, `sentiment unavailable for the prediction: ${(error as Error).message}`);
      return null;
    }
  }

  /** The last 500 daily bars up to now, gaps filled from the provider; unreadable bars left out. */
  private async dailyBars(symbol: string, now: Date, log: Log, options: CallOptions): Promise<{ bars: Bar[]; note: string | null }> {
    const { bars, coverage } = await this.deps.history.daily(symbol, new Date(now.getTime() - HISTORY_CALENDAR_DAYS * DAY_MS), now, log, options);
    const readable = bars.filter((bar) => barProblem(bar) === null);
    if (readable.length < bars.length) log.warn({ symbol, dropped: bars.length - readable.length }, 'unreadable daily bars left out of the forecast');
    return { bars: readable.slice(-HISTORY_BARS), note: coverage.note };
  }

  private async publish(record: PredictionRecord): Promise<void> {
    const currency = (await this.deps.catalog.get(record.symbol))?.currency ?? 'USD';
    await this.deps.bus.publish(stockChannel(record.symbol), { type: 'prediction_update', data: predictionView(record, currency) });
  }
}
