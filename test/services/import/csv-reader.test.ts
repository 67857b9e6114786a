import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nyWallTime } from '../../../src/domain/calendar/index.ts';
import { symbolFromFileName } from '../../../src/domain/import/csv-fields.ts';
import { listCsvFiles } from '../../../src/services/import/csv-files.ts';
import {
  readCsvBars,
  type CsvEvent,
  type CsvFileSummary,
  type CsvReject,
  type CsvRow,
  type ReadCsvOptions,
} from '../../../src/services/import/csv-reader.ts';
import { sharedData } from '../../support/shared-data.ts';

interface Collected {
  events: CsvEvent[];
  rows: CsvRow[];
  rejects: CsvReject[];
  summaries: CsvFileSummary[];
  intervals: Set<'1d' | '1m'>;
  batches: number[];
}

async function collect(path: string, options?: ReadCsvOptions): Promise<Collected> {
  const out: Collected = { events: [], rows: [], rejects: [], summaries: [], intervals: new Set(), batches: [] };
  for await (const event of readCsvBars(path, options)) {
    out.events.push(event);
    if (event.kind === 'rows') {
      out.rows.push(...event.rows);
      out.intervals.add(event.interval);
      out.batches.push(event.rows.length);
    } else if (event.kind === 'reject') {
      out.rejects.push(event.reject);
    } else if (event.kind === 'file') {
      out.summaries.push(event.summary);
    }
  }
  return out;
}

/** Rejects as `line: reason`, for exact comparison. */
const described = (rejects: readonly CsvReject[]): string[] => rejects.map((r) => `${r.line}: ${r.reason}`);
const iso = (row: CsvRow | undefined): string | undefined => row?.bar.timestamp.toISOString();

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-bars-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, lines: readonly string[], eol = '\n'): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, lines.join(eol) + eol);
  return path;
}

