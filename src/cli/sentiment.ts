// The I/O side of the offline sentiment classifier, for `stockmind sentiment train|classify|eval`:
// reading the Financial PhraseBank, writing the weights, streaming texts through the model.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { progress } from './progress.ts';
import { parseLabelledSentences, splitPhraseBank, HELD_OUT_SHARE, type PhraseBankSplit } from '../domain/sentiment/dataset.ts';
import { LABELS } from '../domain/sentiment/labels.ts';
import { evaluate, type Evaluation } from '../domain/sentiment/metrics.ts';
import { loadModel, type SentimentModel, type SentimentWeights } from '../domain/sentiment/model.ts';
import { DEFAULT_TRAIN_OPTIONS, evaluateModel, trainModel, type TrainOptions } from '../domain/sentiment/train.ts';

/** The four files of Financial PhraseBank v1.0, by annotator agreement. */
export const PHRASEBANK_FILES = {
  agree100: 'Sentences_AllAgree.txt',
  agree75: 'Sentences_75Agree.txt',
  agree66: 'Sentences_66Agree.txt',
  agree50: 'Sentences_50Agree.txt',
} as const;

/** Where the shipped weights live (what `src/domain/sentiment/index.ts` imports). */
export const SHIPPED_WEIGHTS_PATH = fileURLToPath(new URL('../domain/sentiment/weights.json', import.meta.url));

/** The shipped model, imported on first use so `train` works even while the weights file is missing or being replaced. */
async function shippedModel(): Promise<SentimentModel> {
  const { ANALYSER, classify } = await import('../domain/sentiment/index.ts');
  return { analyser: ANALYSER, classify };
}

