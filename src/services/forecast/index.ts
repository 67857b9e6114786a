// Forecasts: the public surface for the predictions job, the routes and the CLI.
export { LstmForecaster } from './forecaster.ts';
export type { SymbolBars } from './forecaster.ts';
export { findForecastModel, ForecastModelError, loadForecastModel, loadServedForecastModel, saveForecastModel, SHIPPED_MODEL_DIR, userModelDir } from './store.ts';
export { backtestModels, MODEL_NAME, trainForecastModel } from './train.ts';
export type { SeriesBars, TrainingEvent, TrainingOptions } from './train.ts';
export { readCsvSeries } from './series.ts';
export { InsufficientHistory } from '../../domain/forecast/errors.ts';
export { predictionTerms, trendOf } from '../../domain/forecast/prediction.ts';
export type { HorizonForecast, HorizonTrackRecord, ModelSource, PriceForecast, PredictionTerm, Trend } from '../../domain/forecast/prediction.ts';
