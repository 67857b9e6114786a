// A number that may not be computable: with too little history it is null and says why.

export type Measured<T> = { value: T; reason: null } | { value: null; reason: string };

export function measured<T>(value: T): Measured<T> {
  return { value, reason: null };
}

export function unmeasured<T>(reason: string): Measured<T> {
  return { value: null, reason };
}