describe('formats', () => {
  it('reads the long format with a ticker column (BOM, CRLF)', async () => {
    const file = await fixture(
      'merged.csv',
      [
        '\uFEFFdate,ticker,open,high,low,close,adj_close,volume',
        '2015-01-12,AAL,51.06,51.45,49.2,49.58,47.150826,18261300',
        '2015-01-13,AAL,50.12,51.43,49.46,50.4,47.930649,12259300',
        '2015-01-12,aapl,112.6,112.8,108.91,109.25,99.4,49650800',
      ],
      '\r\n',
    );
    const { rows, rejects, summaries, intervals } = await collect(file);
    expect(rejects).toEqual([]);
    expect(intervals).toEqual(new Set(['1d']));
    expect(summaries).toEqual([{ file, format: 'long', rowsRead: 3, rowsAccepted: 3, rejects: 0 }]);
    expect(rows.map((r) => r.symbol)).toEqual(['AAL', 'AAL', 'AAPL']);
    expect(rows[0]).toEqual({
      symbol: 'AAL',
      bar: {
        timestamp: new Date('2015-01-12T00:00:00Z'),
        open: 51.06,
        high: 51.45,
        low: 49.2,
        close: 49.58,
        adjustedClose: 47.150826,
        volume: 18261300,
      },
    });
  });

  it.each(['Name', 'Symbol', 'Ticker', 'Stock'])('takes the symbol from a %s column, in any column order', async (name) => {
    const file = await fixture('x.csv', [
      `Date,High,Low,Open,Close,Volume,Adj Close,${name}`,
      '2013-02-08,15.12,14.63,15.07,14.75,8407500,13.9,AAL',
    ]);
    const { rows, summaries } = await collect(file);
    expect(summaries[0]?.format).toBe('long');
    expect(summaries[0]?.rowsAccepted).toBe(1);
    expect(rows).toEqual([
      {
        symbol: 'AAL',
        bar: { timestamp: new Date('2013-02-08T00:00:00Z'), open: 15.07, high: 15.12, low: 14.63, close: 14.75, adjustedClose: 13.9, volume: 8407500 },
      },
    ]);
  });

  it('accepts decorated Yahoo column names (`Close*`, `Adj. Close**`, padding)', async () => {
    const file = await fixture('MSFT.csv', [' Date ,Open,High,Low,Close*,Adj. Close**,Volume', '2020-01-02,158.78,160.73,158.33,160.62,156.6,22622100']);
    const { rows, summaries } = await collect(file);
    expect(summaries[0]?.format).toBe('yahoo');
    expect(rows[0]?.bar).toMatchObject({ close: 160.62, adjustedClose: 156.6 });
  });

  it('reads a Yahoo download with the symbol from the file name, or from options.symbol', async () => {
    const file = await fixture('AAPL.csv', [
      'Date,Open,High,Low,Close,Adj Close,Volume',
      '2020-01-09,307.24,310.43,306.2,309.63,302.1,42527100',
      '2020-01-10,310.6,312.67,308.25,310.33,302.78,35161200',
    ]);
    const { rows, summaries } = await collect(file);
    expect(summaries).toEqual([{ file, format: 'yahoo', rowsRead: 2, rowsAccepted: 2, rejects: 0 }]);
    expect(rows.map((r) => [r.symbol, iso(r), r.bar.adjustedClose])).toEqual([
      ['AAPL', '2020-01-09T00:00:00.000Z', 302.1],
      ['AAPL', '2020-01-10T00:00:00.000Z', 302.78],
    ]);

    const renamed = await collect(file, { symbol: 'brk-b' });
    expect(renamed.rows.map((r) => r.symbol)).toEqual(['BRK-B', 'BRK-B']);
  });

  it('reads the Kaggle huge-stock-market format (`aapl.us.txt`, OpenInt ignored)', async () => {
    const file = await fixture('aapl.us.txt', [
      'Date,Open,High,Low,Close,Volume,OpenInt',
      '2000-01-03,3.3577,3.6011,3.2554,3.5833,149424648,0',
    ]);
    const { rows, summaries } = await collect(file);
    expect(summaries[0]?.format).toBe('kaggle-huge');
    expect(rows).toEqual([
      {
        symbol: 'AAPL',
        bar: { timestamp: new Date('2000-01-03T00:00:00Z'), open: 3.3577, high: 3.6011, low: 3.2554, close: 3.5833, adjustedClose: null, volume: 149424648 },
      },
    ]);
  });

  it('reads the plotly finance-charts-apple layout (symbol from the column prefix)', async () => {
    const file = await fixture('finance-charts-apple.csv', [
      'Date,AAPL.Open,AAPL.High,AAPL.Low,AAPL.Close,AAPL.Volume,AAPL.Adjusted,dn,mavg,up,direction',
      '2015-02-17,127.489998,128.880005,126.919998,127.830002,63152400,122.905254,106.7410523,117.9276669,129.1142814,Increasing',
    ]);
    const { rows, summaries } = await collect(file);
    expect(summaries[0]?.format).toBe('plotly');
    expect(rows).toEqual([
      {
        symbol: 'AAPL',
        bar: {
          timestamp: new Date('2015-02-17T00:00:00Z'),
          open: 127.489998,
          high: 128.880005,
          low: 126.919998,
          close: 127.830002,
          adjustedClose: 122.905254,
          volume: 63152400,
        },
      },
    ]);
  });

  it('reads the dash-stock-ticker-demo layout: unnamed index column, newest first, emitted oldest first', async () => {
    const file = await fixture('dash-stock-ticker-demo.csv', [
      ',Date,Open,High,Low,Close,Volume,ExDividend,SplitRatio,AdjOpen,AdjHigh,AdjLow,AdjClose,AdjVolume,Stock',
      '0,2017-12-29,170.52,170.59,169.22,169.23,25643711.0,0.0,1.0,170.52,170.59,169.22,169.23,25643711.0,AAPL',
      '1,2017-12-28,171.0,171.85,170.48,171.08,15997739.0,0.0,1.0,171.0,171.85,170.48,171.08,15997739.0,AAPL',
      '2,2017-12-27,170.1,170.78,169.71,170.6,21672062.0,0.0,1.0,170.1,170.78,169.71,170.6,21672062.0,AAPL',
      '3,2017-12-29,316.18,316.41,310.0,311.35,3777155.0,0.0,1.0,316.18,316.41,310.0,311.35,3777155.0,TSLA',
      '4,2017-12-28,311.75,315.82,309.54,315.36,4321622.0,0.0,1.0,311.75,315.82,309.54,315.36,4321622.0,TSLA',
    ]);
    const { rows, summaries } = await collect(file, { batchSize: 2 });
    expect(summaries).toEqual([{ file, format: 'quandl-wiki', rowsRead: 5, rowsAccepted: 5, rejects: 0 }]);
    expect(rows.map((r) => `${r.symbol} ${iso(r)?.slice(0, 10)}`)).toEqual([
      'AAPL 2017-12-27',
      'AAPL 2017-12-28',
      'AAPL 2017-12-29',
      'TSLA 2017-12-28',
      'TSLA 2017-12-29',
    ]);
    expect(rows[2]?.bar).toEqual({
      timestamp: new Date('2017-12-29T00:00:00Z'),
      open: 170.52,
      high: 170.59,
      low: 169.22,
      close: 169.23,
      adjustedClose: 169.23,
      volume: 25643711,
    });
  });

  it('reads SPY-style 1-minute bars (`date,Open,…`, float volumes) as UTC instants from New York time', async () => {
    const file = await fixture('SPY_1min_2025-07-01_2025-07-30.csv', [
      'date,Open,High,Low,Close,Volume',
      '2025-07-01 04:00:00,617.68,617.68,617.03,617.1,6873.0',
      '2025-07-01 09:30:00,617.2,617.5,617.0,617.4,1200.0',
      '2025-07-01 20:00:00,617.65,617.65,617.65,617.65,830759.0',
    ]);
    const { rows, summaries, intervals } = await collect(file);
    expect(intervals).toEqual(new Set(['1m']));
    expect(summaries).toEqual([{ file, format: 'minute', rowsRead: 3, rowsAccepted: 3, rejects: 0 }]);
    expect(rows.map((r) => [r.symbol, iso(r), r.bar.volume, r.bar.adjustedClose])).toEqual([
      ['SPY', '2025-07-01T08:00:00.000Z', 6873, null],
      ['SPY', '2025-07-01T13:30:00.000Z', 1200, null],
      ['SPY', '2025-07-02T00:00:00.000Z', 830759, null],
    ]);
  });

  it('reads masonblier 1-minute bars (`datetime,…`, newest first) oldest first, in EST', async () => {
    const file = await fixture('AAPL_1min_2019-02-11_2019-02-15.csv', [
      'datetime,open,high,low,close,volume',
      '2019-02-15 16:00:00,170.23,170.42,170.21,170.38,427888',
      '2019-02-15 15:59:00,170.17,170.25,170.13,170.2461,202717',
      '2019-02-11 09:31:00,171.14,171.2,170.7,170.97,619925',
    ]);
    const { rows, summaries, intervals } = await collect(file);
    expect(intervals).toEqual(new Set(['1m']));
    expect(summaries[0]?.format).toBe('minute');
    expect(rows.map((r) => [r.symbol, iso(r)])).toEqual([
      ['AAPL', '2019-02-11T14:31:00.000Z'],
      ['AAPL', '2019-02-15T20:59:00.000Z'],
      ['AAPL', '2019-02-15T21:00:00.000Z'],
    ]);
  });

  it('converts New York wall time across the DST change', async () => {
    const file = await fixture('QQQ.csv', [
      'datetime,open,high,low,close,volume',
      '2019-03-08 09:30,170,171,169,170.5,10',
      '2019-03-11 09:30,171,172,170,171.5,20',
      '2019-11-01 16:00,190,191,189,190.5,30',
      '2019-11-04 16:00,191,192,190,191.5,40',
    ]);
    const { rows } = await collect(file);
    expect(rows.map(iso)).toEqual([
      '2019-03-08T14:30:00.000Z',
      '2019-03-11T13:30:00.000Z',
      '2019-11-01T20:00:00.000Z',
      '2019-11-04T21:00:00.000Z',
    ]);
  });

  it('matches nyWallTime for every quarter hour of both 2019 DST-change days', async () => {
    const expected: string[] = [];
    const lines = ['datetime,open,high,low,close,volume'];
    for (const date of ['2019-03-10', '2019-11-03']) {
      for (let hour = 0; hour < 24; hour += 1) {
        // 02:xx does not exist on 2019-03-10; nyWallTime maps it onto 03:xx, which would be a duplicate.
        if (date === '2019-03-10' && hour === 3) continue;
        for (const minute of [0, 15, 30, 45]) {
          lines.push(`${date} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00,1,1,1,1,1`);
          expected.push(nyWallTime(date, hour, minute).toISOString());
        }
      }
    }
    const { rows, rejects } = await collect(await fixture('SPY.csv', lines));
    expect(rejects).toEqual([]);
    expect(rows.map(iso)).toEqual(expected);
    expect(expected).toContain('2019-11-03T05:30:00.000Z'); // 01:30 repeated: the first (EDT) reading
  });

  it('rejects an unknown header once, at line 1, and reads nothing of the file', async () => {
    const file = await fixture('prices.csv', ['when,price,qty', '2020-01-02,1,2', '2020-01-03,1,2']);
    const { rows, rejects, summaries } = await collect(file);
    expect(rows).toEqual([]);
    expect(described(rejects)).toEqual(['1: unrecognised header: when,price,qty (no date, open, high, low, close, volume columns)']);
    expect(rejects[0]?.file).toBe(file);
    expect(summaries).toEqual([{ file, format: 'unknown', rowsRead: 0, rowsAccepted: 0, rejects: 1 }]);
  });

  it('rejects headers it cannot read unambiguously', async () => {
    const cases: [string, string][] = [
      ['Date,Time,Open,High,Low,Close,Volume', 'separate date and time columns are not supported'],
      ['Date,Open,High,Low,Close,Volume,close', 'two close columns (Close, close)'],
      ['Date,AAPL.Open,AAPL.High,AAPL.Low,MSFT.Close,AAPL.Volume', 'columns for several symbols (AAPL, MSFT)'],
      ['Date,Open,High,Low,Close', 'no volume column'],
    ];
    for (const [header, why] of cases) {
      const file = await fixture('AAPL.csv', [header, '2020-01-02,1,1,1,1,1,1']);
      const { rejects, summaries } = await collect(file);
      expect(described(rejects)).toEqual([`1: unrecognised header: ${header} (${why})`]);
      expect(summaries[0]?.rowsRead).toBe(0);
    }
  });

  it('reports an empty file, and a header-only file reads zero rows without rejects', async () => {
    const empty = join(dir, 'EMPTY.csv');
    await writeFile(empty, '');
    const a = await collect(empty);
    expect(described(a.rejects)).toEqual(['1: empty file: no header row']);
    expect(a.summaries).toEqual([{ file: empty, format: 'unknown', rowsRead: 0, rowsAccepted: 0, rejects: 1 }]);

    const headerOnly = await fixture('AAPL.csv', ['Date,Open,High,Low,Close,Adj Close,Volume']);
    const b = await collect(headerOnly);
    expect(b.rejects).toEqual([]);
    expect(b.rows).toEqual([]);
    expect(b.summaries).toEqual([{ file: headerOnly, format: 'yahoo', rowsRead: 0, rowsAccepted: 0, rejects: 0 }]);
  });

  it('needs a valid symbol when the file name does not give one', async () => {
    const file = await fixture('my prices.csv', ['Date,Open,High,Low,Close,Volume', '2020-01-02,1,2,0.5,1.5,100']);
    const { rejects, summaries } = await collect(file);
    expect(described(rejects)).toEqual([
      '1: no symbol for this file: "MY PRICES" (from its name) is not a valid symbol; name one explicitly',
    ]);
    expect(summaries[0]).toEqual({ file, format: 'ohlcv', rowsRead: 0, rowsAccepted: 0, rejects: 1 });

    const named = await collect(file, { symbol: 'xyz' });
    expect(named.rows.map((r) => r.symbol)).toEqual(['XYZ']);
    expect(named.summaries[0]?.format).toBe('ohlcv');

    await expect(collect(file, { symbol: '^GSPC' })).rejects.toThrow(RangeError);
    await expect(collect(file, { batchSize: 0 })).rejects.toThrow(RangeError);
  });

  it('derives symbols from file names', () => {
    expect(symbolFromFileName('/data/AAPL.csv')).toBe('AAPL');
    expect(symbolFromFileName('aapl.us.txt')).toBe('AAPL');
    expect(symbolFromFileName('brk-b.us.txt')).toBe('BRK-B');
    expect(symbolFromFileName('BRK.B.csv')).toBe('BRK.B');
    expect(symbolFromFileName('SPY_1min_2025-07-01_2025-07-30.csv')).toBe('SPY');
  });
});

