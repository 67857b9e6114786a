// The market data provider as the services use it: every call paced to the provider's shared
// budget, batched to its request size, and refused with a 503 rather than kept waiting when a
// person is waiting on the answer. No provider (MARKET_DATA_PROVIDER=csv) means stored data only.
import { Unavailable } from '../../domain/errors.ts';
import type { Quote } from '../../domain/market/quote.ts';
import type { PriceSource } from '../../domain/market/source.ts';
import type { Bar } from '../../domain/market/bar.ts';
import type { CompanyProfile, HistoryRequest, MarketDataProvider } from '../../providers/market/port.ts';
import type { ProviderBudget } from './provider-budget.ts';

/** How long a request may wait for the provider's rate limit before answering 503. */
export const ON_DEMAND_WAIT_MS = 2_000;
/** The most a request waits on one provider call, retries included, before answering from what is stored. */
export const ON_DEMAND_DEADLINE_MS = 8_000;

export interface CallOptions {
  /** Most time to wait for a budget slot; unbounded for jobs, ON_DEMAND_WAIT_MS for requests. */
  waitMs?: number;
  signal?: AbortSignal;
}

/** What a request passes: a short wait for the budget and a deadline on the call itself. */
export const onDemand = (): CallOptions => ({ waitMs: ON_DEMAND_WAIT_MS, signal: AbortSignal.timeout(ON_DEMAND_DEADLINE_MS) });

export class MarketGateway {
  constructor(readonly provider: MarketDataProvider | null, private readonly budget: ProviderBudget | null) {}

  /** The live source's name, or null when only stored data is served. */
  get source(): PriceSource | null {
    return this.provider?.name ?? null;
  }

  get isSimulated(): boolean {
    return this.provider?.name === 'simulated';
  }

  private live(): MarketDataProvider {
    if (!this.provider) throw new Unavailable('No market data provider is configured (MARKET_DATA_PROVIDER=csv): only stored data is served.');
    return this.provider;
  }

  private async slot(options: CallOptions): Promise<void> {
    if (!this.budget || (await this.budget.take(options.waitMs, options.signal))) return;
    throw new Unavailable('The market data provider\'s rate limit is reached; try again in a minute.', 60);
  }

  /** Quotes for the symbols the source knows, one paced request per batch. */
  async quotes(symbols: readonly string[], options: CallOptions = {}): Promise<Quote[]> {
    const provider = this.live();
    const quotes: Quote[] = [];
    for (let i = 0; i < symbols.length; i += provider.maxSymbolsPerRequest) {
      await this.slot(options);
      quotes.push(...(await provider.quotes(symbols.slice(i, i + provider.maxSymbolsPerRequest), options.signal)));
    }
    return quotes;
  }

  /** The batches `quotes` would make, for callers that want to survive one failing batch. */
  batches(symbols: readonly string[]): string[][] {
    const size = this.live().maxSymbolsPerRequest;
    const batches: string[][] = [];
    for (let i = 0; i < symbols.length; i += size) batches.push(symbols.slice(i, i + size));
    return batches;
  }

  async history(symbol: string, request: HistoryRequest, options: CallOptions = {}): Promise<Bar[]> {
    const provider = this.live();
    await this.slot(options);
    return provider.history(symbol, request, options.signal);
  }

  async profile(symbol: string, options: CallOptions = {}): Promise<CompanyProfile | null> {
    const provider = this.live();
    await this.slot(options);
    return provider.profile(symbol, options.signal);
  }
}
