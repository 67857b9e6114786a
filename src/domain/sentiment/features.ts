// What the linear model sees of a sentence: word n-grams (numbers and currencies folded into
// placeholders), words in the scope of a negation, and the financial structure (finance.ts).
import { financeFeatures } from './finance.ts';
import { isNegator, PUNCT, tokenize } from './tokens.ts';

export interface FeatureOptions {
  /** Longest word n-gram: 1, 2 or 3. */
  ngrams: number;
  /** Mark the words after "not", "no", "without" ... as negated. */
  negation: boolean;
  /** Add the financial-structure features. */
  finance: boolean;
}

export interface SentenceFeatures {
  /** Word n-grams and negated words, each once. */
  grams: string[];
  /** Financial-structure features, each once. */
  structure: string[];
}

const NEGATION_SCOPE = 3;

export function featurize(text: string, options: FeatureOptions): SentenceFeatures {
  const tokens = tokenize(text);
  const grams = new Set<string>();
  const { forms, kinds } = tokens;
  // n-grams do not reach across punctuation: each run of words between two marks is a segment.
  let w1 = '';
  let w2 = '';
  let negatedLeft = 0;
  for (let i = 0; i < forms.length; i++) {
    if (kinds[i] === PUNCT) {
      w1 = '';
      w2 = '';
      negatedLeft = 0;
      continue;
    }
    const w = forms[i]!;
    grams.add(w);
    if (options.ngrams >= 2 && w1 !== '') grams.add(`${w1} ${w}`);
    if (options.ngrams >= 3 && w2 !== '') grams.add(`${w2} ${w1} ${w}`);
    if (options.negation) {
      if (negatedLeft > 0) {
        grams.add(`not_${w}`);
        negatedLeft -= 1;
      }
      if (isNegator(w)) negatedLeft = NEGATION_SCOPE;
    }
    w2 = w1;
    w1 = w;
  }
  const structure = options.finance ? [...new Set(financeFeatures(tokens))] : [];
  return { grams: [...grams], structure };
}
