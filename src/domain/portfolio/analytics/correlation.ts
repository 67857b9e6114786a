// Correlation of daily returns between symbols, pairwise on the days both traded.
import { MIN_OBSERVATIONS } from './risk.ts';
import { alignCloses, simpleReturns, unionDates, type CloseSeries } from './series.ts';
import { covariance, pairedValues } from './stats.ts';

export const MAX_CORRELATION_SYMBOLS = 50;

export interface CorrelationOptions {
  /** Inclusive bounds on the dates of the closes used. */
  from?: string;
  to?: string;
  /** Fewest overlapping daily returns for a coefficient (default MIN_OBSERVATIONS). */
  minObservations?: number;
}

/**
 * matrix[i][j] = Pearson correlation of the daily returns of symbols i and j over the dates
 * where both have one (a return needs the symbol's own closes on that date and on the previous
 * date of the union of all symbols' dates: nothing is forward-filled). observations[i][j] counts
 * those dates. A coefficient is null, with its pair in `undefinedPairs`, when there are fewer
 * than minObservations of them or either return series is constant. The diagonal is 1 for a
 * symbol with enough varying returns.
 */
export interface CorrelationMatrix {
  symbols: string[];
  matrix: (number | null)[][];
  observations: number[][];
  undefinedPairs: { a: string; b: string; reason: string }[];
}

export function correlationMatrix(
  symbols: readonly string[],
  closes: ReadonlyMap<string, CloseSeries>,
  options: CorrelationOptions = {},
): CorrelationMatrix {
  const unique = [...new Set(symbols)];
  if (unique.length > MAX_CORRELATION_SYMBOLS) {
    throw new RangeError(`at most ${MAX_CORRELATION_SYMBOLS} symbols, got ${unique.length}`);
  }
  const needed = Math.max(2, options.minObservations ?? MIN_OBSERVATIONS);
  const present = unique.flatMap((symbol) => {
    const series = closes.get(symbol);
    return series === undefined ? [] : [series];
  });
  const axis = unionDates(present, options.from, options.to);
  const returns = unique.map((symbol) => simpleReturns(alignCloses(closes.get(symbol), axis, 0)));
  const n = unique.length;
  const matrix: (number | null)[][] = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
  const observations: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const undefinedPairs: CorrelationMatrix['undefinedPairs'] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const [x, y] = pairedValues(returns[i] as Float64Array, returns[j] as Float64Array);
      (observations[i] as number[])[j] = x.length;
      (observations[j] as number[])[i] = x.length;
      let value: number | null = null;
      let reason: string | null = null;
      if (x.length < needed) {
        reason = `needs at least ${needed} days with both returns, has ${x.length}`;
      } else {
        const { cov, varX, varY } = covariance(x, y);
        if (!(varX > 0 && varY > 0)) reason = 'a constant return series has no correlation';
        else value = i === j ? 1 : Math.max(-1, Math.min(1, cov / Math.sqrt(varX * varY)));
      }
      (matrix[i] as (number | null)[])[j] = value;
      (matrix[j] as (number | null)[])[i] = value;
      if (reason !== null) undefinedPairs.push({ a: unique[i] as string, b: unique[j] as string, reason });
    }
  }
  return { symbols: unique, matrix, observations, undefinedPairs };
}
