// Custom screens: a small expression language over a symbol's latest quote and indicators
// (`rsi < 30 and close > sma200`), compiled to a predicate, plus the sort of the results.
export { compileScreen, referencedFields } from './compile.ts';
export type { CompiledScreen, ScreenRow } from './compile.ts';
export { ScreenSyntaxError } from './errors.ts';
export type { ScreenErrorReason } from './errors.ts';
export { SCREEN_FIELD_INFO, SCREEN_FIELDS } from './fields.ts';
export type { ScreenFieldInfo } from './fields.ts';
export { isCondition, parseScreen, SCREEN_LIMITS } from './parser.ts';
export type { ArithmeticOperator, ComparisonOperator, ConditionNode, ScreenNode, ScreenOptions, ValueNode } from './parser.ts';
export { printScreen } from './printer.ts';
export { parseSort, runScreen } from './sort.ts';
export type { ScreenSort } from './sort.ts';
