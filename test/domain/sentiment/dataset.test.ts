import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPhraseBank } from '../../../src/cli/sentiment.ts';
import {
  DatasetError, parseLabelledSentences, sentenceKey, splitPhraseBank, stratifiedFolds, stratifiedPick, type Example, type LabelledSentence,
} from '../../../src/domain/sentiment/dataset.ts';
import { LABELS } from '../../../src/domain/sentiment/labels.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../../support/shared-data.ts';

const PHRASEBANK = ['sentiment', 'financial_phrasebank_v1.0'];

function examples(count: number): Example[] {
  return Array.from({ length: count }, (_, i) => {
    const text = `Sentence number ${i} about company ${i % 7}`;
    return { text, key: sentenceKey(text), label: LABELS[i % 3]!, agreement: 100 };
  });
}

describe('parseLabelledSentences', () => {
  it('reads sentence@label lines, splitting at the last @ and skipping blank lines', () => {
    expect(parseLabelledSentences('Mail info@firm.fi for details .@neutral\n\nSales rose .@positive\r\n')).toEqual([
      { text: 'Mail info@firm.fi for details .', label: 'neutral' },
      { text: 'Sales rose .', label: 'positive' },
    ]);
  });

  it('names the line of a malformed row', () => {
    expect(() => parseLabelledSentences('Sales rose .@positive\nno label here\n')).toThrow(DatasetError);
    expect(() => parseLabelledSentences('Sales rose .@positive\nSales fell .@bearish\n')).toThrow(/line 2/);
  });
});

describe('sentenceKey', () => {
  it('is the same for copies that differ only in spacing, case or punctuation', () => {
    expect(sentenceKey('net loss narrowed to EUR415 ,000 from EUR7 .4 m .')).toBe(sentenceKey('Net loss narrowed to EUR 415,000 from EUR 7.4 m'));
    expect(sentenceKey('Sales rose')).not.toBe(sentenceKey('Sales fell'));
  });
});

describe('stratifiedPick', () => {
  it('takes the same share of every label', () => {
    const { picked, rest } = stratifiedPick(examples(400), 0.25, 'salt');
    for (const label of LABELS) {
      const all = examples(400).filter((e) => e.label === label).length;
      expect(picked.filter((e) => e.label === label)).toHaveLength(Math.round(all * 0.25));
    }
    expect(picked.length + rest.length).toBe(400);
  });

  it('picks the same sentences whatever the order of the input', () => {
    fc.assert(fc.property(fc.shuffledSubarray(examples(120), { minLength: 120, maxLength: 120 }), (shuffled) => {
      const keys = (list: Example[]) => list.map((e) => e.key).sort();
      expect(keys(stratifiedPick(shuffled, 0.25, 'salt').picked)).toEqual(keys(stratifiedPick(examples(120), 0.25, 'salt').picked));
    }), { numRuns: 20 });
  });

  it('picks other sentences under another salt', () => {
    const keys = (salt: string) => stratifiedPick(examples(300), 0.25, salt).picked.map((e) => e.key).sort();
    expect(keys('a')).not.toEqual(keys('b'));
  });
});

describe('stratifiedFolds', () => {
  it('deals every example into exactly one fold, each label spread evenly', () => {
    const folds = stratifiedFolds(examples(100), 5, 'salt');
    expect(folds.flat().map((e) => e.key).sort()).toEqual(examples(100).map((e) => e.key).sort());
    for (const fold of folds) for (const label of LABELS) expect(fold.filter((e) => e.label === label).length).toBeGreaterThanOrEqual(6);
  });
});

describe('splitPhraseBank', () => {
  const sentence = (text: string, label: LabelledSentence['label']): LabelledSentence => ({ text, label });

  it('never trains on a held-out sentence, not even on a copy of it in a looser file', () => {
    const allAgree = Array.from({ length: 40 }, (_, i) => sentence(`Operating profit rose to EUR ${i}.5 mn`, LABELS[i % 3]!));
    const copies = allAgree.map((s) => sentence(s.text.replace(' mn', 'mn').replace('.5', ' .5').toUpperCase(), s.label));
    const split = splitPhraseBank({ agree100: allAgree, agree75: [], agree66: [], agree50: [...copies, sentence('Net sales fell', 'negative')] });
    expect(split.heldOut).toHaveLength(10);
    const heldOutKeys = new Set(split.heldOut.map((e) => e.key));
    expect(split.training.filter((e) => heldOutKeys.has(e.key))).toEqual([]);
    expect(split.training).toHaveLength(31);
  });

  it('keeps the label and agreement of the strictest file a sentence is in', () => {
    const split = splitPhraseBank({ agree100: [], agree75: [sentence('Sales rose', 'positive')], agree66: [], agree50: [sentence('Sales rose', 'neutral')] });
    expect(split.training).toEqual([expect.objectContaining({ label: 'positive', agreement: 75 })]);
    expect(split.conflicts).toBe(1);
  });
});

const REAL_TITLE = 'the Financial PhraseBank split';
describe.skipIf(!hasSharedData(...PHRASEBANK))(hasSharedData(...PHRASEBANK) ? REAL_TITLE : `${REAL_TITLE}: ${NO_SHARED_DATA}`, () => {
  it('holds out a quarter of each label of the all-agree sentences, and trains on none of them', async () => {
    const split = await readPhraseBank(sharedData(...PHRASEBANK));
    const allAgree = [...split.heldOut, ...split.training.filter((e) => e.agreement === 100)];
    for (const label of LABELS) {
      expect(split.heldOut.filter((e) => e.label === label).length).toBe(Math.round(allAgree.filter((e) => e.label === label).length * 0.25));
    }
    const heldOut = new Set(split.heldOut.map((e) => sentenceKey(e.text)));
    expect(split.training.filter((e) => heldOut.has(sentenceKey(e.text)))).toEqual([]);
    expect(split.training.length).toBeGreaterThan(3_500);
  });
});
