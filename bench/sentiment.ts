// The offline sentiment classifier on the held-out all-agree split of the Financial PhraseBank
// (never trained or tuned on), side by side with a general lexicon (AFINN-165 through the
// `sentiment` package) and with the same learner on plain n-grams, in the same run: accuracy,
// macro-F1, confusion matrices, and sentences/s classified on one core (this process's one thread).
// Also retrains the shipped model from its seed, timing it and checking the bytes match.
//   npx tsx bench/sentiment.ts [--seconds 3]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatEvaluation, readPhraseBank, SHIPPED_WEIGHTS_PATH, trainSentiment } from '../src/cli/sentiment.ts';
import { classify, classifyMany, SHIPPED_WEIGHTS } from '../src/domain/sentiment/index.ts';
import { LABELS, type SentimentLabel } from '../src/domain/sentiment/labels.ts';
import { evaluate, type Evaluation } from '../src/domain/sentiment/metrics.ts';
import { loadModel } from '../src/domain/sentiment/model.ts';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from '../src/domain/sentiment/train.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../test/support/shared-data.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const SECONDS = Number(values.seconds);
const LOAD_AT_START = loadavg()[0]!;

const PHRASEBANK = ['sentiment', 'financial_phrasebank_v1.0'];
if (!hasSharedData(...PHRASEBANK)) {
  process.stderr.write(`bench/sentiment: ${NO_SHARED_DATA}\n`);
  process.exit(1);
}
const split = await readPhraseBank(sharedData(...PHRASEBANK));
const texts = split.heldOut.map((e) => e.text);

// --- AFINN: integer word scores summed; a sentence is positive at +t or more, negative at -t or less ---
interface Afinn { analyze(text: string): { score: number } }
const Sentiment = createRequire(import.meta.url)('sentiment') as new () => Afinn;
const afinn = new Sentiment();
const afinnLabel = (score: number, t: number): SentimentLabel => (score >= t ? 'positive' : score <= -t ? 'negative' : 'neutral');
// The threshold is the one with the best macro-F1 on the training sentences (fair to the lexicon, blind to the held-out split).
const trainingScores = split.training.map((e) => afinn.analyze(e.text).score);
const thresholds = [1, 2, 3, 4, 5].map((t) => ({ t, f1: evaluate(split.training.map((e) => e.label), trainingScores.map((s) => afinnLabel(s, t))).macroF1 }));
const AFINN_THRESHOLD = thresholds.reduce((best, x) => (x.f1 > best.f1 ? x : best)).t;

// --- The same learner without the financial structure or negation: bag of uni- and bigrams ---
const plainStarted = performance.now();
const plain = loadModel(trainModel(split.training, { ...DEFAULT_TRAIN_OPTIONS, finance: false, negation: false }));
const plainSeconds = (performance.now() - plainStarted) / 1000;

// --- Retrain the shipped model from its seed ---
const dir = await mkdtemp(join(tmpdir(), 'stockmind-sentiment-bench-'));
let retrain: { seconds: number; identical: boolean; bytes: number };
try {
  const out = join(dir, 'weights.json');
  const result = await trainSentiment({ dataDir: sharedData(...PHRASEBANK), out, seed: DEFAULT_TRAIN_OPTIONS.seed });
  const [fresh, shipped] = await Promise.all([readFile(out, 'utf8'), readFile(SHIPPED_WEIGHTS_PATH, 'utf8')]);
  retrain = { seconds: result.seconds, identical: fresh === shipped, bytes: result.bytes };
} finally {
  await rm(dir, { recursive: true, force: true });
}

// --- Quality on the held-out split ---
const gold = split.heldOut.map((e) => e.label);
const results: { name: string; evaluation: Evaluation; rate: { cpu: number; wall: number } }[] = [];

/**
 * Sentences per CPU-second of `run` over the held-out texts, warmed up, then repeated for SECONDS on
 * this one thread. CPU time (process.cpuUsage, which also counts the GC's helper threads), not wall
 * time, so other work on a shared machine does not count against it.
 */
