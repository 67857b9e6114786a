// The default universe: large US companies the embedded default starts with (universe.json beside
// the market-data providers). A company of the universe is a known, active stock from the first start.
export interface UniverseEntry {
  symbol: string;
  name: string;
  sector: string | null;
  industry: string | null;
  /** Approximate price (USD, around 2025) and shares outstanding, for the simulated market only. */
  referencePrice?: number;
  sharesOutstanding?: number;
}
