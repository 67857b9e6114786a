// A parsed screen compiled to nested closures, evaluated per row without re-reading the tree.
//
// Missing values: a field that is null, undefined or NaN (no RSI yet for a new listing), or an
// arithmetic result that is NaN (division by zero yields NaN), makes a comparison *unknown*, as
// SQL's NULL does. Unknown is never a match, and `not` keeps it unknown, so `rsi < 30` and
// `not (rsi < 30)` both leave out a symbol with no RSI. `and` and `or` follow Kleene's logic:
// `unknown or true` is true, `unknown and false` is false, anything else with unknown is unknown.
import type { ConditionNode, ScreenNode, ScreenOptions, ValueNode } from './parser.ts';
import { parseScreen } from './parser.ts';
import { printScreen } from './printer.ts';

/**
 * One symbol's latest quote and indicators: any object (an interface type too) whose screen fields
 * are numbers, null or absent; other properties (the symbol, its name) are ignored.
 */
export type ScreenRow = object;

/** The row's properties by name: a view for reading, never for writing. */
type Fields = Readonly<Record<string, unknown>>;

export interface CompiledScreen {
  /** The text as written. */
  readonly source: string;
  /** The canonical text (lower-case keywords, the caller's field spellings, minimal parentheses). */
  readonly text: string;
  readonly ast: ConditionNode;
  /** Fields the screen reads, in order of first use, each once. */
  readonly fields: readonly string[];
  /** True when the row certainly meets the screen (a free function: pass it to `filter`). */
  readonly matches: (row: ScreenRow) => boolean;
}

/** Parse, type-check and compile a screen. Throws ScreenSyntaxError, pointing at the offending token. */
export function compileScreen(source: string, options: ScreenOptions): CompiledScreen {
  const ast = parseScreen(source, options);
  const condition = compileCondition(ast);
  return {
    source,
    text: printScreen(ast),
    ast,
    fields: referencedFields(ast),
    matches: (row) => condition(row) === TRUE,
  };
}

/** Field names in order of first use, each once. */
export function referencedFields(node: ScreenNode): string[] {
  const seen = new Set<string>();
  const visit = (current: ScreenNode): void => {
    switch (current.kind) {
      case 'field':
        seen.add(current.name);
        return;
      case 'number':
        return;
      case 'negate':
      case 'not':
        visit(current.operand);
        return;
      default:
        visit(current.left);
        visit(current.right);
    }
  };
  visit(node);
  return [...seen];
}

// Three truth values as numbers, so `and` is min, `or` is max and `not` is negation.
type Truth = 1 | 0 | -1;
const TRUE = 1;
const UNKNOWN = 0;
const FALSE = -1;

type Value = (row: ScreenRow) => number;
type Condition = (row: ScreenRow) => Truth;

interface CompiledValue {
  readonly evaluate: Value;
  /** Set when the value reads no field, so it is computed once, here. */
  readonly constant: number | undefined;
}

const NO_ROW: ScreenRow = {};

function constant(value: number): CompiledValue {
  return { evaluate: () => value, constant: value };
}

function compileValue(node: ValueNode): CompiledValue {
  switch (node.kind) {
    case 'number':
      return constant(node.value);
    case 'field':
      return { evaluate: fieldReader(node.name), constant: undefined };
    case 'negate': {
      const operand = compileValue(node.operand);
      if (operand.constant !== undefined) return constant(-operand.constant);
      const evaluate = operand.evaluate;
      return { evaluate: (row) => -evaluate(row), constant: undefined };
    }
    case 'arithmetic': {
      const left = compileValue(node.left);
      const right = compileValue(node.right);
      const evaluate = arithmetic(node.operator, left.evaluate, right.evaluate);
      if (left.constant !== undefined && right.constant !== undefined) return constant(evaluate(NO_ROW));
      // `2 * avgVolume20`, `close / 100`: one closure call fewer per row.
      if (right.constant !== undefined) return { evaluate: arithmeticByConstant(node.operator, left.evaluate, right.constant), constant: undefined };
      return { evaluate, constant: undefined };
    }
  }
}

function arithmetic(operator: '+' | '-' | '*' | '/', left: Value, right: Value): Value {
  switch (operator) {
    case '+':
      return (row) => left(row) + right(row);
    case '-':
      return (row) => left(row) - right(row);
    case '*':
      return (row) => left(row) * right(row);
    case '/':
      return (row) => {
        const numerator = left(row);
        const denominator = right(row);
        return denominator === 0 ? NaN : numerator / denominator;
      };
  }
}

function arithmeticByConstant(operator: '+' | '-' | '*' | '/', left: Value, b: number): Value {
  switch (operator) {
    case '+':
      return (row) => left(row) + b;
    case '-':
      return (row) => left(row) - b;
    case '*':
      return (row) => left(row) * b;
    case '/':
      return b === 0 ? () => NaN : (row) => left(row) / b;
  }
}

