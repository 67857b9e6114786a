// src/cli/sentiment.ts: what `stockmind sentiment train|classify|eval` print and write.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyLines, evalFile, PHRASEBANK_FILES, trainSentiment } from '../../src/cli/sentiment.ts';
import { ANALYSER, classify } from '../../src/domain/sentiment/index.ts';
import type { SentimentModel } from '../../src/domain/sentiment/model.ts';
import { toySentences } from '../domain/sentiment/toy-phrasebank.ts';

/** A stream that keeps what is written to it, slowly (a tiny buffer and an asynchronous callback), to exercise back-pressure. */
function collector(): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      setImmediate(done);
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stockmind-sentiment-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('classifyLines', () => {
  it('writes one JSON line {label, score, confidence, analyser} per input line, in order', async () => {
    const texts = ['Costs rose by 10 % .', 'Operating loss narrowed .', '', 'The AGM is in April .'];
    const output = collector();
    const count = await classifyLines(Readable.from([texts.join('\r\n')]), output);
    expect(count).toBe(4);
    const lines = output.text().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(4);
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['label', 'score', 'confidence', 'analyser']);
      const expected = classify(texts[i]!);
      expect(parsed.label).toBe(expected.label);
      expect(parsed.score).toBeCloseTo(expected.score, 4);
      expect(parsed.confidence).toBeCloseTo(expected.confidence, 4);
      expect(parsed.analyser).toBe(`${ANALYSER.name}@${ANALYSER.version}`);
    });
  });

  it('keeps the order of thousands of lines arriving in pieces, through a slow reader', async () => {
    const texts = Array.from({ length: 3_000 }, (_, i) => (i % 2 === 0 ? `Net sales rose by ${i} % .` : `Costs rose by ${i} % .`));
    const whole = `${texts.join('\n')}\n`;
    const pieces = Array.from({ length: Math.ceil(whole.length / 1_000) }, (_, i) => whole.slice(i * 1_000, (i + 1) * 1_000));
    const output = collector();
    expect(await classifyLines(Readable.from(pieces), output)).toBe(3_000);
    const labels = output.text().trim().split('\n').map((line) => (JSON.parse(line) as { label: string }).label);
    expect(labels).toEqual(texts.map((t) => classify(t).label));
  });

  it('writes nothing for no input', async () => {
    const output = collector();
    expect(await classifyLines(Readable.from([]), output)).toBe(0);
    expect(output.text()).toBe('');
  });
});

describe('evalFile', () => {
  it('prints accuracy, macro-F1 and the confusion matrix of a sentence@label file', async () => {
    const path = join(dir, 'eval.txt');
    await writeFile(path, 'Costs rose by 10 % .@negative\nOperating loss narrowed .@positive\nThe AGM is in April .@neutral\nSales fell .@positive\n');
    const alwaysNeutral: SentimentModel = { analyser: { name: 'always-neutral', version: '1' }, classify: () => ({ label: 'neutral', score: 0, confidence: 1 }) };
    const output = collector();
    const evaluation = await evalFile(path, output, alwaysNeutral);
    expect(evaluation.count).toBe(4);
    expect(evaluation.accuracy).toBe(0.25);
    expect(evaluation.confusion).toEqual([[0, 1, 0], [0, 1, 0], [0, 2, 0]]);
    const printed = output.text();
    expect(printed).toContain('always-neutral@1');
    expect(printed).toMatch(/\| 4 \| 0\.2500 \| 0\.1333 \|/);
    expect(printed).toContain('| positive | 0 | 2 | 0 |');
  });

  it('names the file and line of a malformed row', async () => {
    const path = join(dir, 'bad.txt');
    await writeFile(path, 'Sales rose .@positive\nSales fell\n');
    await expect(evalFile(path, collector())).rejects.toThrow(/bad\.txt: line 2/);
  });
});

describe('trainSentiment', () => {
  async function toyPhraseBank(): Promise<string> {
    const data = join(dir, 'phrasebank');
    await mkdir(data, { recursive: true });
    const lines = toySentences().map((s) => `${s.text}@${s.label}`).join('\n');
    await Promise.all(Object.values(PHRASEBANK_FILES).map((name) => writeFile(join(data, name), `${lines}\n`)));
    return data;
  }

  it('writes byte-identical weights for the same seed, other weights for another, and prints the held-out metrics', async () => {
    const dataDir = await toyPhraseBank();
    const progressStream = new PassThrough() as unknown as NodeJS.WriteStream;
    let logged = '';
    (progressStream as unknown as PassThrough).on('data', (chunk: Buffer) => { logged += chunk.toString(); });
    const output = collector();
    const first = await trainSentiment({ dataDir, out: join(dir, 'a.json'), seed: 5, output, progressStream });
    await trainSentiment({ dataDir, out: join(dir, 'b.json'), seed: 5, progressStream });
    await trainSentiment({ dataDir, out: join(dir, 'c.json'), seed: 6, progressStream });
    const [a, b, c] = await Promise.all(['a.json', 'b.json', 'c.json'].map((name) => readFile(join(dir, name), 'utf8')));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(first.bytes).toBe(Buffer.byteLength(a!));
    // 60 toy sentences, all "all-agree": a quarter of each label is held out and not trained on.
    expect(first.heldOut.count).toBe(15);
    expect(first.trainingSentences).toBe(45);
    const written = JSON.parse(a!) as { heldOut: { accuracy: number }; version: string };
    expect(written.heldOut.accuracy).toBe(first.heldOut.accuracy);
    expect(output.text()).toContain(`@${written.version} on 45 sentences`);
    expect(output.text()).toMatch(/held-out all-agree split[\s\S]*\| gold \\ predicted \| negative \| neutral \| positive \|/);
    expect(logged).toMatch(/sentiment train: 30\/30 epochs/);
  });

  it('says which file is missing', async () => {
    await expect(trainSentiment({ dataDir: join(dir, 'nowhere'), out: join(dir, 'x.json') })).rejects.toThrow(/nowhere\/Sentences_/);
  });
});

/** `stockmind ...` as a user runs it, with `input` on its standard input. */
function stockmind(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/stockmind.js'), ...args], { env: { PATH: process.env.PATH! } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('stockmind sentiment', () => {
  it('classify: one JSON line per line of standard input, offline, needing no setting', async () => {
    const texts = ['Operating loss narrowed to EUR 2 mn .', 'The company issued a profit warning .'];
    const result = await stockmind(['sentiment', 'classify'], `${texts.join('\n')}\n`);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { label: string; analyser: string });
    expect(lines.map((line) => line.label)).toEqual(texts.map((text) => classify(text).label));
    expect(lines.every((line) => line.analyser === `${ANALYSER.name}@${ANALYSER.version}`)).toBe(true);
  }, 60_000);

  it('eval: prints the metrics of a file, and one line with exit code 1 for a missing one', async () => {
    const path = join(dir, 'cli-eval.txt');
    await writeFile(path, 'Operating loss narrowed .@positive\nThe AGM is in April .@neutral\n');
    const ok = await stockmind(['sentiment', 'eval', path]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\| sentences \| accuracy \| macro-F1 \|/);
    const missing = await stockmind(['sentiment', 'eval', join(dir, 'nowhere.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nowhere.txt');
  }, 60_000);

  it('train: refuses a missing data folder in one line', async () => {
    const result = await stockmind(['sentiment', 'train', '--data', join(dir, 'no-phrasebank'), '--out', join(dir, 'w.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^stockmind: .*no-phrasebank\/Sentences_/);
  }, 60_000);
});