describe('row validation', () => {
  it('rejects bad daily rows with the exact line and reason, and repairs small bracket violations', async () => {
    const file = await fixture('long.csv', [
      'date,ticker,open,high,low,close,adj_close,volume', //                      1
      '2020-01-02,AAA,10,11,9,10.5,10.4,1000', //                                  2 ok
      '2020-13-01,AAA,10,11,9,10.5,10.4,1000', //                                  3 month 13
      'yesterday,AAA,10,11,9,10.5,10.4,1000', //                                   4
      '2019-02-30,AAA,10,11,9,10.5,10.4,1000', //                                  5 no such day
      ',AAA,10,11,9,10.5,10.4,1000', //                                            6
      '2020-01-03,AAA,,11,9,10.5,10.4,1000', //                                    7
      '2020-01-06,AAA,null,null,null,null,null,0', //                              8 Yahoo holiday row
      '2020-01-07,AAA,10,abc,9,10.5,10.4,1000', //                                 9
      '2020-01-08,AAA,10,11,-9,10.5,10.4,1000', //                                10
      '2020-01-09,AAA,0,0,0,0,0,0', //                                            11
      '2020-01-10,AAA,10,9,11,10,10,1000', //                                     12 high < low
      '2020-01-13,AAA,10,10.5,9,10.7,10.6,1000', //                               13 close 1.87% over high
      '2020-01-14,AAA,10,10.6,9.5,10.65,10.6,1000', //                            14 close 0.47% over high: widened
      '2020-01-15,AAA,10,11,9.8,9.6,9.6,1000', //                                 15 close 2.04% under low
      '2020-01-16,AAA,10,11,9.65,9.6,9.6,1000', //                                16 close 0.52% under low: widened
      '2020-01-17,AAA,10,11,9,10.5,10.4,-5', //                                   17
      '2020-01-21,AAA,10,11,9,10.5,10.4,12.5', //                                 18
      '2020-01-22,AAA,10,11,9,10.5,10.4,NaN', //                                  19
      '2020-01-23,AAA,10,11,9,10.5,10.4,lots', //                                 20
      '2020-01-24,AAA,10,11,9,10.5,10.4,1234.0', //                               21 ok, volume 1234
      '2020-01-02,AAA,10.1,11,9,10.5,10.4,1000', //                               22 duplicate of 2
      '2020-01-02,AAA,0,0,0,0,0,0', //                                            23 zero and duplicate
      '2020-01-27,^GSPC,10,11,9,10.5,10.4,1000', //                               24
      '2020-01-27,,10,11,9,10.5,10.4,1000', //                                    25
      '2020-01-28,AAA,10,11,9,10.5,x,1000', //                                    26
      '2020-01-29,AAA,10,11,9,10.5,,1000', //                                     27 ok, no adj close
      '2020-01-30 09:30:00,AAA,10,11,9,10.5,10.4,1000', //                        28
      '2020-01-31,AAA,10,11,9,10.5,10.4', //                                      29 a column short
      '2020-01-31,AAA,10,11,9,10.5,10.4,1000', //                                 30 ok
    ]);
    const { rows, rejects, summaries } = await collect(file);
    expect(described(rejects)).toEqual([
      '3: unparsable date "2020-13-01"',
      '4: unparsable date "yesterday"',
      '5: unparsable date "2019-02-30"',
      '6: missing date',
      '7: missing open',
      '8: missing open, high, low, close ("null")',
      '9: non-numeric high "abc"',
      '10: negative price: low -9',
      '11: zero price in open, high, low, close',
      '12: high 9 is below low 11',
      '13: high 10.5 is below max(open, close) 10.7 by 1.87%',
      '15: low 9.8 is above min(open, close) 9.6 by 2.08%',
      '17: negative volume -5',
      '18: fractional volume 12.5',
      '19: missing volume ("NaN")',
      '20: non-numeric volume "lots"',
      '22: duplicate of line 2',
      '23: zero price in open, high, low, close (also a duplicate of line 2)',
      '24: invalid symbol "^GSPC"',
      '25: missing symbol',
      '26: non-numeric adj close "x"',
      '28: expected a date (YYYY-MM-DD), got "2020-01-30 09:30:00"',
      '29: wrong number of columns: 7, expected 8',
    ]);
    expect(rejects.every((r) => r.file === file)).toBe(true);
    expect(summaries).toEqual([{ file, format: 'long', rowsRead: 29, rowsAccepted: 6, rejects: 23 }]);

    const byDate = new Map(rows.map((r) => [iso(r)?.slice(0, 10), r.bar]));
    expect([...byDate.keys()]).toEqual(['2020-01-02', '2020-01-14', '2020-01-16', '2020-01-24', '2020-01-29', '2020-01-31']);
    expect(byDate.get('2020-01-02')?.open).toBe(10); // the first of the duplicates is kept
    expect(byDate.get('2020-01-14')).toMatchObject({ open: 10, high: 10.65, low: 9.5, close: 10.65 });
    expect(byDate.get('2020-01-16')).toMatchObject({ open: 10, high: 11, low: 9.6, close: 9.6 });
    expect(byDate.get('2020-01-24')?.volume).toBe(1234);
    expect(byDate.get('2020-01-29')?.adjustedClose).toBeNull();
  });

  it('rejects date-only and off-minute rows in a 1-minute file and duplicates of a minute', async () => {
    const file = await fixture('SPY_1min.csv', [
      'date,Open,High,Low,Close,Volume', //        1
      'garbage,1,1,1,1,1', //                      2 undecided yet: unparsable
      '2025-07-01 09:30:00,10,11,9,10,5', //       3 ok: the file is 1-minute
      '2025-07-01,10,11,9,10,5', //                4
      '2025-07-01 09:31:30,10,11,9,10,5', //       5
      '2025-07-01 25:00:00,10,11,9,10,5', //       6
      '2025-07-01 09:31:00,10,11,9,10,5', //       7 ok
      '2025-07-01 09:30:00,10,11,9,10,6', //       8 duplicate
    ]);
    const { rows, rejects, summaries } = await collect(file);
    expect(described(rejects)).toEqual([
      '2: unparsable date "garbage"',
      '4: expected a date and time (YYYY-MM-DD HH:MM:SS), got "2025-07-01"',
      '5: timestamp "2025-07-01 09:31:30" is not on a whole minute',
      '6: unparsable date "2025-07-01 25:00:00"',
      '8: duplicate of line 3',
    ]);
    expect(rows.map(iso)).toEqual(['2025-07-01T13:30:00.000Z', '2025-07-01T13:31:00.000Z']);
    expect(summaries[0]).toMatchObject({ format: 'minute', rowsRead: 7, rowsAccepted: 2, rejects: 5 });
  });

  it('keeps line numbers exact across blank lines and quoted multi-line fields', async () => {
    const file = await fixture('AAPL.csv', [
      'Date,Open,High,Low,Close,Adj Close,Volume', //   1
      '', //                                             2
      '2020-01-02,1,2,0.5,1.5,1.4,10', //                3 ok
      '', //                                             4
      '"2020-01-03\nnote",1,2,0.5,1.5,1.4,10', //        5-6 bad date spanning two lines
      '2020-01-06,1,2,0.5,1.5,1.4', //                   7 short
      '', //                                             8
      '2020-01-07,1,2,0.5,-1.5,1.4,10', //               9
    ]);
    const { rows, rejects } = await collect(file);
    expect(described(rejects)).toEqual([
      '5: unparsable date "2020-01-03\nnote"',
      '7: wrong number of columns: 6, expected 7',
      '9: negative price: close -1.5',
    ]);
    expect(rows).toHaveLength(1);
  });

  it('reports an unclosed quote, which swallows the rest of the file', async () => {
    const file = await fixture('AAPL.csv', [
      'Date,Open,High,Low,Close,Adj Close,Volume', //   1
      '2020-01-02,1,2,0.5,1.5,1.4,10', //                2 ok
      '2020-01-03,"1,2,0.5,1.5,1.4,10', //               3 quote never closed
      '2020-01-06,1,2,0.5,1.5,1.4,10', //                4 lost
    ]);
    const { rows, rejects, summaries } = await collect(file);
    expect(rows).toHaveLength(1);
    expect(described(rejects)).toEqual(['3: malformed CSV: a quote is never closed, so lines 3–4 could not be read']);
    expect(summaries[0]).toMatchObject({ rowsRead: 2, rowsAccepted: 1, rejects: 1 });
  });
});

