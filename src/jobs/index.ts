// The jobs this build implements, by schedule name. Rows of the schedule without a handler here
// belong to later issues and are not scheduled.
import type { Services } from '../app.ts';
import { cleanupOldData } from './cleanup.ts';
import { fetchMarketData } from './market.ts';
import { fetchAndAnalyzeNews } from './news.ts';
import { updatePredictions } from './predictions.ts';
import type { JobHandlers } from './runner.ts';
import { calculateTechnicalIndicators } from './indicators.ts';
import { runMarketScanner } from './scanner.ts';

export interface JobSettings {
  /** How many of the largest active symbols the per-minute job fetches. */
  activeSymbols: number;
  /** How many of the largest active symbols the news job follows. */
  newsSymbols: number;
}

export function jobHandlers(services: Services, settings: JobSettings): JobHandlers {
  return {
    fetch_market_data: fetchMarketData(services.ingest, settings.activeSymbols),
    cleanup_old_data: cleanupOldData(services.retention),
    fetch_and_analyze_news: fetchAndAnalyzeNews(services.news, settings.newsSymbols),
    calculate_technical_indicators: calculateTechnicalIndicators(services.indicators, services.scanner, settings.activeSymbols),
    run_market_scanner: runMarketScanner(services.scanner),
    update_predictions: updatePredictions(services.predictions),
  };
}
