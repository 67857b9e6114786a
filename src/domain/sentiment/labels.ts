// The three classes of the Financial PhraseBank, in the fixed order of every weight row and matrix.

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof LABELS)[number];

export function isSentimentLabel(raw: string): raw is SentimentLabel {
  return (LABELS as readonly string[]).includes(raw);
}

export function labelIndex(label: SentimentLabel): number {
  return LABELS.indexOf(label);
}
