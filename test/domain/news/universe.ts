// A slice of the S&P 500 as its constituents file spells it (../shared/data/constituents), so the
// linker's tests run without the shared data; the full list is tested where the data is present.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { ListedCompany } from '../../../src/domain/news/symbol-linker.ts';
import { sharedData } from '../../support/shared-data.ts';

export const SP500_SLICE: readonly ListedCompany[] = [
  { symbol: 'AAPL', name: 'Apple Inc.' },
  { symbol: 'MSFT', name: 'Microsoft' },
  { symbol: 'NVDA', name: 'Nvidia' },
  { symbol: 'AMD', name: 'Advanced Micro Devices' },
  { symbol: 'TSLA', name: 'Tesla, Inc.' },
  { symbol: 'AMZN', name: 'Amazon' },
  { symbol: 'GOOGL', name: 'Alphabet Inc. (Class A)' },
  { symbol: 'GOOG', name: 'Alphabet Inc. (Class C)' },
  { symbol: 'META', name: 'Meta Platforms' },
  { symbol: 'BRK.B', name: 'Berkshire Hathaway' },
  { symbol: 'BF.B', name: 'Brown–Forman' },
  { symbol: 'JPM', name: 'JPMorgan Chase' },
  { symbol: 'DIS', name: 'Walt Disney Company (The)' },
  { symbol: 'TGT', name: 'Target Corporation' },
  { symbol: 'A', name: 'Agilent Technologies' },
  { symbol: 'ALL', name: 'Allstate' },
  { symbol: 'IT', name: 'Gartner' },
  { symbol: 'ON', name: 'ON Semiconductor' },
  { symbol: 'ARE', name: 'Alexandria Real Estate Equities' },
  { symbol: 'NOW', name: 'ServiceNow' },
  { symbol: 'KEY', name: 'KeyCorp' },
  { symbol: 'LOW', name: "Lowe's" },
  { symbol: 'COST', name: 'Costco' },
  { symbol: 'BALL', name: 'Ball Corporation' },
  { symbol: 'DOW', name: 'Dow Inc.' },
  { symbol: 'NDAQ', name: 'Nasdaq, Inc.' },
  { symbol: 'NWSA', name: 'News Corp (Class A)' },
  { symbol: 'NWS', name: 'News Corp (Class B)' },
  { symbol: 'FOXA', name: 'Fox Corporation (Class A)' },
  { symbol: 'FOX', name: 'Fox Corporation (Class B)' },
  { symbol: 'LLY', name: 'Lilly (Eli)' },
  { symbol: 'MCD', name: "McDonald's" },
  { symbol: 'CASY', name: "Casey's" },
  { symbol: 'JBHT', name: 'J.B. Hunt' },
  { symbol: 'EL', name: 'Estée Lauder Companies (The)' },
  { symbol: 'PG', name: 'Procter & Gamble' },
  { symbol: 'T', name: 'AT&T' },
  { symbol: 'TMUS', name: 'T-Mobile US' },
  { symbol: 'F', name: 'Ford Motor Company' },
  { symbol: 'FDX', name: 'FedEx' },
  { symbol: 'FDXF', name: 'FedEx Freight' },
  { symbol: 'SO', name: 'Southern Company' },
  { symbol: 'PTC', name: 'PTC Inc.' },
  { symbol: 'RTX', name: 'RTX Corporation' },
  { symbol: 'HPQ', name: 'HP Inc.' },
  { symbol: 'GE', name: 'GE Aerospace' },
  { symbol: 'GEV', name: 'GE Vernova' },
  { symbol: 'HON', name: 'Honeywell Technologies' },
  { symbol: 'HONA', name: 'Honeywell Aerospace' },
  { symbol: 'KO', name: 'Coca-Cola Company (The)' },
  { symbol: 'XOM', name: 'ExxonMobil' },
  { symbol: 'WMB', name: 'Williams Companies' },
  { symbol: 'WSM', name: 'Williams-Sonoma, Inc.' },
  { symbol: 'ORLY', name: 'O’Reilly Automotive' },
  { symbol: 'CVX', name: 'Chevron Corporation' },
  { symbol: 'V', name: 'Visa Inc.' },
  { symbol: 'CMS', name: 'CMS Energy' },
  { symbol: 'ICE', name: 'Intercontinental Exchange' },
  { symbol: 'CAT', name: 'Caterpillar Inc.' },
];

/** The full constituents list (Symbol, Security columns) from ../shared/data; call only under hasSharedData. */
export function sp500Universe(): ListedCompany[] {
  const rows = parse(readFileSync(sharedData('constituents', 'sp500_constituents.csv')), { columns: true }) as Record<string, string>[];
  return rows.map((row) => ({ symbol: row.Symbol ?? '', name: row.Security ?? '' }));
}
