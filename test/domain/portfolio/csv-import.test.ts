import { describe, expect, it } from 'vitest';
import {
  parseAmount,
  parseCsvDate,
  parseRatio,
  parseTransactionsCsv,
  transactionTypeOf,
  type CsvImportRow,
} from '../../../src/domain/portfolio/csv-import.ts';

/** A row as comparable text: line, date, symbol, type, shares, price, fees, currency. */
const row = (r: CsvImportRow): string =>
  [r.line, r.date.toISOString(), r.symbol, r.type, r.shares.toFixed(), r.price.toFixed(), r.fees.toFixed(), r.currency].join(' ');

describe('parseTransactionsCsv: the generic columns', () => {
  it('reads each row with its line number', () => {
    const result = parseTransactionsCsv([
      'date,symbol,type,shares,price,fees,currency',
      '2024-01-02,AAPL,buy,10,185.5,1,USD',
      '2024-02-01,aapl,sell,4,190.25,,usd',
      '2024-02-15,AAPL,dividend,6,0.24,0.04,USD',
      '2024-03-01,NVDA,split,10,,,USD',
    ].join('\n'));
    expect(result.rejected).toEqual([]);
    expect(result.ignored).toEqual([]);
    expect(result.rows.map(row)).toEqual([
      '2 2024-01-02T00:00:00.000Z AAPL buy 10 185.5 1 USD',
      '3 2024-02-01T00:00:00.000Z AAPL sell 4 190.25 0 USD',
      '4 2024-02-15T00:00:00.000Z AAPL dividend 6 0.24 0.04 USD',
      '5 2024-03-01T00:00:00.000Z NVDA split 10 0 0 USD',
    ]);
    expect(result.header?.line).toBe(1);
    expect(result.rows[0]?.tradingDate).toBe('2024-01-02');
  });

  it('rejects each bad row with its line and reason, keeping the good ones', () => {
    const result = parseTransactionsCsv([
      'date,symbol,type,shares,price,fees,currency',
      '2024-01-02,AAPL,buy,10,185.5,1,USD',
      '2024-01-03,,buy,10,185.5,1,USD',
      '2024-01-04,AAPL,short,10,185.5,1,USD',
      '2024-01-05,AAPL,buy,0,185.5,1,USD',
      '2024-13-01,AAPL,buy,1,185.5,1,USD',
      '2024-01-06,AAPL,buy,1,-5,1,USD',
      '2024-01-07,AAPL,buy,1,1.5.2,1,USD',
      '2024-01-08,AAPL,buy,1,10,1,DOLLARS',
      '2024-01-09,AAPL,buy,,10,1,USD',
      '2024-01-10,AAPL,dividend,,,,USD',
      '2024-01-11,AAPL,buy,"1,5",10,,USD',
    ].join('\n'));
    expect(result.rows.map((r) => r.line)).toEqual([2]);
    expect(result.rejected).toEqual([
      { line: 3, reason: 'missing symbol' },
      { line: 4, reason: 'unknown type "short"' },
      { line: 5, reason: 'shares must be > 0' },
      { line: 6, reason: 'unreadable date "2024-13-01"' },
      { line: 7, reason: 'price must be > 0' },
      { line: 8, reason: 'unreadable price "1.5.2"' },
      { line: 9, reason: 'currency must be a 3-letter ISO code, got "DOLLARS"' },
      { line: 10, reason: 'missing quantity' },
      { line: 11, reason: 'a dividend needs shares and price, or an amount' },
      { line: 12, reason: 'unreadable quantity "1,5"' },
    ]);
  });

  it('counts lines of the file, blank lines and multi-line quoted fields included', () => {
    const result = parseTransactionsCsv('date,symbol,type,shares,price,notes\r\n\r\n2024-01-02,AAPL,buy,1,10,"two\r\nlines"\r\n2024-01-03,AAPL,buy,x,10,\r\n');
    expect(result.rows.map((r) => r.line)).toEqual([3]);
    expect(result.rejected).toEqual([{ line: 5, reason: 'unreadable quantity "x"' }]);
  });

  it('says so when there is no header it can use', () => {
    const result = parseTransactionsCsv('when,what\n2024-01-02,AAPL\n');
    expect(result.rows).toEqual([]);
    expect(result.header).toBeNull();
    expect(result.rejected[0]?.line).toBe(1);
    expect(result.rejected[0]?.reason).toMatch(/no header row naming a date, a symbol and a type or quantity column/);
  });

  it('reports a malformed file (an unclosed quote) on a line', () => {
    const result = parseTransactionsCsv('date,symbol,type,shares,price\n2024-01-02,"AAPL,buy,1,10\n');
    expect(result.rows).toEqual([]);
    expect(result.rejected[0]?.reason).toMatch(/^malformed CSV/);
  });

  it('uses the default currency when there is no currency column', () => {
    const result = parseTransactionsCsv('date,symbol,type,shares,price\n2024-01-02,SAP,buy,1,10\n', { defaultCurrency: 'eur' });
    expect(result.rows[0]?.currency).toBe('EUR');
  });
});

