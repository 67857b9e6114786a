// Public surface of the market simulator; import from here rather than from the model files.
export type { MarketSimulator, MarketSimulatorOptions } from './market-simulator.ts';
export { createMarketSimulator, simulateDailyBars, simulateMinuteBars } from './market-simulator.ts';
export type { SimulatedBar, SymbolParameters, SymbolReference } from './model.ts';
export { SIMULATION_MODEL } from './model.ts';
