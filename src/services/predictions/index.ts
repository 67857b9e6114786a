// Predictions: the public surface for the predictions job, the routes, app.ts and the CLI.
export { PredictionService, HISTORY_BARS, PREDICTION_MAX_AGE_MS } from './service.ts';
export type { ClientRequest, PredictionServiceDeps, SentimentReader, UpdateSummary } from './service.ts';
export { ServedModel } from './served-model.ts';
export type { LoadedModel } from './served-model.ts';
export { MIN_PREDICTION_BARS } from './served.ts';
export { MAX_CLIENT_BARS } from './client-bars.ts';
export type { ClientBar } from './client-bars.ts';
export type { PredictionView, SentimentSummary, StatisticalView, TermView } from './prediction.ts';
export { evaluationOf, saveEvaluation, EVALUATION_FILE } from './track-record.ts';
export { DEFAULT_TRAINING_SYMBOLS, historySeriesLoader } from './series.ts';