describe('streaming', () => {
  it('emits rows in batches of batchSize, progress from 0 to the file size, and the summary last', async () => {
    const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
    for (let day = 1; day <= 5; day += 1) lines.push(`2020-01-0${day},1,2,0.5,1.5,1.4,10`);
    const file = await fixture('AAPL.csv', lines);
    const { events, batches } = await collect(file, { batchSize: 2 });
    expect(batches).toEqual([2, 2, 1]);
    const progress = events.filter((e) => e.kind === 'progress');
    const size = lines.join('\n').length + 1;
    expect(progress[0]).toEqual({ kind: 'progress', file, bytesRead: 0, bytesTotal: size });
    expect(progress.at(-1)).toEqual({ kind: 'progress', file, bytesRead: size, bytesTotal: size });
    expect(events.at(-1)?.kind).toBe('file');
  });

  it('can be abandoned part-way through a file', async () => {
    const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
    for (let i = 0; i < 5000; i += 1) {
      lines.push(`${new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10)},1,2,0.5,1.5,1.4,10`);
    }
    const file = await fixture('AAPL.csv', lines);
    let seen = 0;
    for await (const event of readCsvBars(file, { batchSize: 100 })) {
      if (event.kind === 'rows') seen += event.rows.length;
      if (seen >= 200) break;
    }
    expect(seen).toBe(200);
  });

  it('lists *.csv and *.txt files under a directory recursively and sorted, skipping hidden ones', async () => {
    const header = 'Date,Open,High,Low,Close,Volume,OpenInt';
    await fixture('b/MSFT.csv', [header, '2020-01-02,1,2,0.5,1.5,10,0']);
    await fixture('a/ibm.us.TXT', [header, '2020-01-02,1,2,0.5,1.5,10,0']);
    await fixture('AAPL.csv', [header, '2020-01-02,1,2,0.5,1.5,10,0']);
    await fixture('notes.md', ['# not data']);
    await fixture('.hidden/X.csv', [header]);
    await fixture('._AAPL.csv', [header]);

    const files = await listCsvFiles(dir);
    expect(files).toEqual([join(dir, 'AAPL.csv'), join(dir, 'a/ibm.us.TXT'), join(dir, 'b/MSFT.csv')]);
    expect(await listCsvFiles(join(dir, 'notes.md'))).toEqual([join(dir, 'notes.md')]);
    await expect(listCsvFiles(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);

    const { rows, summaries } = await collect(dir);
    expect(summaries.map((s) => s.file)).toEqual(files);
    expect(rows.map((r) => r.symbol)).toEqual(['AAPL', 'IBM', 'MSFT']);
  });
});

// --- The real data files, when present ---

const DATA = sharedData('ohlcv');
const SP500 = join(DATA, 'sp500_482_daily_2015-01-12_2020-01-10_yahoo.csv');
const HUGE_AAPL = join(DATA, 'daily_huge_stock_market_2000-2017/AAPL.csv');
const MINUTE_AAPL = join(DATA, 'intraday_1min/AAPL_1min_2019-02-11_2019-02-15.csv');
const MINUTE_SPY_2025 = join(DATA, 'intraday_1min/SPY_1min_2025-07-01_2025-07-30.csv');
const PLOTLY = join(DATA, 'plotly');
/** Test title that says why it was skipped when the data file is absent. */
const titled = (title: string, path: string): string => (existsSync(path) ? title : `${title} (skipped: ${path} is not present)`);

describe('real data files', () => {
  it.skipIf(!existsSync(SP500))(titled('reads the 592k-row S&P 500 file', SP500), async () => {
    const symbols = new Set<string>();
    const kept = new Map<string, CsvRow>();
    const watch = new Set(['CBS 2019-12-04', 'STI 2019-12-06', 'VIAB 2019-12-04', 'CBOE 2020-01-10', 'DIS 2020-01-10', 'DXC 2018-06-01']);
    const watchSymbols = new Set([...watch].map((key) => key.split(' ')[0]));
    const rejects: CsvReject[] = [];
    let summary: CsvFileSummary | undefined;
    let rowCount = 0;
    let notMidnight = 0;
    const started = performance.now();
    for await (const event of readCsvBars(SP500, { batchSize: 5000 })) {
      if (event.kind === 'rows') {
        expect(event.interval).toBe('1d');
        rowCount += event.rows.length;
        for (const row of event.rows) {
          symbols.add(row.symbol);
          if (row.bar.timestamp.getTime() % 86_400_000 !== 0) notMidnight += 1;
          if (!watchSymbols.has(row.symbol)) continue;
          const key = `${row.symbol} ${row.bar.timestamp.toISOString().slice(0, 10)}`;
          if (watch.has(key)) kept.set(key, row);
        }
      } else if (event.kind === 'reject') {
        rejects.push(event.reject);
      } else if (event.kind === 'file') {
        summary = event.summary;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(`csv-bars: read ${SP500} in ${seconds.toFixed(2)} s`);

    expect(summary).toEqual({ file: SP500, format: 'long', rowsRead: 592_358, rowsAccepted: 592_355, rejects: 3 });
    expect(rowCount).toBe(592_355);
    expect(symbols.size).toBe(482);
    expect(notMidnight).toBe(0);
    expect(described(rejects)).toEqual([
      '97025: zero price in open, high, low, close (also a duplicate of line 97024)',
      '498591: duplicate of line 498590',
      '549667: duplicate of line 549666',
    ]);
    // The first print of each duplicated day is the one kept.
    expect(kept.get('CBS 2019-12-04')?.bar).toMatchObject({ open: 39.34, close: 40.77, volume: 25_531_000 });
    expect(kept.get('STI 2019-12-06')?.bar).toMatchObject({ low: 69.96, volume: 18_954_400 });
    expect(kept.get('VIAB 2019-12-04')?.bar).toMatchObject({ low: 23.42, volume: 41_868_300 });
    // The three rows whose high/low miss open/close by under 1% are kept, widened.
    expect(kept.get('CBOE 2020-01-10')?.bar).toMatchObject({ open: 116.6, high: 116.6, low: 115.81 });
    expect(kept.get('DIS 2020-01-10')?.bar).toMatchObject({ open: 146.47, high: 146.47, low: 144.26 });
    expect(kept.get('DXC 2018-06-01')?.bar).toMatchObject({ high: 83.4, low: 79.68, close: 79.68 });
    // Generous: the aim is a few seconds; this only catches a pathological slowdown.
    expect(seconds).toBeLessThan(30);
  }, 120_000);

  it.skipIf(!existsSync(HUGE_AAPL))(titled('reads AAPL from the Kaggle daily set', HUGE_AAPL), async () => {
    const { rows, rejects, summaries } = await collect(HUGE_AAPL);
    expect(rejects).toEqual([]);
    expect(summaries).toEqual([{ file: HUGE_AAPL, format: 'kaggle-huge', rowsRead: 4493, rowsAccepted: 4493, rejects: 0 }]);
    expect(new Set(rows.map((r) => r.symbol))).toEqual(new Set(['AAPL']));
    expect(iso(rows[0])).toBe('2000-01-03T00:00:00.000Z');
    expect(iso(rows.at(-1))).toBe('2017-11-10T00:00:00.000Z');
  });

  it.skipIf(!existsSync(MINUTE_AAPL))(titled('reads a masonblier 1-minute file oldest first', MINUTE_AAPL), async () => {
    const { rows, rejects, summaries, intervals } = await collect(MINUTE_AAPL);
    expect(rejects).toEqual([]);
    expect(intervals).toEqual(new Set(['1m']));
    expect(summaries[0]).toMatchObject({ format: 'minute', rowsRead: 1948, rowsAccepted: 1948 });
    expect(rows.length).toBeGreaterThan(1900);
    const times = rows.map((r) => r.bar.timestamp.getTime());
    expect(times.every((t, i) => i === 0 || t > (times[i - 1] ?? 0))).toBe(true);
    // Regular hours in February (EST): 09:31–16:00 New York = 14:31–21:00 UTC.
    const minutesOfDay = times.map((t) => (t % 86_400_000) / 60_000);
    expect(Math.min(...minutesOfDay)).toBeGreaterThanOrEqual(14 * 60 + 30);
    expect(Math.max(...minutesOfDay)).toBeLessThanOrEqual(21 * 60);
    expect(iso(rows[0])).toBe('2019-02-11T14:31:00.000Z');
    expect(iso(rows.at(-1))).toBe('2019-02-15T21:00:00.000Z');
  });

  it.skipIf(!existsSync(MINUTE_SPY_2025))(titled('reads the SPY 2025 1-minute file in EDT', MINUTE_SPY_2025), async () => {
    const { rows, rejects, summaries } = await collect(MINUTE_SPY_2025);
    expect(rejects).toEqual([]);
    expect(summaries[0]).toMatchObject({ format: 'minute', rowsRead: 19_953, rowsAccepted: 19_953 });
    expect(iso(rows[0])).toBe('2025-07-01T08:00:00.000Z'); // 04:00 EDT
    expect(iso(rows.at(-1))).toBe('2025-07-31T00:00:00.000Z'); // 20:00 EDT
  });

  it.skipIf(!existsSync(PLOTLY))(titled('reads both plotly files', PLOTLY), async () => {
    const { rows, rejects, summaries } = await collect(PLOTLY);
    expect(rejects).toEqual([]);
    expect(summaries.map((s) => [s.format, s.rowsRead, s.rowsAccepted])).toEqual([
      ['quandl-wiki', 3634, 3634],
      ['plotly', 506, 506],
    ]);
    const perSymbol = new Map<string, number>();
    for (const row of rows) perSymbol.set(row.symbol, (perSymbol.get(row.symbol) ?? 0) + 1);
    expect(Object.fromEntries(perSymbol)).toEqual({ AAPL: 753 + 506, TSLA: 754, COKE: 754, YHOO: 619, GOOGL: 754 });
  });
});
