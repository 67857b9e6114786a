// The jobs this build implements, by schedule name. Rows of the schedule without a handler here
// belong to later issues and are not scheduled.
import type { Services } from '../app.ts';
import { cleanupOldData } from './cleanup.ts';
import { fetchMarketData } from './market.ts';
import type { JobHandlers } from './runner.ts';

export interface JobSettings {
  /** How many of the largest active symbols the per-minute job fetches. */
  activeSymbols: number;
}

export function jobHandlers(services: Services, settings: JobSettings): JobHandlers {
  return {
    fetch_market_data: fetchMarketData(services.ingest, settings.activeSymbols),
    cleanup_old_data: cleanupOldData(services.retention),
  };
}
