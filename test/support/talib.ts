// TA-Lib itself, through the `talib` package (the C library behind a Node binding): the oracle of
// the indicator tests. It is a dev-only native module, so it may fail to load (another Node ABI,
// no compiler at install time); then `talib` is null, TALIB_MISSING says why, and oracle tests
// use `describe.skipIf(!talib)` so they are reported as skipped with that reason, never passed.
import { createRequire } from 'node:module';

export interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}

interface TalibBinding {
  version: string;
  execute(params: Record<string, unknown>): TalibResult;
}

function load(): { binding: TalibBinding | null; reason: string } {
  try {
    // A CommonJS package: loaded through require from this ES module.
    const binding = createRequire(import.meta.url)('talib') as TalibBinding;
    if (typeof binding.execute !== 'function') return { binding: null, reason: 'the talib module has no execute()' };
    return { binding, reason: '' };
  } catch (error) {
    return { binding: null, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}

const { binding, reason } = load();

/** The binding, or null when it cannot be loaded here. */
export const talib: TalibBinding | null = binding;

/** Why the oracle tests are skipped (shown beside them). */
export const TALIB_MISSING = `the TA-Lib oracle (npm package talib) could not be loaded: ${reason}`;

export interface TalibInputs {
  inReal?: Float64Array;
  high?: Float64Array;
  low?: Float64Array;
  close?: Float64Array;
  volume?: Float64Array;
}

export interface TalibSeries {
  /** TA-Lib's first output index (its lookback), 0 when it produced nothing. */
  begIndex: number;
  /** How many values TA-Lib produced. */
  nbElement: number;
  /** Each output over the whole input: NaN where TA-Lib produced no value. */
  outputs: Record<string, Float64Array>;
}

/**
 * Runs TA-Lib's `name` over a whole series and aligns each output to the input. Options are
 * TA-Lib's optIn names. Callers pass only valid periods: the binding aborts the process on a
 * TA-Lib error code instead of throwing, so an empty series is answered here without calling it.
 */
export function talibSeries(name: string, inputs: TalibInputs, options: Record<string, number> = {}): TalibSeries {
  if (!talib) throw new Error(TALIB_MISSING);
  const length = (inputs.inReal ?? inputs.close ?? inputs.high)?.length ?? 0;
  if (length === 0) return { begIndex: 0, nbElement: 0, outputs: {} };
  // The binding reads its inputs as JS Arrays (a typed array is read as garbage): convert.
  const arrays: Record<string, number[]> = {};
  for (const [input, values] of Object.entries(inputs)) if (values) arrays[input] = Array.from(values as Float64Array);
  const answer = talib.execute({ name, startIdx: 0, endIdx: length - 1, ...arrays, ...options });
  const outputs: Record<string, Float64Array> = {};
  for (const [output, values] of Object.entries(answer.result)) {
    const aligned = new Float64Array(length).fill(NaN);
    for (let k = 0; k < answer.nbElement; k++) aligned[answer.begIndex + k] = values[k]!;
    outputs[output] = aligned;
  }
  return { begIndex: answer.begIndex, nbElement: answer.nbElement, outputs };
}

/** The single output of a one-output TA-Lib function, aligned to the input. */
export function talibLine(name: string, inputs: TalibInputs, options: Record<string, number> = {}): Float64Array {
  const { outputs } = talibSeries(name, inputs, options);
  const only = Object.values(outputs)[0];
  return only ?? new Float64Array(0);
}
