// The admin API's stocks: the whole catalog, a symbol added to the universe the jobs follow (once
// the provider confirms it exists), and a symbol switched on or off; each change with its audit row.
import type { AuditRepository } from '../../db/repositories/audit.ts';
import { invalid, NotFound, notFound } from '../../domain/errors.ts';
import { symbolOrThrow, type StockCatalog, type StockRow } from '../market/catalog.ts';
import { onDemand } from '../market/gateway.ts';
import { auditEntry, type Actor } from './audit.ts';

const stateOf = (stock: StockRow) => ({ symbol: stock.symbol, name: stock.name, isActive: stock.isActive });

export class StockAdmin {
  constructor(private readonly catalog: StockCatalog, private readonly audit: AuditRepository) {}

  list(filter: { search?: string; isActive?: boolean }, page: { offset: number; limit: number }) {
    return this.catalog.listAll(filter, page);
  }

  /** Makes a symbol one the jobs follow: known already, or confirmed by the provider (else 400). */
  async add(actor: Actor, raw: string): Promise<StockRow> {
    const symbol = symbolOrThrow(raw);
    try {
      await this.catalog.resolve(symbol, onDemand());
    } catch (error) {
      if (error instanceof NotFound) throw invalid(`Unknown symbol: ${symbol}: the market data provider does not know it.`, { symbol: ['Not a symbol the market data provider knows.'] });
      throw error;
    }
    return this.switch(actor, symbol, true, 'stock.add');
  }

  /** Switches whether the jobs follow a known symbol; 404 for a symbol not in the catalog. */
  setActive(actor: Actor, raw: string, isActive: boolean): Promise<StockRow> {
    return this.switch(actor, symbolOrThrow(raw), isActive, isActive ? 'stock.activate' : 'stock.deactivate');
  }

  private switch(actor: Actor, symbol: string, isActive: boolean, action: string): Promise<StockRow> {
    return this.audit.transaction(async (scope) => {
      const change = await this.catalog.setActive(symbol, isActive, scope.stocks);
      if (!change) throw notFound(`Unknown symbol: ${symbol}.`);
      await scope.audit.append(auditEntry(actor, action, { type: 'stock', id: symbol }, stateOf(change.before), stateOf(change.after)));
      return change.after;
    });
  }
}
