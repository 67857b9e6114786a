// Portfolio analytics at size, on the embedded default (PGlite, in-process caches): a user with
// 200 holdings and 5 years of transactions, timing GET /api/analytics/portfolio/performance and
// /risk over HTTP, side by side with the same math run in process on inputs already in memory
// (the baseline: what the domain costs with no database, no cache lookups and no JSON).
//
//   npx tsx bench/portfolio.ts [--holdings 200] [--repeats 15]
//
// Closes: 200 real S&P 500 tickers of ../shared/data (2015-01-12 to 2020-01-10, 1,259 sessions each)
// and one more as the benchmark; a seeded random walk on the same sessions when the data is absent.
// Transactions, per holding: a buy at the first session of every month, a dividend every quarter,
// a sale of a third every half-year: 90 per holding, 18,000 in all, imported through the CSV import.
// Rows of the table:
//   - cold start: the first request after the import (every cache empty: 18,000 transactions and
//     252,000 closes read, the ledger run for every holding);
//   - after a new transaction: the first request after one more transaction (that holding's ledger
//     and series re-run), median of 5;
//   - after new closes: the first request a minute after every held symbol's last close changed
//     (their last days re-read, every holding's series recomputed): what a request costs once a
//     minute while the market is open, median of 5;
//   - warm: median and 95th percentile of --repeats requests with nothing changed (the series is
//     cached; the numbers of the period are computed from it each time).
// The baseline runs the same math in process on inputs already in memory, with nothing cached.
import { parseArgs } from 'node:util';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { BarRow } from '../src/db/repositories/prices.ts';
import { ledgerSteps, type TransactionInput } from '../src/domain/portfolio/index.ts';
import {
  periodStart,
  portfolioPerformance,
  portfolioRisk,
  portfolioSeries,
  unionDates,
  type CloseSeries,
  type Period,
} from '../src/domain/portfolio/analytics/index.ts';
import { addDays, manualClock } from '../src/domain/time.ts';
import { client, register } from '../test/support/http.ts';
import { hasSharedData, sharedData } from '../test/support/shared-data.ts';

const { values } = parseArgs({ options: { holdings: { type: 'string', default: '200' }, repeats: { type: 'string', default: '15' } } });
const HOLDINGS = Number(values.holdings);
const REPEATS = Number(values.repeats);
const SP500 = ['ohlcv', 'sp500_482_daily_2015-01-12_2020-01-10_yahoo.csv'];
// Saturday after the data's last session: every session of the data has closed.
const NOW = new Date('2020-01-11T12:00:00Z');
const TODAY = '2020-01-11';

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Full-length daily closes of the first `count` tickers (alphabetically), from the shared data or a random walk. */
async function loadCloses(count: number): Promise<{ source: string; series: Map<string, { dates: string[]; closes: number[] }> }> {
  if (hasSharedData(...SP500)) {
    const all = new Map<string, { dates: string[]; closes: number[] }>();
    const lines = createInterface({ input: createReadStream(sharedData(...SP500)), crlfDelay: Infinity });
    let header = true;
    for await (const line of lines) {
      if (header) { header = false; continue; }
      const [date, ticker, , , , close] = line.split(',');
      if (date === undefined || ticker === undefined || close === undefined || !(Number(close) > 0)) continue;
      let series = all.get(ticker);
      if (series === undefined) all.set(ticker, series = { dates: [], closes: [] });
      if (series.dates.at(-1) === date) continue; // the data's two repeated prints of a day
      series.dates.push(date);
      series.closes.push(Number(close));
    }
    const full = [...all.entries()].filter(([, s]) => s.dates.length >= 1_259).sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, count);
    // Dotted tickers (BRK.B) are fine; the symbols keep the data's spelling.
    return { source: `${count} S&P 500 tickers of shared/data (real closes, 2015-01-12..2020-01-10)`, series: new Map(full) };
  }
  say('shared data not found: a seeded random walk on the same sessions instead');
  const { sessionsBetween } = await import('../src/domain/calendar/index.ts');
  const dates = sessionsBetween('2015-01-12', '2020-01-10').map((s) => s.date);
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const series = new Map<string, { dates: string[]; closes: number[] }>();
  for (let s = 0; s < count; s++) {
    let close = 20 + 200 * random();
    series.set(`SYM${String(s).padStart(3, '0')}`, { dates, closes: dates.map(() => (close = Math.max(1, Math.round(close * (1 + (random() - 0.5) * 0.04) * 100) / 100))) });
  }
  return { source: `${count} random walks (shared/data absent)`, series };
}

