// update_predictions: forecasts of the top symbols, hourly on the predictions queue.
import type { PredictionService } from '../services/predictions/index.ts';
import type { JobHandler } from './runner.ts';

/** The seed's "top 50 stocks". */
export const PREDICTION_SYMBOLS = 50;

export function updatePredictions(predictions: PredictionService, limit = PREDICTION_SYMBOLS): JobHandler {
  return (run) => predictions.update(limit, run.log);
}
