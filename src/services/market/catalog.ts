// The stock catalog: which symbols exist, their names and sectors, which ones the jobs follow.
// The only service that writes `stocks` (through StockRepository). One notion of a known symbol
// for the API and the CLI alike: a stored stock, or one the provider's profile confirms (then
// stored, not active). The simulated market lists the universe only.
import type { StockRepository, StockRow } from '../../db/repositories/stocks.ts';
import { invalid, notFound, Unavailable } from '../../domain/errors.ts';
import type { Quote } from '../../domain/market/quote.ts';
import { normalizeSymbol } from '../../domain/market/symbol.ts';
import type { UniverseEntry } from '../../domain/market/universe.ts';
import type { CallOptions, MarketGateway } from './gateway.ts';

export type { StockRow };

export const INVALID_SYMBOL = 'Use letters, digits, "." or "-", starting with a letter (at most 16).';

/** The canonical symbol, or a 400 naming the field. */
export function symbolOrThrow(raw: string, field = 'symbol'): string {
  const symbol = normalizeSymbol(raw);
  if (!symbol) throw invalid(`Invalid symbol "${raw.slice(0, 32)}".`, { [field]: [INVALID_SYMBOL] });
  return symbol;
}

export class StockCatalog {
  constructor(
    private readonly stocks: StockRepository,
    private readonly gateway: MarketGateway,
    private readonly universe: readonly UniverseEntry[],
  ) {}

  /** Makes every universe company a known, active stock (names and sectors kept current). */
  async seed(): Promise<void> {
    await this.stocks.upsertListed(this.universe);
  }

  /** The symbols the scheduled jobs work on: the largest active companies first. */
  active(limit: number): Promise<string[]> {
    return this.stocks.active(limit);
  }

  get(symbol: string): Promise<StockRow | null> {
    return this.stocks.get(symbol);
  }

  /**
   * A symbol's stock row. A new symbol is looked up at the provider and stored (not active: a
   * lookup does not add it to the jobs); unknown to the provider is a 404; a universe stock first
   * seen gets its market cap and exchange from the profile. A provider failure is a 503 for a new
   * symbol and nothing at all for a known one.
   */
  async resolve(raw: string, options: CallOptions = {}): Promise<StockRow> {
    const symbol = symbolOrThrow(raw);
    const stored = await this.stocks.get(symbol);
    // A universe stock has neither market cap nor exchange until the provider's profile is read once.
    const profiled = stored !== null && (stored.marketCap !== null || stored.exchange !== null);
    if (stored && (profiled || !this.gateway.provider)) return stored;
    if (!this.gateway.provider) throw notFound(`Unknown symbol: ${symbol}.`);
    let profile;
    try {
      profile = await this.gateway.profile(symbol, options);
    } catch (error) {
      if (stored) return stored;
      if (error instanceof Unavailable) throw new Unavailable(`No data for ${symbol} yet, and the market data provider is unavailable; try again shortly.`, error.retryAfterSeconds ?? 30, { cause: error });
      throw error;
    }
    if (!profile) {
      if (stored) return stored;
      throw notFound(`Unknown symbol: ${symbol}.`);
    }
    await this.stocks.upsertProfile(profile, false);
    return (await this.stocks.get(symbol))!;
  }

  /** Market cap and currency as a quote tells them. */
  async noteQuote(quote: Quote): Promise<void> {
    if (quote.marketCap === null) return;
    await this.stocks.upsertProfile({ symbol: quote.symbol, name: quote.symbol, marketCap: quote.marketCap, currency: quote.currency }, false);
  }

  search(query: string, limit: number) {
    return this.stocks.search(query, limit);
  }

  /** Stocks, largest first, of one sector when asked; an unknown sector is a 400 listing the valid ones. */
  async list(filter: { sector?: string }, page: { offset: number; limit: number }) {
    if (filter.sector !== undefined) {
      const sectors = await this.stocks.sectors();
      if (!sectors.some((s) => s.sector.toLowerCase() === filter.sector!.toLowerCase())) {
        throw invalid(`Unknown sector "${filter.sector}".`, { sector: [`Expected one of: ${sectors.map((s) => s.sector).join(', ')}.`] });
      }
    }
    return this.stocks.list(filter, page);
  }

  sectors() {
    return this.stocks.sectors();
  }

  /** Every known stock for the admin API, active or not, largest first. */
  listAll(filter: { search?: string; isActive?: boolean }, page: { offset: number; limit: number }) {
    return this.stocks.list(filter, page);
  }

  /**
   * Switches whether the jobs follow a known symbol; answers the row before and after (null: no
   * such stock). `within` is the same repository bound to a caller's transaction (the audit row
   * is written in it).
   */
  async setActive(symbol: string, isActive: boolean, within: StockRepository = this.stocks): Promise<{ before: StockRow; after: StockRow } | null> {
    const before = await within.lock(symbol);
    if (!before) return null;
    const after = await within.setActive(symbol, isActive);
    return after ? { before, after } : null;
  }
}
