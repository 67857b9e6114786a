// What a forecast refuses to do, as errors the edges already map (InvalidInput → 400).
import { InvalidInput } from '../errors.ts';

/** Fewer bars than the model's warm-up and window: no forecast rather than a guess. */
export class InsufficientHistory extends InvalidInput {
  constructor(readonly needed: number, readonly got: number, symbol?: string) {
    super(
      `Not enough price history to forecast${symbol === undefined ? '' : ` ${symbol}`}: the model needs at least ${needed} daily bars, got ${got}.`,
      { bars: [`needs at least ${needed} daily bars, got ${got}`] },
    );
  }
}