function fieldReader(name: string): Value {
  return (row) => {
    const value = (row as Fields)[name];
    return typeof value === 'number' ? value : fieldValue(row, name);
  };
}

/** A row's number for `field`: null and absent read as NaN (missing). */
export function fieldValue(row: ScreenRow, field: string): number {
  const value = (row as Fields)[field];
  if (typeof value === 'number') return value;
  if (value == null) return NaN;
  // A string here is a caller's bug (PostgreSQL numerics arrive as strings): say so, never read it as NaN.
  throw new TypeError(`Screen field "${field}" holds a ${typeof value}, not a number or null`);
}

function compileCondition(node: ConditionNode): Condition {
  switch (node.kind) {
    case 'compare': {
      const left = compileValue(node.left);
      const right = compileValue(node.right);
      const [less, equal, greater] = OUTCOMES[node.operator];
      if (left.constant !== undefined && right.constant !== undefined) {
        const truth = compare(left.constant, right.constant, less, equal, greater);
        return () => truth;
      }
      // The usual shapes (`rsi < 30`, `30 > rsi`, `close > sma200`) read the row directly.
      if (node.left.kind === 'field' && right.constant !== undefined) return fieldToConstant(node.left.name, right.constant, less, equal, greater);
      if (node.right.kind === 'field' && left.constant !== undefined) return fieldToConstant(node.right.name, left.constant, greater, equal, less);
      if (node.left.kind === 'field' && node.right.kind === 'field') return fieldToField(node.left.name, node.right.name, less, equal, greater);
      if (right.constant !== undefined) return valueToConstant(left.evaluate, right.constant, less, equal, greater);
      if (left.constant !== undefined) return valueToConstant(right.evaluate, left.constant, greater, equal, less);
      return valueToValue(left.evaluate, right.evaluate, less, equal, greater);
    }
    case 'not': {
      const operand = compileCondition(node.operand);
      return (row) => -operand(row) as Truth;
    }
    case 'and': {
      const left = compileCondition(node.left);
      const right = compileCondition(node.right);
      return (row) => {
        const first = left(row);
        if (first === FALSE) return FALSE;
        const second = right(row);
        return second < first ? second : first;
      };
    }
    case 'or': {
      const left = compileCondition(node.left);
      const right = compileCondition(node.right);
      return (row) => {
        const first = left(row);
        if (first === TRUE) return TRUE;
        const second = right(row);
        return second > first ? second : first;
      };
    }
  }
}

// What each comparison says when the left side is less than, equal to or greater than the right;
// when either side is NaN it is none of the three, and the comparison is UNKNOWN.
const OUTCOMES: Readonly<Record<'<' | '<=' | '>' | '>=' | '=' | '!=', readonly [Truth, Truth, Truth]>> = {
  '<': [TRUE, FALSE, FALSE],
  '<=': [TRUE, TRUE, FALSE],
  '>': [FALSE, FALSE, TRUE],
  '>=': [FALSE, TRUE, TRUE],
  '=': [FALSE, TRUE, FALSE],
  '!=': [TRUE, FALSE, TRUE],
};

function compare(a: number, b: number, less: Truth, equal: Truth, greater: Truth): Truth {
  return a < b ? less : a > b ? greater : a === b ? equal : UNKNOWN;
}

function fieldToConstant(name: string, b: number, less: Truth, equal: Truth, greater: Truth): Condition {
  return (row) => {
    const value = (row as Fields)[name];
    const a = typeof value === 'number' ? value : fieldValue(row, name);
    return a < b ? less : a > b ? greater : a === b ? equal : UNKNOWN;
  };
}

function fieldToField(leftName: string, rightName: string, less: Truth, equal: Truth, greater: Truth): Condition {
  return (row) => {
    const leftValue = (row as Fields)[leftName];
    const rightValue = (row as Fields)[rightName];
    const a = typeof leftValue === 'number' ? leftValue : fieldValue(row, leftName);
    const b = typeof rightValue === 'number' ? rightValue : fieldValue(row, rightName);
    return a < b ? less : a > b ? greater : a === b ? equal : UNKNOWN;
  };
}

function valueToConstant(left: Value, b: number, less: Truth, equal: Truth, greater: Truth): Condition {
  return (row) => {
    const a = left(row);
    return a < b ? less : a > b ? greater : a === b ? equal : UNKNOWN;
  };
}

function valueToValue(left: Value, right: Value, less: Truth, equal: Truth, greater: Truth): Condition {
  return (row) => {
    const a = left(row);
    const b = right(row);
    return a < b ? less : a > b ? greater : a === b ? equal : UNKNOWN;
  };
}