/** 90 transactions per holding over the five years, as CSV rows. */
function transactionsCsv(series: Map<string, { dates: string[]; closes: number[] }>, symbols: readonly string[]): string {
  const rows = ['date,symbol,type,shares,price,fees,currency'];
  symbols.forEach((symbol, s) => {
    const { dates, closes } = series.get(symbol)!;
    let held = 0;
    let month = '';
    let monthIndex = -1;
    for (let i = 0; i < dates.length; i++) {
      const date = dates[i]!;
      const close = closes[i]!;
      if (date.slice(0, 7) === month) {
        const next = dates[i + 1];
        const lastOfMonth = next === undefined || next.slice(0, 7) !== month;
        if (monthIndex % 3 === 2 && date.slice(8) >= '15' && dates[i - 1]!.slice(8) < '15') {
          rows.push(`${date},${symbol},dividend,${held},0.25,0,USD`);
        }
        if (monthIndex % 6 === 5 && lastOfMonth) {
          const sold = Math.max(1, Math.floor(held / 3));
          rows.push(`${date},${symbol},sell,${sold},${close},1,USD`);
          held -= sold;
        }
        continue;
      }
      month = date.slice(0, 7);
      monthIndex += 1;
      const bought = 1 + ((s * 7 + monthIndex) % 5);
      rows.push(`${date},${symbol},buy,${bought},${close},1,USD`);
      held += bought;
    }
  });
  return rows.join('\n');
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
function best(run: () => void, times = 5): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

async function main(): Promise<void> {
  const { source, series } = await loadCloses(HOLDINGS + 1);
  const symbols = [...series.keys()];
  const held = symbols.slice(0, HOLDINGS);
  const benchmark = symbols[HOLDINGS]!;
  say(`closes: ${source}; benchmark ${benchmark}`);

  const config = loadConfig({ SECRET_KEY: 'b'.repeat(48), LOG_LEVEL: 'silent', STOCKMIND_DATA_DIR: 'memory://', MARKET_DATA_PROVIDER: 'csv', RATE_LIMIT_BASIC: '1000000' });
  const clock = manualClock(NOW);
  const app = await buildApp(config, { provider: { provider: null, reason: 'bench: stored data only' }, clock });
  try {
    const baseUrl = await app.http.listen({ port: 0, host: '127.0.0.1' });
    const call = client(baseUrl);
    let started = performance.now();
    const load = await app.repositories.prices.bulkLoad(async function* () {
      for (const symbol of symbols) {
        const { dates, closes } = series.get(symbol)!;
        yield dates.map((date, i): BarRow => ({
          symbol, interval: '1d', source: 'csv',
          bar: { timestamp: new Date(`${date}T00:00:00Z`), open: closes[i]!, high: closes[i]!, low: closes[i]!, close: closes[i]!, adjustedClose: null, volume: 1_000 },
        }));
      }
    });
    const loadMs = performance.now() - started;
    say(`loaded ${load.inserted} daily bars in ${(loadMs / 1000).toFixed(1)} s`);

    const user = await register(call);
    const csv = transactionsCsv(series, held);
    started = performance.now();
    const report = await app.services.transactions.import(user.user.id, csv);
    const importMs = performance.now() - started;
    say(`imported ${report.imported} transactions in ${(importMs / 1000).toFixed(1)} s`);

    const get = async (path: string) => {
      const t = performance.now();
      const answer = await call('GET', path, { token: user.token });
      const ms = performance.now() - t;
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${answer.text.slice(0, 300)}`);
      return { ms, data: answer.body.data };
    };
    const requests: { label: string; path: string; period: Period; kind: 'performance' | 'risk' }[] = [
      { label: 'performance ?period=max', path: `/api/analytics/portfolio/performance/?period=max&benchmark=${benchmark}`, period: 'max', kind: 'performance' },
      { label: 'performance ?period=1y', path: `/api/analytics/portfolio/performance/?period=1y&benchmark=${benchmark}`, period: '1y', kind: 'performance' },
      { label: 'risk ?period=1y', path: `/api/analytics/portfolio/risk/?period=1y&benchmark=${benchmark}`, period: '1y', kind: 'risk' },
      { label: 'risk ?period=max', path: `/api/analytics/portfolio/risk/?period=max&benchmark=${benchmark}`, period: 'max', kind: 'risk' },
    ];
    const cold = await get(requests[0]!.path);
    say(`cold start: ${cold.ms.toFixed(0)} ms (${cold.data.series.length} days, TWR ${cold.data.timeWeightedReturn})`);

    // The baseline: the same ledger and closes, in memory, through the domain alone.
    const inputs: TransactionInput[] = csv.split('\n').slice(1).map((line, i) => {
      const [date, symbol, type, shares, price, fees] = line.split(',');
      return { id: String(i + 1), date: date!, symbol: symbol!, type: type as TransactionInput['type'], shares: shares!, price: price!, fees: fees!, currency: 'USD' };
    });
    started = performance.now();
    const steps = ledgerSteps(inputs);
    const ledgerMs = performance.now() - started;
    const closes = new Map<string, CloseSeries>(held.map((symbol) => [symbol, series.get(symbol)!]));
    const benchmarkCloses = series.get(benchmark)!;
    const domain = (period: Period, kind: 'performance' | 'risk') => {
      const from = periodStart(period, TODAY);
      const axisStart = from === undefined ? steps[0]!.transaction.tradingDate : addDays(from, -14);
      const axis = unionDates(closes.values(), axisStart, TODAY);
      const s = portfolioSeries({ transactions: { steps }, closes, closesSplitAdjusted: true, axis });
      if (kind === 'performance') portfolioPerformance(s, { from, to: TODAY, benchmark: benchmarkCloses });
      else portfolioRisk(s, { from, to: TODAY, benchmark: benchmarkCloses });
    };

    const rows: string[] = [];
    const ROUNDS = 5;
    let round = 0;
    for (const request of requests) {
      const afterTransaction: number[] = [];
      const afterCloses: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        round += 1;
        // One more transaction on one holding, then the request.
        const body = { symbol: held[0], type: 'buy', date: '2020-01-10', shares: 1, price: series.get(held[0]!)!.closes.at(-1) };
        const recorded = await call('POST', '/api/portfolio/transactions/', { token: user.token, body });
        if (recorded.status !== 201) throw new Error(`record: ${recorded.status} ${recorded.text}`);
        afterTransaction.push((await get(request.path)).ms);
        // A new last close for every held symbol, a minute later (as the per-minute job stores them).
        const factor = 1 + 0.001 * round;
        await app.repositories.prices.bulkLoad(async function* () {
          yield held.map((symbol): BarRow => {
            const { dates, closes } = series.get(symbol)!;
            const close = Math.round(closes.at(-1)! * factor * 100) / 100;
            return { symbol, interval: '1d', source: 'csv', bar: { timestamp: new Date(`${dates.at(-1)}T00:00:00Z`), open: close, high: close, low: close, close, adjustedClose: null, volume: 1_000 } };
          });
        });
        clock.advance(61_000);
        afterCloses.push((await get(request.path)).ms);
      }
      const warm: number[] = [];
      for (let i = 0; i < REPEATS; i++) warm.push((await get(request.path)).ms);
      const domainMs = best(() => domain(request.period, request.kind));
      const coldCell = request === requests[0] ? `${cold.ms.toFixed(0)} ms` : '';
      const closesMs = median(afterCloses);
      rows.push(`| ${request.label} | ${coldCell} | ${median(afterTransaction).toFixed(0)} ms | ${closesMs.toFixed(0)} ms | ${median(warm).toFixed(0)} ms | ${percentile(warm, 0.95).toFixed(0)} ms | ${domainMs.toFixed(1)} ms | ${(closesMs / domainMs).toFixed(1)} |`);
    }

    console.log(`\nPortfolio analytics, embedded (PGlite), ${HOLDINGS} holdings, ${report.imported} transactions over 5 years, closes: ${source}.\n`);
    console.log('| request | cold start | after a new transaction | after new closes | warm p50 | warm p95 | domain only, in memory (baseline) | after new closes ÷ baseline |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of rows) console.log(row);
    console.log(`\n| setup step | time |\n| --- | ---: |`);
    console.log(`| bulk load of ${load.inserted} daily bars (COPY) | ${(loadMs / 1000).toFixed(1)} s |`);
    console.log(`| CSV import of ${report.imported} transactions (parse, checks, ledger, insert) | ${(importMs / 1000).toFixed(1)} s |`);
    console.log(`| ledgerSteps over all ${inputs.length} transactions, in memory (what the per-holding cache saves) | ${ledgerMs.toFixed(0)} ms |`);
  } finally {
    await app.close();
  }
}

await main();
