// Password rules after Django's default validators, with their messages, so a client
// written for the seed shows the same errors.
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 8;
/** Django's UserAttributeSimilarityValidator threshold. */
const MAX_SIMILARITY = 0.7;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  // ~49,000 leaked passwords; built on first use so start-up does not pay for it.
  common ??= new Set(dictionary['passwords-common'] as string[]);
  return common;
}

/**
 * Python's SequenceMatcher.quick_ratio: twice the size of the multiset intersection of the
 * characters over the total length. Django uses it as an upper bound on similarity.
 */
export function quickRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  const available = new Map<string, number>();
  for (const ch of b) available.set(ch, (available.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const left = available.get(ch) ?? 0;
    if (left > 0) {
      matches += 1;
      available.set(ch, left - 1);
    }
  }
  return (2 * matches) / total;
}

function tooSimilar(password: string, attribute: string): boolean {
  const value = attribute.toLowerCase();
  const lower = password.toLowerCase();
  const parts = [...value.split(/\W+/).filter(Boolean), value];
  return parts.some((part) => {
    // Django skips parts far shorter than the password: they cannot make it guessable.
    const exceedsLengthRatio = lower.length >= 10 * part.length && part.length < (MAX_SIMILARITY / 2) * lower.length;
    return !exceedsLengthRatio && quickRatio(lower, part) >= MAX_SIMILARITY;
  });
}

export interface PasswordContext {
  email: string;
  fullName?: string | null;
}

/** Every rule the password breaks, as messages; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  if (context.email && tooSimilar(password, context.email)) problems.push('The password is too similar to the email address.');
  else if (context.fullName && tooSimilar(password, context.fullName)) problems.push('The password is too similar to the full name.');
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (commonPasswords().has(password.toLowerCase().trim())) problems.push('This password is too common.');
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  return problems;
}