function throughput(run: (texts: readonly string[]) => void): { cpu: number; wall: number } {
  for (let i = 0; i < 20; i++) run(texts);
  let done = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    run(texts);
    done += texts.length;
  }
  const used = process.cpuUsage(cpu);
  return { cpu: done / ((used.user + used.system) / 1e6), wall: done / ((performance.now() - started) / 1000) };
}

results.push({
  name: `StockMind finsent ${SHIPPED_WEIGHTS.version} (n-grams + financial structure)`,
  evaluation: evaluate(gold, classifyMany(texts).map((r) => r.label)),
  rate: throughput((batch) => { for (const t of batch) classify(t); }),
});
results.push({
  name: 'same learner, plain n-grams (no financial structure, no negation)',
  evaluation: evaluate(gold, texts.map((t) => plain.classify(t).label)),
  rate: throughput((batch) => { for (const t of batch) plain.classify(t); }),
});
results.push({
  name: `AFINN-165 lexicon (\`sentiment\` npm), ±${AFINN_THRESHOLD} threshold`,
  evaluation: evaluate(gold, texts.map((t) => afinnLabel(afinn.analyze(t).score, AFINN_THRESHOLD))),
  rate: throughput((batch) => { for (const t of batch) afinn.analyze(t); }),
});

const baseline = results[2]!;
const f1Of = (e: Evaluation, label: SentimentLabel) => e.perClass.find((c) => c.label === label)!.f1.toFixed(3);
const out: string[] = [];
out.push(`## Sentiment on the held-out all-agree split (${split.heldOut.length} sentences: ${LABELS.map((l) => `${gold.filter((g) => g === l).length} ${l}`).join(', ')})`);
out.push('');
out.push(`Trained on ${split.training.length} other PhraseBank sentences. Speed on one thread, node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}: per CPU-second of this process (what one core does), and per wall-clock second (lower when other work shares the machine; load average ${LOAD_AT_START.toFixed(1)} on ${cpus().length} cores at the start).`);
out.push('');
out.push('| analyser | accuracy | macro-F1 | F1 negative | F1 neutral | F1 positive | sentences/CPU-s | sentences/s (wall) | accuracy × AFINN | macro-F1 × AFINN | speed × AFINN |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { name, evaluation, rate } of results) {
  out.push(`| ${name} | ${evaluation.accuracy.toFixed(4)} | ${evaluation.macroF1.toFixed(4)} | ${f1Of(evaluation, 'negative')} | ${f1Of(evaluation, 'neutral')} | ${f1Of(evaluation, 'positive')} | ${Math.round(rate.cpu).toLocaleString('en')} | ${Math.round(rate.wall).toLocaleString('en')} | ${(evaluation.accuracy / baseline.evaluation.accuracy).toFixed(2)} | ${(evaluation.macroF1 / baseline.evaluation.macroF1).toFixed(2)} | ${(rate.cpu / baseline.rate.cpu).toFixed(2)} |`);
}
out.push('');
for (const { name, evaluation } of results) {
  out.push(`### ${name}`);
  out.push('');
  out.push(formatEvaluation(evaluation).split('\n\n').at(-1)!.trimEnd());
  out.push('');
}
out.push('### Training');
out.push('');
out.push('| model | training time | weights file | retrained from seed = shipped bytes |');
out.push('| --- | ---: | ---: | --- |');
out.push(`| StockMind finsent (seed ${DEFAULT_TRAIN_OPTIONS.seed}, ${DEFAULT_TRAIN_OPTIONS.epochs} epochs) | ${retrain.seconds.toFixed(1)} s | ${(retrain.bytes / 1024).toFixed(0)} KiB | ${retrain.identical ? 'yes' : 'NO'} |`);
out.push(`| plain n-grams | ${plainSeconds.toFixed(1)} s | | |`);
out.push('');
out.push(`AFINN threshold: the best macro-F1 on the training sentences among ±1..±5 (${thresholds.map((x) => `±${x.t}: ${x.f1.toFixed(3)}`).join(', ')}).`);
process.stdout.write(`${out.join('\n')}\n`);
