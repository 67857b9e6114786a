// The bridge between stored transactions and the ledger of src/domain/portfolio: a holding's
// position re-derived after each change (inside the owner's locked transaction), and the ledger
// steps of many holdings cached by (holding, ledger version) so analytics never re-runs them
// for a ledger that has not changed.
import { LRUCache } from 'lru-cache';
import type { HoldingRow, PortfolioRepository, TransactionRow } from '../../db/repositories/portfolio.ts';
import { invalid, type InvalidInput } from '../../domain/errors.ts';
import {
  TransactionError,
  canonicalDecimal,
  ledgerSteps,
  transactionKey,
  type LedgerStep,
  type Transaction,
  type TransactionInput,
} from '../../domain/portfolio/index.ts';

/** A stored transaction as the ledger reads it. */
export function transactionInput(row: TransactionRow): TransactionInput {
  return { id: row.id, symbol: row.symbol, type: row.type as TransactionInput['type'], date: row.date, shares: row.shares, price: row.price, fees: row.fees, currency: row.currency };
}

/** Names a transaction in a message instead of its id (an import's line, "this transaction"), or null. */
export type TransactionLabel = (transactionId: string) => string | null;

/** A ledger refusal as a 400 that names the transaction (and says what went wrong with it). */
export function ledgerRefusal(error: TransactionError, label: TransactionLabel = () => null): InvalidInput {
  const name = label(error.transactionId);
  const message = name === null ? error.message : error.message.replace(`transaction ${error.transactionId}`, name);
  return invalid(`The ledger cannot apply this: ${message}.`, { [name?.startsWith('line ') ? name : 'transactions']: [message] });
}

/** The ledger's steps for one holding's transactions; a TransactionError becomes a 400. */
export function holdingSteps(rows: readonly TransactionRow[], label?: TransactionLabel): LedgerStep[] {
  try {
    return ledgerSteps(rows.map(transactionInput));
  } catch (error) {
    if (error instanceof TransactionError) throw ledgerRefusal(error, label);
    throw error;
  }
}

/**
 * Re-derives the positions of some holdings from their transactions and writes them (a holding
 * left without any transaction is deleted). Call inside PortfolioRepository.withUserLock: a
 * ledger that cannot apply throws a 400 and the caller's whole change rolls back.
 */
export async function rebuildPositions(
  repo: PortfolioRepository,
  holdings: readonly Pick<HoldingRow, 'id' | 'userId'>[],
  label?: TransactionLabel,
): Promise<{ deleted: string[] }> {
  const rows = await repo.transactionsOfHoldings(holdings.map((holding) => holding.id));
  const byHolding = new Map<string, TransactionRow[]>();
  for (const row of rows) {
    const list = byHolding.get(row.holdingId);
    if (list === undefined) byHolding.set(row.holdingId, [row]);
    else list.push(row);
  }
  const deleted: string[] = [];
  for (const holding of holdings) {
    const own = byHolding.get(holding.id) ?? [];
    if (own.length === 0) {
      await repo.deleteHolding(holding.userId, holding.id);
      deleted.push(holding.id);
      continue;
    }
    const steps = holdingSteps(own, label);
    const last = steps[steps.length - 1] as LedgerStep;
    const opening = own.find((row) => row.source === 'opening');
    await repo.writePosition(holding.id, {
      currency: last.position.currency,
      shares: canonicalDecimal(last.position.shares),
      averagePrice: canonicalDecimal(last.position.averagePrice),
      totalCost: canonicalDecimal(last.position.totalCost),
      realisedPnl: canonicalDecimal(last.position.realisedPnl),
      dividends: canonicalDecimal(last.position.dividends),
      transactionCount: own.length,
      // The seed's purchase date: the opening buy's, else the first transaction's.
      purchaseDate: opening?.date ?? (steps[0] as LedgerStep).transaction.date,
    });
  }
  return { deleted };
}

/**
 * The duplicate key of a transaction entered by hand: the domain's key with the first occurrence
 * the user's transactions do not carry yet, so a later import of the same trade is recognised.
 */
export async function freeDuplicateKey(repo: PortfolioRepository, userId: string, tx: Omit<Transaction, 'id' | 'tradingDate'>, exceptKey: string | null = null): Promise<string | null> {
  const candidates = Array.from({ length: 10 }, (_, occurrence) => transactionKey(tx, occurrence));
  const taken = await repo.existingDuplicateKeys(userId, candidates);
  if (exceptKey !== null) taken.delete(exceptKey);
  return candidates.find((key) => !taken.has(key)) ?? null;
}

/** Ledger steps per holding, cached by (holding, ledger version): a change to one holding re-runs only it. */
export class LedgerCache {
  private readonly cache: LRUCache<string, LedgerStep[]>;

  // A step takes about 1.7 KB (its position and amounts as decimals): 60,000 steps are about 100 MB.
  constructor(maxSteps = 60_000) {
    this.cache = new LRUCache({ maxSize: maxSteps, sizeCalculation: (steps) => Math.max(1, steps.length) });
  }

  /** The steps of each holding, loading the transactions of those not cached in one read. */
  async steps(repo: PortfolioRepository, holdings: readonly Pick<HoldingRow, 'id' | 'ledgerVersion'>[]): Promise<Map<string, LedgerStep[]>> {
    const out = new Map<string, LedgerStep[]>();
    const missing: Pick<HoldingRow, 'id' | 'ledgerVersion'>[] = [];
    for (const holding of holdings) {
      const cached = this.cache.get(`${holding.id}:${holding.ledgerVersion}`);
      if (cached === undefined) missing.push(holding);
      else out.set(holding.id, cached);
    }
    if (missing.length > 0) {
      const rows = await repo.transactionsOfHoldings(missing.map((holding) => holding.id));
      const byHolding = new Map<string, TransactionRow[]>();
      for (const row of rows) {
        const list = byHolding.get(row.holdingId);
        if (list === undefined) byHolding.set(row.holdingId, [row]);
        else list.push(row);
      }
      for (const holding of missing) {
        const steps = holdingSteps(byHolding.get(holding.id) ?? []);
        this.cache.set(`${holding.id}:${holding.ledgerVersion}`, steps);
        out.set(holding.id, steps);
      }
    }
    return out;
  }
}
