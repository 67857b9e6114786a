// Forecasts: the stored prediction of a symbol (seed §5.2) and API_CONTRACT's statistical-prediction
// and ai-prediction on bars the client sends. Every term names the model that served it and its
// backtest record, so a user sees whether it beats the random walk.
import { Type, type TSchema } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { MAX_CLIENT_BARS, MIN_PREDICTION_BARS, type PredictionService } from '../../services/predictions/index.ts';
import { Envelope, Nullable, OneOf, ok, responses } from '../envelope.ts';

export interface PredictionRouteDeps {
  predictions: PredictionService;
}

const Num = Type.Number();
const NullableNum = Nullable(Type.Number());
const Percent = (description: string) => Nullable(Type.Number({ description }));
const Direction = OneOf(['Bullish', 'Bearish', 'Neutral'] as const);

const TermBacktest = Type.Object({
  mase: Nullable(Type.Number({ description: 'MAE over the random walk\'s MAE on the same forecasts: below 1 beats the random walk' })),
  directionalAccuracy: Percent('Percent of backtest forecasts whose direction was right (null for the random walk, which calls none)'),
  coverage80: Percent('Percent of backtest prices inside the 80 % interval'),
  upShare: Percent('Percent of backtest periods in which the price rose: what "always up" would score'),
  beatsRandomWalk: Type.Boolean(),
  lstmMase: Nullable(Type.Number({ description: 'The LSTM\'s MASE at this horizon, whichever model served' })),
  reason: Type.String({ description: 'Why this model served' }),
  basis: Type.String({ description: 'What the record was measured on' }),
});

const Term = Type.Object({
  period: Type.String({ description: '"7 days", "30 days" or "90 days" (trading days)' }),
  targetPrice: Num,
  change: Type.Number({ description: 'Percent' }),
  confidence: Type.Number({ description: 'Percent (0–100): how likely the close ends on the forecast\'s side of today\'s, from the backtest' }),
  trend: OneOf(['Uptrend', 'Downtrend', 'Sideways'] as const),
  low: Type.Number({ description: 'Lower end of the 80 % interval' }),
  high: Type.Number({ description: 'Upper end of the 80 % interval' }),
  model: Type.String({ description: 'The model that served this term: lstm, randomWalk, drift or holt' }),
  backtest: Type.Union([TermBacktest, Type.Null()]),
});

const Indicators = Type.Object({
  rsi: NullableNum, macd: NullableNum, macdSignal: NullableNum, macdHistogram: NullableNum,
  sma20: NullableNum, sma50: NullableNum, bollingerUpper: NullableNum, bollingerLower: NullableNum,
  volatility: Nullable(Type.Number({ description: 'Annualised volatility of the last 20 daily returns, percent' })),
}, { description: 'Latest values, on split-adjusted prices; null while the series is too short' });

const Signals = Type.Object({ macd: Direction, rsi: Direction, maCross: Direction, bollinger: Direction });
const Risk = OneOf(['Low', 'Medium', 'High'] as const, { description: 'By annualised volatility: Low under 25 %, High from 45 %' });
const Outlook = OneOf(['Bullish', 'Bearish', 'Neutral'] as const);
const SentimentSource = OneOf(['news', 'forecast'] as const, { description: 'news: the 7-day news sentiment aggregate; forecast: derived from the forecast and indicators (no news)' });
const Model = Type.Object({
  name: Type.String(),
  version: Nullable(Type.String()),
  source: Nullable(Type.String({ description: 'user (trained with `stockmind train`) or shipped' })),
});
const Note = Type.String({ description: 'Per term: the model that served and whether it beats the random walk' });

const Prediction = Type.Object({
  symbol: Type.String(), currency: Type.String(),
  predictedAt: Type.String({ format: 'date-time' }),
  asOf: Nullable(Type.String({ description: 'Session date of the last daily bar read' })),
  currentPrice: Num,
  shortTerm: Term, mediumTerm: Term, longTerm: Term,
  bullishScore: Type.Integer({ minimum: 0, maximum: 100 }),
  riskLevel: Risk, overallSentiment: Outlook, sentimentSource: SentimentSource,
  technicalIndicators: Type.Union([Indicators, Type.Null()]),
  signals: Type.Union([Signals, Type.Null()]),
  model: Model, note: Note,
});

const Statistical = Type.Object({
  symbol: Type.String(), currency: Type.String(),
  asOf: Nullable(Type.String()), currentPrice: Num,
  predictions: Type.Object({ shortTerm: Term, mediumTerm: Term, longTerm: Term }),
  technicalIndicators: Indicators,
  signals: Signals,
  overallOutlook: Type.Object({ sentiment: Outlook, bullishScore: Type.Integer({ minimum: 0, maximum: 100 }), riskLevel: Risk, sentimentSource: SentimentSource }),
  model: Model, note: Note,
});

const ClientBar = Type.Object({
  date: Type.String({ minLength: 1, maxLength: 40, description: 'YYYY-MM-DD (or an ISO timestamp: its date is the session)' }),
  open: Num, high: Num, low: Num, close: Num,
  volume: Type.Optional(Type.Number({ minimum: 0, description: 'Shares traded (0 when absent)' })),
  adjustedClose: Type.Optional(NullableNum),
});

const ClientBody = Type.Object({
  symbol: Type.String({ minLength: 1, maxLength: 32 }),
  historicalData: Type.Array(ClientBar, {
    maxItems: MAX_CLIENT_BARS,
    description: `Daily bars, oldest first, one per date: at least ${MIN_PREDICTION_BARS}, at most ${MAX_CLIENT_BARS}`,
  }),
});

const SymbolParam = Type.Object({ symbol: Type.String({ minLength: 1, maxLength: 32 }) });

const post = (summary: string, data: TSchema) => ({
  tags: ['predictions'], summary, body: ClientBody, response: responses(Envelope(data), [413, 503]),
});

export function predictionRoutes(root: FastifyInstance, deps: PredictionRouteDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { predictions } = deps;

  app.get('/api/market/predictions/:symbol/', {
    schema: {
      tags: ['predictions'],
      summary: 'The stored forecast of a stock for 7, 30 and 90 trading days (computed now when there is none or it is over an hour old), with the model that served each term and its backtest against the random walk',
      params: SymbolParam,
      response: responses(Envelope(Prediction), [404, 503]),
    },
  }, async (request) => ok(await predictions.get(request.params.symbol, request.log)));

  app.post('/api/market/statistical-prediction/', {
    schema: post(`Our forecast and indicators on the daily bars sent (at least ${MIN_PREDICTION_BARS}); nothing is stored`, Statistical),
  }, async (request) => ok(await predictions.statistical(request.body, request.log)));

  app.post('/api/market/ai-prediction/', {
    schema: post('A narrative of the statistical prediction of the bars sent: Gemini\'s when GEMINI_API_KEY is set, otherwise written by StockMind (`narrator` says which)',
      Type.Object({ prediction: Type.String(), narrator: OneOf(['gemini', 'stockmind'] as const) })),
  }, async (request) => ok(await predictions.narrative(request.body, request.log)));
}
