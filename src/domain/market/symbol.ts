// Ticker symbols as exchanges spell them: upper case, letters first, then letters, digits,
// dots and dashes (BRK.B, BF-B), at most 16 characters.
const SYMBOL = /^[A-Z][A-Z0-9.-]{0,15}$/;

/** The canonical form of a symbol, or null when it cannot be one. */
export function normalizeSymbol(raw: string): string | null {
  const symbol = raw.trim().toUpperCase();
  return SYMBOL.test(symbol) ? symbol : null;
}
