// fetch_market_data: the active symbols' quotes, every minute of market hours.
import type { MarketDataService } from '../services/market-data.ts';
import type { JobRun, JobSummary } from './runner.ts';

export function fetchMarketData(market: MarketDataService, activeSymbols: number) {
  return (run: JobRun): Promise<JobSummary> => market.fetchMarketData(run.log, activeSymbols);
}
