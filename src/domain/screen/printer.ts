// The canonical text of a screen: lower-case keywords, the caller's field spellings, single spaces and
// only the parentheses the grammar needs. Parsing the printed text gives back the same tree.
import type { ScreenNode } from './parser.ts';

// Binding strength, loosest first, as the grammar nests its rules.
const OR = 1;
const AND = 2;
const NOT = 3;
const COMPARE = 4;
const SUM = 5;
const PRODUCT = 6;
const NEGATE = 7;
const ATOM = 8;

function precedence(node: ScreenNode): number {
  switch (node.kind) {
    case 'or':
      return OR;
    case 'and':
      return AND;
    case 'not':
      return NOT;
    case 'compare':
      return COMPARE;
    case 'arithmetic':
      return node.operator === '+' || node.operator === '-' ? SUM : PRODUCT;
    case 'negate':
      return NEGATE;
    case 'number':
    case 'field':
      return ATOM;
  }
}

export function printScreen(node: ScreenNode): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'field':
      return node.name;
    case 'negate':
      // `-(-x)` rather than `--x`, which reads like a decrement.
      return `-${wrap(node.operand, precedence(node.operand) === ATOM)}`;
    case 'not':
      return `not ${wrap(node.operand, precedence(node.operand) >= NOT)}`;
    case 'arithmetic':
    case 'compare':
    case 'and':
    case 'or': {
      const operator = node.kind === 'arithmetic' || node.kind === 'compare' ? node.operator : node.kind;
      const own = precedence(node);
      // Operators group left to right, so a right operand of equal strength keeps its parentheses;
      // comparisons do not chain, so neither side may be a bare comparison.
      const leftBare = node.kind === 'compare' ? precedence(node.left) > own : precedence(node.left) >= own;
      return `${wrap(node.left, leftBare)} ${operator} ${wrap(node.right, precedence(node.right) > own)}`;
    }
  }
}

function wrap(node: ScreenNode, bare: boolean): string {
  const text = printScreen(node);
  return bare ? text : `(${text})`;
}
