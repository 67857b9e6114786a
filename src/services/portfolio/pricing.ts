// Latest prices for portfolio rows: one batch through the quote service (cached, fetched on demand,
// else from stored bars), and for each symbol either a quote or why there is none.
import type { QuoteView } from '../../domain/market/quote.ts';
import type { Log } from '../../logging.ts';
import type { QuoteService } from '../market/quotes.ts';

export type Priced = { quote: QuoteView; reason: null } | { quote: null; reason: string };

/** A quote per symbol, or the reason it has none (never a made-up price). */
export async function latestPrices(quotes: QuoteService, symbols: readonly string[], log: Log): Promise<Map<string, Priced>> {
  const unique = [...new Set(symbols)];
  const out = new Map<string, Priced>();
  if (unique.length === 0) return out;
  const answer = await quotes.many(unique, log);
  for (const quote of answer.quotes) out.set(quote.symbol, { quote, reason: null });
  for (const symbol of unique) {
    if (out.has(symbol)) continue;
    const reason = answer.unknown.includes(symbol)
      ? `${symbol} is unknown to the market data provider`
      : `no price for ${symbol} yet: the market data provider has none or is unavailable`;
    out.set(symbol, { quote: null, reason });
  }
  return out;
}
