// The jobs this build implements, by schedule name. Rows of the schedule without a handler here
// belong to later issues and are not scheduled.
import type { Infrastructure, Services } from '../app.ts';
import { cleanupOldData } from './cleanup.ts';
import { fetchMarketData } from './market.ts';
import type { JobHandlers } from './runner.ts';

export function jobHandlers(infra: Infrastructure, services: Services): JobHandlers {
  return {
    fetch_market_data: fetchMarketData(services.market, infra.config.activeSymbols),
    cleanup_old_data: cleanupOldData(infra.database.db, infra.config),
  };
}