describe('parseTransactionsCsv: broker exports', () => {
  it('maps Trade Date / Ticker / Action / Quantity / Price per share / Commission / Currency with BOUGHT and SOLD', () => {
    const result = parseTransactionsCsv([
      'Trade Date,Settlement Date,Ticker,Action,Quantity,Price per share,Commission,Currency',
      '2024-03-04,2024-03-06,MSFT,BOUGHT,5,410.10,0.65,USD',
      '2024-03-05,2024-03-07,MSFT,Sold,-2,415.00,-0.65,USD',
      '2024-03-15,2024-03-15,MSFT,Dividend,3,0.75,,USD',
    ].join('\n'));
    expect(result.rejected).toEqual([]);
    expect(result.header?.columns).toMatchObject({ date: 'Trade Date', symbol: 'Ticker', type: 'Action', shares: 'Quantity', price: 'Price per share', fees: 'Commission', currency: 'Currency' });
    expect(result.rows.map(row)).toEqual([
      '2 2024-03-04T00:00:00.000Z MSFT buy 5 410.1 0.65 USD',
      '3 2024-03-05T00:00:00.000Z MSFT sell 2 415 0.65 USD',
      '4 2024-03-15T00:00:00.000Z MSFT dividend 3 0.75 0 USD',
    ]);
  });

  it('reads a Schwab-style export: title line, US dates with "as of", dollar amounts, an amount-only dividend, cash rows and a total', () => {
    const result = parseTransactionsCsv([
      '"Transactions  for account XXXX-1234 as of 03/31/2024 09:15:12 PM ET"',
      '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"',
      '"03/01/2024","Buy","KO","COCA COLA CO","100","$59.50","$0.00","-$5,950.00"',
      '"03/15/2024 as of 03/14/2024","Qualified Dividend","KO","COCA COLA CO","","","","$48.50"',
      '"03/20/2024","MoneyLink Deposit","","Tfr BANK","","","","$10,000.00"',
      '"03/28/2024","Sell","KO","COCA COLA CO","40","$1,060.25","$0.05","$42,409.95"',
      'Transactions Total,"","","","","","","$56,408.45"',
    ].join('\n'));
    expect(result.header?.line).toBe(2);
    expect(result.rejected).toEqual([]);
    expect(result.rows.map(row)).toEqual([
      '3 2024-03-01T00:00:00.000Z KO buy 100 59.5 0 USD',
      '4 2024-03-14T00:00:00.000Z KO dividend 1 48.5 0 USD',
      '6 2024-03-28T00:00:00.000Z KO sell 40 1060.25 0.05 USD',
    ]);
    expect(result.ignored).toEqual([
      { line: 5, reason: '"MoneyLink Deposit" moves cash only' },
      { line: 7, reason: 'no symbol and no type: not a transaction' },
    ]);
  });

  it('reads a Trading 212-style export: Action / Time / No. of shares / Price / share / Currency (Price / share)', () => {
    const result = parseTransactionsCsv([
      'Action,Time,ISIN,Ticker,Name,No. of shares,Price / share,Currency (Price / share),Total',
      'Market buy,2024-04-02 14:31:07,US0378331005,AAPL,Apple,0.5,168.84,USD,84.42',
      'Limit sell,2024-04-03 09:45:00,US0378331005,AAPL,Apple,0.25,170,USD,42.5',
      'Deposit,2024-04-01 08:00:00,,,,,,,100',
    ].join('\n'));
    expect(result.rejected).toEqual([]);
    // wall times without a zone are New York time: 14:31:07 EDT is 18:31:07 UTC
    expect(result.rows.map(row)).toEqual([
      '2 2024-04-02T18:31:07.000Z AAPL buy 0.5 168.84 0 USD',
      '3 2024-04-03T13:45:00.000Z AAPL sell 0.25 170 0 USD',
    ]);
    expect(result.ignored).toEqual([{ line: 4, reason: '"Deposit" moves cash only' }]);
  });

  it('reads an export without a type column from the sign of the quantity (Interactive Brokers style, ; delimiter)', () => {
    const result = parseTransactionsCsv([
      'Symbol;Date/Time;Quantity;T. Price;Comm/Fee;Currency',
      'SPY;"2024-01-16, 10:30:00";20;474.93;-1;USD',
      'SPY;"2024-01-17, 15:59:59";-5;472.29;-1.0025;USD',
    ].join('\n'));
    expect(result.rejected).toEqual([]);
    expect(result.rows.map(row)).toEqual([
      '2 2024-01-16T15:30:00.000Z SPY buy 20 474.93 1 USD',
      '3 2024-01-17T20:59:59.000Z SPY sell 5 472.29 1.0025 USD',
    ]);
  });

  it('reads split ratios written as 2:1, 3-for-2 or 1:10', () => {
    const result = parseTransactionsCsv([
      'date,symbol,type,shares,price,ratio',
      '2024-06-10,NVDA,Stock Split,,,10:1',
      '2024-06-11,ABC,split,,,3-for-2',
      '2024-06-12,XYZ,Reverse Split,,,1:10',
    ].join('\n'));
    expect(result.rows.map((r) => `${r.symbol} ${r.type} ${r.shares.toFixed()}`)).toEqual(['NVDA split 10', 'ABC split 1.5', 'XYZ split 0.1']);
  });
});

