// The shipped classifier (weights.json): how it reads financial language, its contract, and that
// its file reproduces the held-out metrics it reports.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPhraseBank } from '../../../src/cli/sentiment.ts';
import { ANALYSER, classify, classifyMany, SHIPPED_WEIGHTS } from '../../../src/domain/sentiment/index.ts';
import { evaluate } from '../../../src/domain/sentiment/metrics.ts';
import { weightsVersion } from '../../../src/domain/sentiment/model.ts';
import { hasSharedData, NO_SHARED_DATA, sharedData } from '../../support/shared-data.ts';

const label = (text: string) => classify(text).label;

describe('the shipped classifier reads financial language', () => {
  it.each([
    'The operating loss narrowed to EUR 2 mn from EUR 5 mn .',
    'Operating loss narrowed .',
    'Fourth-quarter earnings beat analysts \' estimates .',
    'Net loss was EUR 2 mn , down from a loss of EUR 5 mn a year earlier .',
    'Operating profit rose to EUR 5 mn from EUR 3 mn .',
    'Operating profit was EUR 5 mn compared with EUR 3 mn a year earlier .',
    'Operating profit totalled EUR 3 mn , compared to a loss of EUR 2 mn .',
    'The company swung to a net profit in the third quarter .',
    'Costs decreased by 10 % .',
    'Order intake grew by 20 % .',
    'The company raised its full-year guidance .',
    'The board announced a share buyback programme .',
    'Sales did not decline in the quarter .',
    'The company does not expect its net sales to decrease .',
    'Componenta \'s net loss narrowed to EUR500 ,000 from EUR5 .3 m .',
  ])('positive: %s', (text) => {
    expect(label(text)).toBe('positive');
  });

  it.each([
    'The company issued a profit warning .',
    'Net sales decreased by 10 % .',
    'Operating profit fell to EUR 3 mn from EUR 5 mn .',
    'Operating profit was EUR 3 mn compared with EUR 5 mn a year earlier .',
    'The operating loss widened to EUR 5 mn from EUR 2 mn .',
    'Costs rose by 10 % .',
    'Earnings missed analysts \' estimates .',
    'The company posted a net loss of EUR 2 mn compared with a profit of EUR 1 mn .',
    'The company will cut 200 jobs .',
    'The company lowered its outlook for 2010 .',
    'Net sales did not increase .',
    'The operating margin came down to 2.4 % from 5.7 % .',
  ])('negative: %s', (text) => {
    expect(label(text)).toBe('negative');
  });

  it.each([
    'Flat revenue in the third quarter .',
    'Revenue was flat year on year .',
    'The company will hold its annual general meeting on 5 April .',
    'The deal is worth USD 1.9 million ( EUR 1.3 m ) .',
    'Net sales remained at the previous year \'s level .',
  ])('neutral: %s', (text) => {
    expect(label(text)).toBe('neutral');
  });
});

describe('classify', () => {
  it('gives a score in -1..1 whose sign agrees with the label, and a confidence in 1/3..1', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 })), (text) => {
      const { label: chosen, score, confidence } = classify(text);
      expect(score).toBeGreaterThanOrEqual(-1);
      expect(score).toBeLessThanOrEqual(1);
      expect(confidence).toBeGreaterThanOrEqual(1 / 3 - 1e-12);
      expect(confidence).toBeLessThanOrEqual(1);
      if (chosen === 'positive') expect(score).toBeGreaterThanOrEqual(0);
      if (chosen === 'negative') expect(score).toBeLessThan(0);
    }), { numRuns: 300 });
  });

  it('is more confident of a clear result than of a vague one', () => {
    expect(classify('Operating profit rose to EUR 5 mn from EUR 3 mn .').confidence).toBeGreaterThan(classify('Operating loss narrowed .').confidence);
  });

  it('classifies many texts in their order, as one at a time would', () => {
    const texts = ['Costs rose by 10 % .', 'Operating loss narrowed .', '', 'The AGM is in April .'];
    expect(classifyMany(texts)).toEqual(texts.map((t) => classify(t)));
    expect(classifyMany([])).toEqual([]);
  });
});

describe('the shipped weights file', () => {
  it('carries the version of its contents, under the analyser name', () => {
    expect(ANALYSER).toEqual({ name: SHIPPED_WEIGHTS.name, version: SHIPPED_WEIGHTS.version });
    expect(weightsVersion(SHIPPED_WEIGHTS)).toBe(SHIPPED_WEIGHTS.version);
  });

  it('says it is licensed as its training data is (CC BY-NC-SA 3.0)', () => {
    expect(SHIPPED_WEIGHTS.licence).toMatch(/CC BY-NC-SA 3\.0/);
    expect(SHIPPED_WEIGHTS.licence).toMatch(/Financial PhraseBank/);
  });

  const PHRASEBANK = ['sentiment', 'financial_phrasebank_v1.0'];
  const title = 'reproduces the held-out metrics it reports';
  it.skipIf(!hasSharedData(...PHRASEBANK))(hasSharedData(...PHRASEBANK) ? title : `${title}: ${NO_SHARED_DATA}`, async () => {
    const { heldOut } = await readPhraseBank(sharedData(...PHRASEBANK));
    const reported = SHIPPED_WEIGHTS.heldOut!;
    const measured = evaluate(heldOut.map((e) => e.label), classifyMany(heldOut.map((e) => e.text)).map((r) => r.label));
    expect(measured.count).toBe(reported.count);
    expect(measured.accuracy).toBeCloseTo(reported.accuracy, 4);
    expect(measured.macroF1).toBeCloseTo(reported.macroF1, 4);
    expect(measured.confusion).toEqual(reported.confusion);
  });
});
