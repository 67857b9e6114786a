// `stockmind train` and `stockmind backtest` as a user runs them, on a tiny model (one epoch, four
// units): from a CSV and from the database (filled from the simulated provider), saved where the
// server then serves it from, with its evaluation; and the refusals, one line each.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { ForecastManifest } from '../../src/domain/forecast/manifest.ts';
import { sessionDateOf } from '../../src/domain/market/bar.ts';
import { userModelDir } from '../../src/services/forecast/index.ts';
import { EVALUATION_FILE } from '../../src/services/predictions/index.ts';
import { client, listen } from '../support/http.ts';
import { stockmind as run } from '../support/cli.ts';
import { SCALE, testEnvironment, type TestEnvironment } from '../support/scale.ts';
import { syntheticBars } from '../services/forecast/synthetic-bars.ts';

const TINY = ['--epochs', '1', '--units', '4', '--seed', '3'];

let environment: TestEnvironment;
let env: Record<string, string>;
let dataDir: string;
let csv: string;
beforeAll(async () => {
  // The model goes under the data directory, on disk at both scales (embedded, PGlite lives there too).
  dataDir = mkdtempSync(join(tmpdir(), 'stockmind-forecast-cli-'));
  environment = await testEnvironment({ STOCKMIND_DATA_DIR: dataDir });
  env = { PATH: process.env.PATH!, ...environment.env };
  // Three symbols of 1,200 weekdays (about 4.6 years): the last year is the backtest.
  const lines = ['date,ticker,open,high,low,close,adj_close,volume'];
  for (const [i, symbol] of ['AAA', 'BBB', 'CCC'].entries()) {
    for (const bar of syntheticBars(1_200, i + 1)) lines.push([sessionDateOf(bar), symbol, bar.open, bar.high, bar.low, bar.close, bar.close, bar.volume].join(','));
  }
  csv = join(dataDir, 'daily.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
});
afterAll(async () => { await environment?.cleanup(); });

const stockmind = (args: string[], extraEnv: Record<string, string> = {}) => run(args, { ...env, ...extraEnv }, 300_000);
const manifestOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ForecastManifest;

describe(`stockmind train and backtest from a CSV (${SCALE})`, () => {
  it('trains a model into the data directory, backtests it with --save, and the server then serves it with that record', async () => {
    const trained = await stockmind(['train', '--csv', csv, ...TINY]);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain('training on 3 symbols');
    expect(trained.stdout).toContain(`saved stockmind-lstm`);
    expect(trained.stdout).toContain('| 90 d | lstm |');
    const dir = userModelDir(dataDir);
    const manifest = await manifestOf(dir);
    expect(manifest.training).toMatchObject({ symbols: ['AAA', 'BBB', 'CCC'], epochs: 1 });
    expect(manifest.network).toEqual({ units: 4, seed: 3 });

    const tested = await stockmind(['backtest', '--csv', csv, '--symbols', 'aaa,bbb', '--step', '20', '--save']);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toContain(`${manifest.name} ${manifest.version}`);
    expect(tested.stdout).toContain('| 7 d | randomWalk |');
    expect(tested.stdout).toContain(`saved to ${join(dir, EVALUATION_FILE)}`);
    const evaluation = JSON.parse(await readFile(join(dir, EVALUATION_FILE), 'utf8'));
    expect(evaluation).toMatchObject({ model: { name: manifest.name, version: manifest.version }, symbols: ['AAA', 'BBB'], trainingSymbols: 2, step: 20 });
    expect(evaluation.from > manifest.training.to).toBe(true);

    // The user's model is served before the shipped one, judged by its saved evaluation.
    const { app, baseUrl } = await listen(loadConfig(environment.env), { provider: { provider: null, reason: 'test' } });
    try {
      const bars = syntheticBars(200, 9).map((bar) => ({ date: sessionDateOf(bar), open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume }));
      const answer = await client(baseUrl)('POST', '/api/market/statistical-prediction', { body: { symbol: 'SYN', historicalData: bars } });
      expect(answer.status).toBe(200);
      expect(answer.body.data.model).toEqual({ name: manifest.name, version: manifest.version, source: 'user' });
      expect(answer.body.data.predictions.shortTerm.backtest.basis).toContain('2 symbols evaluated after training');
      expect(answer.body.data.predictions.shortTerm.backtest.basis).toContain(`origins ${evaluation.from}…${evaluation.to}`);
    } finally {
      await app.close();
    }
  }, 300_000);

  it('refuses, in one line each, to train with nowhere to save and to read a missing file', async () => {
    const memory = await stockmind(['train', '--csv', csv, ...TINY], { STOCKMIND_DATA_DIR: 'memory://' });
    expect(memory.code).toBe(1);
    expect(memory.stderr.trim()).toBe('stockmind: STOCKMIND_DATA_DIR is memory://, which keeps no model: give --out <dir>. (out: Where to save the model.)');
    const absent = await stockmind(['backtest', '--csv', join(dataDir, 'nowhere.csv')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr.trim().split('\n')).toHaveLength(1);
    expect(absent.stderr).toMatch(/^stockmind: ENOENT: no such file or directory/);
  }, 120_000);
});

describe(`stockmind train and backtest from the database (${SCALE})`, () => {
  it('fills the symbols\' history from the provider, trains on it and backtests the model', async () => {
    const out = join(dataDir, 'db-model');
    const trained = await stockmind(['train', '--symbols', 'AAPL,MSFT,NOSUCH1', '--period', '5y', ...TINY, '--out', out]);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain('training on 2 symbols');
    expect(trained.stderr).toContain('no daily bars for NOSUCH1: skipped');
    expect((await manifestOf(out)).training.symbols).toEqual(['AAPL', 'MSFT']);
    expect((await stat(join(out, 'weights.bin'))).size).toBeGreaterThan(0);

    const tested = await stockmind(['backtest', '--symbols', 'AAPL', '--period', '5y', '--model', out, '--step', '10']);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/origins \d{4}-\d{2}-\d{2}…\d{4}-\d{2}-\d{2}, 1 symbols/);
    expect(tested.stdout).toContain('| 30 d | lstm |');
  }, 300_000);
});
