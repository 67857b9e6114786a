// The Financial PhraseBank as training and evaluation data: parsing `sentence@label` lines, one key
// per sentence (so spacing variants are the same sentence), and splits chosen by a stable hash of
// that key, so every run and every machine holds out the same sentences.
import { isSentimentLabel, LABELS, type SentimentLabel } from './labels.ts';

export interface LabelledSentence {
  text: string;
  label: SentimentLabel;
}

/** Annotator agreement of a sentence: the strictest PhraseBank file it appears in. */
export type Agreement = 50 | 66 | 75 | 100;

export interface Example extends LabelledSentence {
  key: string;
  agreement: Agreement;
}

export class DatasetError extends Error {}

/** One `sentence@label` per line; blank lines are skipped, anything else that is not of that shape throws with its line number. */
export function parseLabelledSentences(content: string): LabelledSentence[] {
  const sentences: LabelledSentence[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^\uFEFF/, '');
    if (line.trim() === '') continue;
    const at = line.lastIndexOf('@');
    const label = at < 0 ? '' : line.slice(at + 1).trim().toLowerCase();
    const text = at < 0 ? '' : line.slice(0, at).trim();
    if (text === '' || !isSentimentLabel(label)) {
      throw new DatasetError(`line ${i + 1}: expected "sentence@label" with label ${LABELS.join('|')}, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    sentences.push({ text, label });
  }
  return sentences;
}

/** The identity of a sentence: its letters and digits, lower case (the PhraseBank has copies that differ only in spacing). */
export function sentenceKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A 32-bit hash of a string (FNV-1a with a final avalanche), as a fraction in [0, 1). */
export function stableHash(text: string, salt: string): number {
  let h = 0x811c9dc5;
  const input = `${salt}\u0000${text}`;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

function byHash<T extends Example>(examples: readonly T[], salt: string): T[] {
  const hashed = examples.map((example) => ({ example, h: stableHash(example.key, salt) }));
  hashed.sort((a, b) => a.h - b.h || (a.example.key < b.example.key ? -1 : a.example.key > b.example.key ? 1 : 0));
  return hashed.map((x) => x.example);
}

/** Within each label, the `share` of examples with the smallest hashes: stratified and reproducible. */
export function stratifiedPick<T extends Example>(examples: readonly T[], share: number, salt: string): { picked: T[]; rest: T[] } {
  const pickedKeys = new Set<string>();
  for (const label of LABELS) {
    const ofLabel = byHash(examples.filter((e) => e.label === label), salt);
    for (const example of ofLabel.slice(0, Math.round(ofLabel.length * share))) pickedKeys.add(example.key);
  }
  return { picked: examples.filter((e) => pickedKeys.has(e.key)), rest: examples.filter((e) => !pickedKeys.has(e.key)) };
}

/** `folds` stratified folds: within each label, examples in hash order are dealt out in turn. */
export function stratifiedFolds<T extends Example>(examples: readonly T[], folds: number, salt: string): T[][] {
  const result: T[][] = Array.from({ length: folds }, () => []);
  for (const label of LABELS) {
    byHash(examples.filter((e) => e.label === label), salt).forEach((example, i) => result[i % folds]!.push(example));
  }
  return result;
}

export interface PhraseBankFiles {
  agree100: readonly LabelledSentence[];
  agree75: readonly LabelledSentence[];
  agree66: readonly LabelledSentence[];
  agree50: readonly LabelledSentence[];
}

export interface PhraseBankSplit {
  /** Part of the all-agree sentences: never trained or tuned on. */
  heldOut: Example[];
  /** Every other distinct sentence of the four files, none with the key of a held-out one. */
  training: Example[];
  /** Copies (same key) dropped, and those among them whose label disagreed with the kept one. */
  duplicates: number;
  conflicts: number;
}

export const HELD_OUT_SHARE = 0.25;
const HELD_OUT_SALT = 'stockmind-sentiment-held-out-v1';

/** Distinct sentences of the four files (the strictest file's label and agreement win), then the held-out all-agree split. */
export function splitPhraseBank(files: PhraseBankFiles, heldOutShare = HELD_OUT_SHARE): PhraseBankSplit {
  const byKey = new Map<string, Example>();
  let duplicates = 0;
  let conflicts = 0;
  const sources: [Agreement, readonly LabelledSentence[]][] = [[100, files.agree100], [75, files.agree75], [66, files.agree66], [50, files.agree50]];
  for (const [agreement, sentences] of sources) {
    for (const sentence of sentences) {
      const key = sentenceKey(sentence.text);
      if (key === '') continue;
      const kept = byKey.get(key);
      if (kept === undefined) {
        byKey.set(key, { text: sentence.text, label: sentence.label, key, agreement });
        continue;
      }
      // The stricter files are subsets of the looser ones: a copy from a looser file is the same sentence again.
      if (kept.agreement === agreement) duplicates += 1;
      if (kept.label !== sentence.label) conflicts += 1;
    }
  }
  const all = [...byKey.values()];
  const { picked: heldOut } = stratifiedPick(all.filter((e) => e.agreement === 100), heldOutShare, HELD_OUT_SALT);
  const heldOutKeys = new Set(heldOut.map((e) => e.key));
  return { heldOut, training: all.filter((e) => !heldOutKeys.has(e.key)), duplicates, conflicts };
}
