// Shared by the screen tests: random screens and rows (fast-check), an independent reference
// evaluator written with booleans and null, and a fully parenthesised view of a tree.
import fc from 'fast-check';
import type { ConditionNode, ScreenNode, ValueNode } from '../../../src/domain/screen/index.ts';

/** A small field set, so random screens reuse fields and random rows give equal values often. */
export const TEST_FIELDS: readonly string[] = ['rsi', 'close', 'sma200', 'volume', 'avgVolume20', 'changePercent'];

export type Row = Record<string, number | null | undefined>;

/** A screen that fails to compile: its ScreenSyntaxError (or whatever else was thrown). */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

// ---- reference evaluator: null stands for "unknown" -------------------------------------------

export function referenceValue(node: ValueNode, row: Row): number {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'field': {
      const value = row[node.name];
      return value === null || value === undefined ? NaN : value;
    }
    case 'negate':
      return -referenceValue(node.operand, row);
    case 'arithmetic': {
      const a = referenceValue(node.left, row);
      const b = referenceValue(node.right, row);
      if (node.operator === '+') return a + b;
      if (node.operator === '-') return a - b;
      if (node.operator === '*') return a * b;
      return b === 0 ? NaN : a / b;
    }
  }
}

export function referenceTruth(node: ConditionNode, row: Row): boolean | null {
  switch (node.kind) {
    case 'compare': {
      const a = referenceValue(node.left, row);
      const b = referenceValue(node.right, row);
      if (Number.isNaN(a) || Number.isNaN(b)) return null;
      if (node.operator === '<') return a < b;
      if (node.operator === '<=') return a <= b;
      if (node.operator === '>') return a > b;
      if (node.operator === '>=') return a >= b;
      if (node.operator === '=') return a === b;
      return a !== b;
    }
    case 'not': {
      const inner = referenceTruth(node.operand, row);
      return inner === null ? null : !inner;
    }
    case 'and': {
      const left = referenceTruth(node.left, row);
      const right = referenceTruth(node.right, row);
      if (left === false || right === false) return false;
      return left === null || right === null ? null : true;
    }
    case 'or': {
      const left = referenceTruth(node.left, row);
      const right = referenceTruth(node.right, row);
      if (left === true || right === true) return true;
      return left === null || right === null ? null : false;
    }
  }
}

// ---- tree views --------------------------------------------------------------------------------

/** The tree without source positions, for comparing trees parsed from different texts. */
export function withoutSpans(node: ScreenNode): unknown {
  return JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'start' || key === 'end' ? undefined : value)));
}

/** Every operation in parentheses: shows how the parser grouped the text. */
export function grouping(node: ScreenNode): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'field':
      return node.name;
    case 'negate':
      return `(-${grouping(node.operand)})`;
    case 'not':
      return `(not ${grouping(node.operand)})`;
    case 'arithmetic':
    case 'compare':
      return `(${grouping(node.left)} ${node.operator} ${grouping(node.right)})`;
    case 'and':
    case 'or':
      return `(${grouping(node.left)} ${node.kind} ${grouping(node.right)})`;
  }
}

// ---- arbitraries -------------------------------------------------------------------------------

const span = { start: 0, end: 0 };

const literal: fc.Arbitrary<ValueNode> = fc
  .oneof(
    fc.integer({ min: 0, max: 5 }),
    fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0.5, 1e-7, 1e21, 2.5e6),
  )
  .map((value) => ({ kind: 'number' as const, value: value === 0 ? 0 : value, ...span }));

const field: fc.Arbitrary<ValueNode> = fc.constantFrom(...TEST_FIELDS).map((name) => ({ kind: 'field' as const, name, ...span }));

/** Well-typed random screens, a few levels deep. */
export const screenTree: fc.Arbitrary<ConditionNode> = fc.letrec<{ value: ValueNode; condition: ConditionNode }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    field,
    tie('value').map((operand) => ({ kind: 'negate' as const, operand, ...span })),
    fc
      .tuple(fc.constantFrom('+', '-', '*', '/' as const), tie('value'), tie('value'))
      .map(([operator, left, right]) => ({ kind: 'arithmetic' as const, operator, left, right, ...span })),
  ),
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(fc.constantFrom('<', '<=', '>', '>=', '=', '!=' as const), tie('value'), tie('value'))
      .map(([operator, left, right]) => ({ kind: 'compare' as const, operator, left, right, ...span })),
    tie('condition').map((operand) => ({ kind: 'not' as const, operand, ...span })),
    fc
      .tuple(fc.constantFrom('and', 'or' as const), tie('condition'), tie('condition'))
      .map(([kind, left, right]) => ({ kind, left, right, ...span })),
  ),
})).condition;

/** Rows mixing ordinary numbers, equal small integers, zeros, infinities, NaN, null and absent fields. */
export const screenRow: fc.Arbitrary<Row> = fc.record(
  Object.fromEntries(
    TEST_FIELDS.map((name) => [
      name,
      fc.oneof(
        fc.integer({ min: -3, max: 3 }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom(null, undefined, NaN, 0, Infinity, -Infinity),
      ),
    ]),
  ),
  { requiredKeys: [] },
) as fc.Arbitrary<Row>;
