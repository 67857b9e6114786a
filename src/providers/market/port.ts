// The one port every market-data source implements. Shaped by what the callers need:
// the per-minute job wants batched quotes, the backfill wants bar history, stock detail
// wants a company profile, the search box wants symbol matches.

export type BarInterval = '1m' | '1d';

/** An OHLCV bar. `timestamp` is the bar's open: 00:00 UTC of the session date for `1d`. */
export interface Bar {
  timestamp: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Close adjusted for splits and dividends (daily bars only; null when the source has none). */
  adjustedClose: number | null;
  volume: number;
}

export type ProviderName = 'yahoo' | 'simulated' | 'csv';

export interface Quote {
  symbol: string;
  price: number;
  change: number;
  changePercent: number;
  open: number | null;
  high: number | null;
  low: number | null;
  previousClose: number | null;
  volume: number;
  currency: string;
  marketCap: number | null;
  /** When the source says the price was struck. */
  timestamp: Date;
  source: ProviderName;
}

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

/** A listed company of the default universe (src/providers/market/universe.json). */
export interface UniverseEntry {
  symbol: string;
  name: string;
  sector: string | null;
  industry: string | null;
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
  readonly name: ProviderName;
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

/** A failure of the outside source (down, slow, rate-limited, garbage), as opposed to "no such symbol". */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    message: string,
    readonly kind: 'unavailable' | 'timeout' | 'rate_limited' | 'bad_response',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
