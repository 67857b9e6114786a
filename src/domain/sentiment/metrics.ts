// Accuracy, macro-F1 and the confusion matrix of predicted against gold labels.
import { LABELS, labelIndex, type SentimentLabel } from './labels.ts';

export interface ClassScores {
  label: SentimentLabel;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  count: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassScores[];
  /** confusion[gold][predicted], rows and columns in LABELS order. */
  confusion: number[][];
}

export function evaluate(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): Evaluation {
  if (gold.length !== predicted.length) throw new Error(`evaluate: ${gold.length} gold labels but ${predicted.length} predictions`);
  const confusion = LABELS.map(() => LABELS.map(() => 0));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = labelIndex(gold[i]!);
    const p = labelIndex(predicted[i]!);
    confusion[g]![p]! += 1;
    if (g === p) correct += 1;
  }
  const perClass = LABELS.map((label, k) => {
    const truePositives = confusion[k]![k]!;
    const support = confusion[k]!.reduce((sum, n) => sum + n, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + row[k]!, 0);
    const precision = predictedAs === 0 ? 0 : truePositives / predictedAs;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  return {
    count: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: perClass.reduce((sum, c) => sum + c.f1, 0) / perClass.length,
    perClass,
    confusion,
  };
}
