// Public surface of the NYSE calendar; import from here rather than from nyse.ts.
export type { MarketClock, TradingSession } from './nyse.ts';
export {
  clock,
  holidayName,
  isMarketOpen,
  isTradingDay,
  lastSessionClosedBy,
  nextClose,
  nextOpen,
  nextTradingDay,
  nyDate,
  nyWallTime,
  previousTradingDay,
  sessionOn,
  sessionsBetween,
} from './nyse.ts';
