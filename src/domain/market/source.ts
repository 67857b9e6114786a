// Where prices come from, and the rule that keeps simulated prices away from a symbol's real ones.

export type PriceSource = 'yahoo' | 'simulated' | 'csv';
export const PRICE_SOURCES: readonly PriceSource[] = ['yahoo', 'simulated', 'csv'];

/** Simulated prices are placeholders: real ones replace them, never the other way round. */
export function isRealSource(source: string): boolean {
  return source !== 'simulated';
}

/**
 * Whether bars from `incoming` may be written for a symbol whose stored prices are `stored` (null:
 * none yet): a symbol's prices, in every interval and in every answer, never mix simulated and
 * real ones, and real prices win.
 */
export function mixing(stored: string | null, incoming: string): 'write' | 'replace_series' | 'refuse' {
  if (stored === null || isRealSource(stored) === isRealSource(incoming)) return 'write';
  return isRealSource(incoming) ? 'replace_series' : 'refuse';
}
