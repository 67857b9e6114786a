// Public surface of the portfolio domain (ledger, valuation, CSV import); analytics/ has its own.
export { MONEY_DP, Money, canonicalDecimal, decimalOrNull, divideMoney, toDecimal } from './decimal.ts';
export type { Transaction, TransactionInput, TransactionType } from './transaction.ts';
export {
  TRANSACTION_TYPES,
  TransactionError,
  compareTransactions,
  describeTransaction,
  normalizeTransaction,
  parseTransactionDate,
  sortTransactions,
  tradingDateOf,
  transactionProblem,
} from './transaction.ts';
export type { CashFlow, LedgerStep, Position } from './ledger.ts';
export { Ledger, ledgerSteps, positionsFrom } from './ledger.ts';
export type {
  Allocation,
  AllocationItem,
  AllocationSlice,
  CurrencySummary,
  CurrencySummaryItem,
  HoldingValuation,
  HoldingValuationInput,
} from './valuation.ts';
export { UNKNOWN_SECTOR, allocation, summarizeByCurrency, valueHolding } from './valuation.ts';
export type { CsvField, CsvImportOptions, CsvImportResult, CsvImportRow, CsvLineNote } from './csv-import.ts';
export {
  CSV_HEADER_ALIASES,
  parseAmount,
  parseCsvDate,
  parseRatio,
  parseTransactionsCsv,
  transactionKey,
  transactionTypeOf,
} from './csv-import.ts';
