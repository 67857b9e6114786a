// fetch_market_data: the active symbols' quotes, every minute of market hours.
import type { QuoteIngest } from '../services/market/quote-ingest.ts';
import type { JobHandler } from './runner.ts';

export function fetchMarketData(ingest: QuoteIngest, activeSymbols: number): JobHandler {
  return (run) => ingest.fetchActive(activeSymbols, run.log);
}
