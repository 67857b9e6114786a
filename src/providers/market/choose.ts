// MARKET_DATA_PROVIDER → the provider this process uses. `auto` asks Yahoo for its test symbol
// once at start-up: if it answers, Yahoo; otherwise the simulated market. Chosen once, so one
// process never mixes sources.
import type { UniverseEntry } from '../../domain/market/universe.ts';
import type { Clock } from '../../domain/time.ts';
import type { MarketDataProvider } from './port.ts';
import { createSimulatedProvider } from './simulated.ts';
import universe from './universe.json' with { type: 'json' };
import { createYahooProvider } from './yahoo.ts';

export interface ProviderChoice {
  provider: MarketDataProvider | null;
  /** One line for the start-up log and /api/health/. */
  reason: string;
}

export const UNIVERSE: readonly UniverseEntry[] = universe;

/** MARKET_DATA_PROVIDER's values. */
export const PROVIDER_CHOICES = ['auto', 'yahoo', 'simulated', 'csv'] as const;
export type MarketDataProviderChoice = (typeof PROVIDER_CHOICES)[number];

const PROBE_TIMEOUT_MS = 4_000;

/** What choosing needs: the setting, the simulated market's seed, and where Yahoo's warnings go. */
export interface ProviderSettings {
  marketDataProvider: MarketDataProviderChoice;
  simulationSeed: number;
}

export async function chooseProvider(config: ProviderSettings, log: { warn(obj: object, msg: string): void }, clock: Clock): Promise<ProviderChoice> {
  const simulated = () => createSimulatedProvider({ seed: config.simulationSeed, universe: UNIVERSE, clock });
  const yahoo = () => createYahooProvider({ timeoutMs: 10_000, retries: 2, logger: log });
  switch (config.marketDataProvider) {
    case 'simulated': return { provider: simulated(), reason: 'simulated (MARKET_DATA_PROVIDER=simulated)' };
    case 'yahoo': return { provider: yahoo(), reason: 'yahoo (MARKET_DATA_PROVIDER=yahoo)' };
    case 'csv': return { provider: null, reason: 'stored data only (MARKET_DATA_PROVIDER=csv): import CSVs with `stockmind import`' };
    case 'auto': {
      const probe = createYahooProvider({ timeoutMs: PROBE_TIMEOUT_MS, retries: 0, logger: log });
      try {
        const quotes = await probe.quotes([probe.testSymbol]);
        if (quotes.length > 0) return { provider: yahoo(), reason: 'yahoo (auto: Yahoo answered)' };
        return { provider: simulated(), reason: 'simulated (auto: Yahoo gave no quote for its test symbol)' };
      } catch (error) {
        return { provider: simulated(), reason: `simulated (auto: Yahoo unreachable: ${(error as Error).message})` };
      }
    }
  }
}
