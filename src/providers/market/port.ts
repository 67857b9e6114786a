// The one port every market-data source implements. Shaped by what the callers need:
// the per-minute job wants batched quotes, the backfill wants bar history, stock detail
// wants a company profile, the search box wants symbol matches. Failures of the source are
// ProviderErrors (src/providers/outside-call.ts); "no such symbol" is an empty answer or null.
import type { Bar, BarInterval } from '../../domain/market/bar.ts';
import type { Quote } from '../../domain/market/quote.ts';
import type { PriceSource } from '../../domain/market/source.ts';

export interface CompanyProfile {
  symbol: string;
  name: string;
  sector: string | null;
  industry: string | null;
  marketCap: number | null;
  exchange: string | null;
  currency: string;
}

export interface SymbolMatch {
  symbol: string;
  name: string;
  exchange: string | null;
  type: string | null;
}

export interface HistoryRequest {
  interval: BarInterval;
  from: Date;
  to: Date;
}

export interface RateLimit {
  requests: number;
  perMs: number;
}

export interface MarketDataProvider {
  readonly name: PriceSource;
  /** Most symbols one `quotes` call may carry; callers split larger lists into batches. */
  readonly maxSymbolsPerRequest: number;
  /** Requests the source tolerates per window; callers pace themselves to it. */
  readonly rateLimit: RateLimit;
  /** A symbol that always exists, used to check the source answers. */
  readonly testSymbol: string;

  /** Quotes for the symbols the source knows; unknown symbols are simply absent. */
  quotes(symbols: readonly string[], signal?: AbortSignal): Promise<Quote[]>;
  /** Bars oldest first; empty when the source has none for the range. */
  history(symbol: string, request: HistoryRequest, signal?: AbortSignal): Promise<Bar[]>;
  /** null when the symbol is unknown to the source. */
  profile(symbol: string, signal?: AbortSignal): Promise<CompanyProfile | null>;
  search(query: string, limit: number, signal?: AbortSignal): Promise<SymbolMatch[]>;
}