describe('duplicate keys', () => {
  const file = [
    'date,symbol,type,shares,price,fees,currency',
    '2024-01-02,AAPL,buy,10,185.50,1,USD',
    '2024-01-02,AAPL,buy,10,185.50,1,USD',
    '2024-01-03,AAPL,sell,5,190,0,USD',
  ].join('\n');

  it('are the same when the same file is imported again', () => {
    const first = parseTransactionsCsv(file).rows.map((r) => r.duplicateKey);
    const again = parseTransactionsCsv(file).rows.map((r) => r.duplicateKey);
    expect(again).toEqual(first);
    expect(first[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tell two identical fills in one file apart', () => {
    const [a, b, c] = parseTransactionsCsv(file).rows.map((r) => r.duplicateKey);
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('recognise the same transaction written differently by another export', () => {
    const other = parseTransactionsCsv([
      'Ticker,Trade Date,Action,Qty,Price,Fees,Currency',
      'aapl,01/02/2024,Bought,10.0,185.5,1.00,usd',
    ].join('\n'));
    expect(other.rows[0]?.duplicateKey).toBe(parseTransactionsCsv(file).rows[0]?.duplicateKey);
  });

  it('differ when any field differs', () => {
    const changed = parseTransactionsCsv(file.replace('2024-01-03,AAPL,sell,5,190,0', '2024-01-03,AAPL,sell,5,190.01,0')).rows[2];
    expect(changed?.duplicateKey).not.toBe(parseTransactionsCsv(file).rows[2]?.duplicateKey);
  });
});

describe('the value readers', () => {
  it.each([
    ['1,234.50', '1234.5'], ['$12.5', '12.5'], ['(12.50)', '-12.5'], ['-$5,950.00', '-5950'], ['USD 12.5', '12.5'], ['+3', '3'], ['.5', '0.5'],
  ])('reads the amount %s', (raw, expected) => {
    const value = parseAmount(raw);
    expect(value === null || value === 'invalid' ? value : value.toFixed()).toBe(expected);
  });

  it.each(['1,5', '12,34', '1.2.3', 'abc', '--1', '0x10', 'Infinity'])('refuses the amount %s', (raw) => {
    expect(parseAmount(raw)).toBe('invalid');
  });

  it('treats an empty amount as missing', () => {
    expect(parseAmount('  ')).toBeNull();
  });

  it.each([
    ['2024-01-15', '2024-01-15T00:00:00.000Z'],
    ['20240115', '2024-01-15T00:00:00.000Z'],
    ['1/5/2024', '2024-01-05T00:00:00.000Z'],
    ['15-Jan-2024', '2024-01-15T00:00:00.000Z'],
    ['Jan 15, 2024', '2024-01-15T00:00:00.000Z'],
    ['2024-01-15T10:30:00Z', '2024-01-15T10:30:00.000Z'],
    ['2024-01-15T10:30:00+01:00', '2024-01-15T09:30:00.000Z'],
    ['2024-07-15 09:30', '2024-07-15T13:30:00.000Z'],
    ['01/15/2024 3:59:00 PM', '2024-01-15T20:59:00.000Z'],
  ])('reads the date %s', (raw, expected) => {
    expect(parseCsvDate(raw)?.toISOString()).toBe(expected);
  });

  it('reads slashed dates day first when asked', () => {
    expect(parseCsvDate('1/5/2024', 'dmy')?.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(parseCsvDate('31/1/2024', 'mdy')).toBeNull();
  });

  it.each(['2024-02-30', '24-01-15', 'yesterday', '2024-01-15 25:00'])('refuses the date %s', (raw) => {
    expect(parseCsvDate(raw)).toBeNull();
  });

  it.each([
    ['2:1', '2'], ['3-for-2', '1.5'], ['3 for 2', '1.5'], ['1/10', '0.1'], ['4', '4'],
  ])('reads the split ratio %s', (raw, expected) => {
    expect(parseRatio(raw)?.toFixed()).toBe(expected);
  });

  it.each([
    ['BUY', 'buy'], ['Bought', 'buy'], ['YOU BOUGHT APPLE INC (AAPL)', 'buy'], ['Market buy', 'buy'], ['Buy to cover', 'buy'],
    ['SELL', 'sell'], ['Sold', 'sell'], ['Limit sell', 'sell'], ['Sell Short', 'sell'],
    ['Dividend', 'dividend'], ['CDIV', 'dividend'], ['Qualified Dividend', 'dividend'], ['DIVIDEND RECEIVED', 'dividend'],
    ['Stock Split', 'split'], ['Deposit', 'cash'], ['Interest', 'cash'], ['Foreign Tax Paid', 'cash'], ['Dividend tax', 'cash'],
    ['Short', null], ['', null],
  ])('reads the type %s', (raw, expected) => {
    expect(transactionTypeOf(raw)).toBe(expected);
  });
});
