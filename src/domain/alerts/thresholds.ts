// Price alert lines and when a quote crosses them. Each symbol's lines are kept sorted by threshold
// per kind, so a quote finds the lines whose side changed since the previous quote by binary search:
// O(log n + crossed), not O(n), per quote.

export type AlertKind = 'above' | 'below' | 'change_percent';

export interface AlertLine {
  entryId: string;
  userId: string;
  symbol: string;
  kind: AlertKind;
  /** The line: a price (above, below) or a percent (change_percent), as a number to compare. */
  threshold: number;
  /** The same line exactly as stored (a decimal string). */
  thresholdText: string;
}

/** What of a quote the lines look at. */
export interface QuotePoint {
  price: number;
  changePercent: number;
}

/** Whether the quote is beyond the line: at or above it, at or below it, or a day's move at least that large either way. */
export function isBeyond(line: Pick<AlertLine, 'kind' | 'threshold'>, quote: QuotePoint): boolean {
  switch (line.kind) {
    case 'above': return quote.price >= line.threshold;
    case 'below': return quote.price <= line.threshold;
    case 'change_percent': return Math.abs(quote.changePercent) >= line.threshold;
  }
}

const valueOf = (kind: AlertKind, quote: QuotePoint) => (kind === 'change_percent' ? Math.abs(quote.changePercent) : quote.price);

/** The first index whose threshold is >= value (or > value when `after`). */
function bound(lines: readonly AlertLine[], value: number, after: boolean): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const threshold = lines[middle]!.threshold;
    if (threshold < value || (after && threshold === value)) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class ThresholdIndex {
  private readonly byKind: Record<AlertKind, AlertLine[]> = { above: [], below: [], change_percent: [] };

  constructor(lines: readonly AlertLine[]) {
    for (const line of lines) if (Number.isFinite(line.threshold)) this.byKind[line.kind].push(line);
    for (const sorted of Object.values(this.byKind)) sorted.sort((a, b) => a.threshold - b.threshold);
  }

  get size(): number {
    return this.byKind.above.length + this.byKind.below.length + this.byKind.change_percent.length;
  }

  all(): AlertLine[] {
    return [...this.byKind.above, ...this.byKind.below, ...this.byKind.change_percent];
  }

  /** The lines the quote is on the other side of than the previous quote was. */
  crossed(previous: QuotePoint, current: QuotePoint): AlertLine[] {
    const crossed: AlertLine[] = [];
    for (const kind of ['above', 'below', 'change_percent'] as const) {
      const lines = this.byKind[kind];
      if (lines.length === 0) continue;
      const from = valueOf(kind, previous);
      const to = valueOf(kind, current);
      if (from === to) continue;
      // Only thresholds between the two values can have changed side.
      const start = bound(lines, Math.min(from, to), false);
      const end = bound(lines, Math.max(from, to), true);
      for (let i = start; i < end; i += 1) {
        const line = lines[i]!;
        if (isBeyond(line, previous) !== isBeyond(line, current)) crossed.push(line);
      }
    }
    return crossed;
  }
}