async function readLabelled(path: string) {
  try {
    return parseLabelledSentences(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** The PhraseBank under `dataDir`, split into the held-out all-agree sentences and the training data. */
export async function readPhraseBank(dataDir: string): Promise<PhraseBankSplit> {
  const [agree100, agree75, agree66, agree50] = await Promise.all(
    [PHRASEBANK_FILES.agree100, PHRASEBANK_FILES.agree75, PHRASEBANK_FILES.agree66, PHRASEBANK_FILES.agree50].map((name) => readLabelled(join(dataDir, name))),
  );
  return splitPhraseBank({ agree100: agree100!, agree75: agree75!, agree66: agree66!, agree50: agree50! });
}

/** "name@version", the analyser field of every classified line. */
export function analyserId(model: SentimentModel): string {
  return `${model.analyser.name}@${model.analyser.version}`;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Accuracy, macro-F1, per-label scores and the confusion matrix as markdown. */
export function formatEvaluation(evaluation: Evaluation): string {
  const lines = [
    `| sentences | accuracy | macro-F1 |`,
    `| ---: | ---: | ---: |`,
    `| ${evaluation.count} | ${evaluation.accuracy.toFixed(4)} | ${evaluation.macroF1.toFixed(4)} |`,
    '',
    `| label | precision | recall | F1 | support |`,
    `| --- | ---: | ---: | ---: | ---: |`,
    ...evaluation.perClass.map((c) => `| ${c.label} | ${percent(c.precision)} | ${percent(c.recall)} | ${c.f1.toFixed(4)} | ${c.support} |`),
    '',
    `| gold \\ predicted | ${LABELS.join(' | ')} |`,
    `| --- | ${LABELS.map(() => '---:').join(' | ')} |`,
    ...evaluation.confusion.map((row, g) => `| ${LABELS[g]} | ${row.join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

export interface TrainSentimentOptions {
  /** The folder of Financial PhraseBank v1.0 (the four Sentences_*.txt files). */
  dataDir: string;
  /** Where to write the weights; the shipped file by default. */
  out?: string;
  seed?: number;
  /** Other training options (the shipped ones by default). */
  train?: Partial<TrainOptions>;
  /** Where the metrics go. */
  output?: Writable;
  /** Where the progress bar goes (a log line every few seconds when it is not a terminal). */
  progressStream?: NodeJS.WriteStream;
}

export interface TrainSentimentResult {
  weights: SentimentWeights;
  heldOut: Evaluation;
  trainingSentences: number;
  seconds: number;
  bytes: number;
  path: string;
}

/** Trains on everything but the held-out split, measures the held-out split, writes the weights (same seed, same bytes). */
export async function trainSentiment(options: TrainSentimentOptions): Promise<TrainSentimentResult> {
  const started = performance.now();
  const path = options.out ?? SHIPPED_WEIGHTS_PATH;
  const split = await readPhraseBank(options.dataDir);
  const trainOptions: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options.train, ...(options.seed === undefined ? {} : { seed: options.seed }) };
  const bar = progress('sentiment train', trainOptions.epochs, 'epochs', options.progressStream);
  let weights: SentimentWeights;
  try {
    weights = trainModel(split.training, trainOptions, ({ epoch }) => bar.update(epoch));
  } finally {
    bar.stop();
  }
  // Measured with the weights as written (float32), so the file reproduces the numbers it reports.
  const heldOut = evaluateModel(loadModel(weights), split.heldOut);
  weights.heldOut = { count: heldOut.count, accuracy: heldOut.accuracy, macroF1: heldOut.macroF1, confusion: heldOut.confusion };
  weights.training = {
    ...weights.training,
    data: 'Financial PhraseBank v1.0 (Malo, Sinha, Korhonen, Wallenius, Takala 2014), all four agreement files',
    heldOutSplit: `${HELD_OUT_SHARE * 100}% of the all-agree sentences per label, by a stable hash of each sentence; none of them (or a copy differing only in spacing or punctuation) is trained on`,
  };
  const json = `${JSON.stringify(weights, null, 1)}\n`;
  await writeFile(`${path}.tmp`, json);
  await rename(`${path}.tmp`, path);
  const seconds = (performance.now() - started) / 1000;
  const output = options.output;
  if (output !== undefined) {
    output.write(`trained ${weights.name}@${weights.version} on ${split.training.length} sentences in ${seconds.toFixed(1)} s; wrote ${path} (${(json.length / 1024).toFixed(0)} KiB)\n\n`);
    output.write(`held-out all-agree split (never trained or tuned on):\n\n${formatEvaluation(heldOut)}`);
  }
  return { weights, heldOut, trainingSentences: split.training.length, seconds, bytes: Buffer.byteLength(json), path };
}

const BATCH_LINES = 512;

async function writeChunk(output: Writable, chunk: string): Promise<void> {
  if (!output.write(chunk)) await new Promise<void>((resolve, reject) => {
    const onDrain = () => { output.off('error', onError); resolve(); };
    const onError = (error: Error) => { output.off('drain', onDrain); reject(error); };
    output.once('drain', onDrain);
    output.once('error', onError);
  });
}

/** One text per input line in, one JSON line `{"label","score","confidence","analyser"}` per line out, in order. Returns the count. */
export async function classifyLines(input: Readable, output: Writable, using?: SentimentModel): Promise<number> {
  const model = using ?? await shippedModel();
  const analyser = analyserId(model);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let count = 0;
  let pending = '';
  let buffered = 0;
  for await (const line of lines) {
    const { label, score, confidence } = model.classify(line);
    pending += `${JSON.stringify({ label, score: round(score), confidence: round(confidence), analyser })}\n`;
    count += 1;
    if (++buffered >= BATCH_LINES) {
      await writeChunk(output, pending);
      pending = '';
      buffered = 0;
    }
  }
  if (pending !== '') await writeChunk(output, pending);
  return count;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Accuracy, macro-F1 and the confusion matrix of the model on a `sentence@label` file. */
export async function evalFile(path: string, output: Writable, using?: SentimentModel): Promise<Evaluation> {
  const model = using ?? await shippedModel();
  const sentences = await readLabelled(path);
  const evaluation = evaluate(sentences.map((s) => s.label), sentences.map((s) => model.classify(s.text).label));
  output.write(`${analyserId(model)} on ${path}:\n\n${formatEvaluation(evaluation)}`);
  return evaluation;
}
