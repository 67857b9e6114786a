// The screen language's grammar and its recursive-descent parser: source text → a typed AST whose
// field names are the caller's spellings. Nothing here evaluates anything.
//
// Grammar (EBNF). Keywords and field names are case-insensitive; spaces, tabs and newlines are free.
//
//   screen      = condition , end ;
//   condition   = conjunction , { ( "or" | "||" ) , conjunction } ;
//   conjunction = negation , { ( "and" | "&&" ) , negation } ;
//   negation    = ( "not" | "!" ) , negation | comparison ;
//   comparison  = sum , [ ( "<" | "<=" | ">" | ">=" | "=" | "==" | "!=" ) , sum ] ;
//   sum         = product , { ( "+" | "-" ) , product } ;
//   product     = unary , { ( "*" | "/" ) , unary } ;
//   unary       = ( "-" | "+" ) , unary | primary ;
//   primary     = number | field | "(" , condition , ")" ;
//   number      = ( digits , [ "." , [ digits ] ] | "." , digits ) , [ exponent | suffix ] ;
//   exponent    = ( "e" | "E" ) , [ "+" | "-" ] , digits ;
//   suffix      = "k" | "K" | "m" | "M" | "b" | "B" | "t" | "T" ;      (* ×10³, 10⁶, 10⁹, 10¹² *)
//   field       = ( letter | "_" ) , { letter | digit | "_" } ;       (* one of the caller's fields *)
//
// Type rules, checked while parsing: `and`, `or` and `not` join conditions; comparisons and
// arithmetic take numbers; the whole screen is a condition. A comparison has exactly two sides
// (`30 < rsi < 70` is refused: write `rsi > 30 and rsi < 70`).
import { ScreenSyntaxError } from './errors.ts';
import type { FieldTable } from './fields.ts';
import { editDistance, fieldTable, suggestFields } from './fields.ts';
import type { Token, TokenKind } from './lexer.ts';
import { tokenize } from './lexer.ts';

/** Bounds on what a screen may be, so a hostile query string costs microseconds, not seconds. */
export const SCREEN_LIMITS = {
  /** Characters of source, checked before anything is tokenized. */
  maxLength: 2000,
  /** Nested parentheses, unary minus and `not`, together. */
  maxDepth: 32,
  /** Numbers and field references. */
  maxTerms: 200,
} as const;

export type ArithmeticOperator = '+' | '-' | '*' | '/';
export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '=' | '!=';

/** Where a node's text is in the source: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface NumberLiteral extends Span {
  readonly kind: 'number';
  readonly value: number;
}
export interface FieldReference extends Span {
  readonly kind: 'field';
  /** The caller's spelling, whatever case the screen used. */
  readonly name: string;
}
export interface Negation extends Span {
  readonly kind: 'negate';
  readonly operand: ValueNode;
}
export interface Arithmetic extends Span {
  readonly kind: 'arithmetic';
  readonly operator: ArithmeticOperator;
  readonly left: ValueNode;
  readonly right: ValueNode;
}
export interface Comparison extends Span {
  readonly kind: 'compare';
  readonly operator: ComparisonOperator;
  readonly left: ValueNode;
  readonly right: ValueNode;
}
export interface Not extends Span {
  readonly kind: 'not';
  readonly operand: ConditionNode;
}
export interface Logical extends Span {
  readonly kind: 'and' | 'or';
  readonly left: ConditionNode;
  readonly right: ConditionNode;
}

/** An expression worth a number. */
export type ValueNode = NumberLiteral | FieldReference | Negation | Arithmetic;
/** An expression worth true, false or unknown. */
export type ConditionNode = Comparison | Not | Logical;
export type ScreenNode = ValueNode | ConditionNode;

export function isCondition(node: ScreenNode): node is ConditionNode {
  return node.kind === 'compare' || node.kind === 'not' || node.kind === 'and' || node.kind === 'or';
}

export interface ScreenOptions {
  /** The field names a screen may use (case-insensitive in the screen, the caller's spelling in the AST). */
  readonly fields: readonly string[];
}

/** Parse and type-check a screen. Throws ScreenSyntaxError, pointing at the offending token. */
export function parseScreen(source: string, options: ScreenOptions): ConditionNode {
  const table = fieldTable(options.fields);
  if (source.length > SCREEN_LIMITS.maxLength) {
    throw new ScreenSyntaxError('too_long', `screen is ${source.length} characters long, more than the limit of ${SCREEN_LIMITS.maxLength}`, source, SCREEN_LIMITS.maxLength);
  }
  const tokens = tokenize(source);
  if ((tokens[0] as Token).kind === 'end') {
    throw new ScreenSyntaxError('empty', 'empty screen', source, 0, { hint: 'write a condition such as rsi < 30' });
  }
  return new Parser(source, tokens, table).screen();
}

const COMPARISONS: ReadonlySet<TokenKind> = new Set(['<', '<=', '>', '>=', '=', '!=']);
const VALUE_STARTS: ReadonlySet<TokenKind> = new Set(['number', 'identifier', '(', '-', '+']);
const SNIPPET_LENGTH = 40;

class Parser {
  private index = 0;
  private depth = 0;
  private terms = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly fields: FieldTable,
  ) {}

  screen(): ConditionNode {
    const root = this.condition();
    if (this.peek().kind !== 'end') this.unexpectedAfter(root, null);
    return this.asCondition(root, null);
  }

  private condition(): ScreenNode {
    let left = this.conjunction();
    while (this.peek().kind === 'or') {
      const operator = this.next();
      const first = this.asCondition(left, operator);
      left = this.logical('or', first, this.asCondition(this.conjunction(), operator));
    }
    return left;
  }

  private conjunction(): ScreenNode {
    let left = this.negation();
    while (this.peek().kind === 'and') {
      const operator = this.next();
      const first = this.asCondition(left, operator);
      left = this.logical('and', first, this.asCondition(this.negation(), operator));
    }
    return left;
  }

  private negation(): ScreenNode {
    if (this.peek().kind !== 'not') return this.comparison();
    const operator = this.next();
    this.enter(operator);
    const operand = this.asCondition(this.negation(), operator);
    this.depth -= 1;
    return { kind: 'not', operand, start: operator.start, end: operand.end };
  }

  private comparison(): ScreenNode {
    const left = this.sum();
    if (!COMPARISONS.has(this.peek().kind)) return left;
    const operator = this.next();
    const first = this.asValue(left, operator);
    const right = this.asValue(this.sum(), operator);
    const node: Comparison = { kind: 'compare', operator: operator.kind as ComparisonOperator, left: first, right, start: left.start, end: right.end };
    const chained = this.peek();
    if (COMPARISONS.has(chained.kind)) {
      throw this.error('unexpected_token', `comparisons cannot be chained: unexpected "${chained.text}"`, chained, 'join two comparisons with "and", e.g. rsi > 30 and rsi < 70');
    }
    return node;
  }

  private sum(): ScreenNode {
    let left = this.product();
    while (this.peek().kind === '+' || this.peek().kind === '-') {
      const operator = this.next();
      const first = this.asValue(left, operator);
      left = this.arithmetic(operator, first, this.asValue(this.product(), operator));
    }
    return left;
  }

  private product(): ScreenNode {
    let left = this.unary();
    while (this.peek().kind === '*' || this.peek().kind === '/') {
      const operator = this.next();
      const first = this.asValue(left, operator);
      left = this.arithmetic(operator, first, this.asValue(this.unary(), operator));
    }
    return left;
  }

  private unary(): ScreenNode {
    const kind = this.peek().kind;
    if (kind !== '-' && kind !== '+') return this.primary();
    const operator = this.next();
    this.enter(operator);
    const operand = this.asValue(this.unary(), operator);
    this.depth -= 1;
    // Unary plus changes nothing, so it leaves no node; its span still covers the sign.
    if (kind === '+') return { ...operand, start: operator.start };
    return { kind: 'negate', operand, start: operator.start, end: operand.end };
  }

  private primary(): ScreenNode {
    const token = this.peek();
    if (token.kind === 'number' || token.kind === 'identifier') {
      this.terms += 1;
      if (this.terms > SCREEN_LIMITS.maxTerms) {
        throw this.error('too_many_terms', `more than ${SCREEN_LIMITS.maxTerms} numbers and fields`, token, 'split the screen into simpler ones');
      }
      this.next();
      if (token.kind === 'number') return { kind: 'number', value: token.value, start: token.start, end: token.end };
      const name = this.fields.byLowerCase.get(token.text.toLowerCase());
      if (name === undefined) {
        throw new ScreenSyntaxError('unknown_field', `unknown field "${token.text}"`, this.source, token.start, {
          length: token.end - token.start,
          suggestions: suggestFields(this.fields, token.text),
        });
      }
      return { kind: 'field', name, start: token.start, end: token.end };
    }
    if (token.kind === '(') {
      this.next();
      this.enter(token);
      const inner = this.condition();
      if (this.peek().kind !== ')') this.unexpectedAfter(inner, token);
      const closing = this.next();
      this.depth -= 1;
      // The span takes in the parentheses, so messages quote "(rsi < 30)" whole.
      return { ...inner, start: token.start, end: closing.end };
    }
    const previous = this.tokens[this.index - 1];
    const after = previous === undefined ? '' : ` after "${previous.text}"`;
    throw this.error('unexpected_token', `expected a value${after} but found ${describe(token)}`, token);
  }

  private logical(kind: 'and' | 'or', left: ConditionNode, right: ConditionNode): Logical {
    return { kind, left, right, start: left.start, end: right.end };
  }

  private arithmetic(operator: Token, left: ValueNode, right: ValueNode): Arithmetic {
    return { kind: 'arithmetic', operator: operator.kind as ArithmeticOperator, left, right, start: left.start, end: right.end };
  }

  /** A complete expression followed by a token that cannot continue it. */
  private unexpectedAfter(node: ScreenNode, opening: Token | null): never {
    const token = this.peek();
    if (token.kind === 'end' && opening !== null) {
      throw this.error('unclosed_parenthesis', 'unclosed "("', opening, 'expected ")" before the end of the screen');
    }
    if (token.kind === ')' && opening === null) {
      throw this.error('unexpected_token', 'unexpected ")" with no matching "("', token);
    }
    const closing = opening === null ? 'the end of the screen' : '")"';
    // `where=close>sma200+5` unencoded in a URL query reaches us as `close>sma200 5`.
    const previous = this.tokens[this.index - 1] as Token;
    const plusLost = VALUE_STARTS.has(token.kind) && this.source[token.start - 1] === ' ' && previous.end < token.start;
    const urlHint = plusLost ? 'if a "+" stood here, a URL query turned it into a space: send it as %2B' : undefined;
    if (!isCondition(node)) {
      const hint = VALUE_STARTS.has(token.kind) ? ['e.g. <, >, =, + or *', urlHint].filter(Boolean).join('; ') : undefined;
      throw this.error('unexpected_token', `expected an operator or ${closing} after "${this.snippet(node)}" but found ${describe(token)}`, token, hint);
    }
    const keyword = token.kind === 'identifier' ? closeKeyword(token.text) : undefined;
    const hint = keyword === undefined ? urlHint : `did you mean "${keyword}"?`;
    throw this.error('unexpected_token', `expected "and", "or" or ${closing} but found ${describe(token)}`, token, hint);
  }

  private asCondition(node: ScreenNode, operator: Token | null): ConditionNode {
    if (isCondition(node)) return node;
    const where = operator === null ? '' : ` ${node.start < operator.start ? 'before' : 'after'} "${operator.text}"`;
    throw new ScreenSyntaxError('type_mismatch', `expected a condition${where} but "${this.snippet(node)}" is a number`, this.source, node.start, {
      length: node.end - node.start,
      hint: `compare it, e.g. ${this.snippet(node)} > 0`,
    });
  }

  private asValue(node: ScreenNode, operator: Token): ValueNode {
    if (!isCondition(node)) return node;
    const where = node.start < operator.start ? 'before' : 'after';
    throw new ScreenSyntaxError('type_mismatch', `expected a number ${where} "${operator.text}" but "${this.snippet(node)}" is a condition`, this.source, node.start, {
      length: node.end - node.start,
    });
  }

  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > SCREEN_LIMITS.maxDepth) {
      throw this.error('too_deep', `nested more than ${SCREEN_LIMITS.maxDepth} levels deep`, token, 'simplify the screen');
    }
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.tokens[this.index] as Token;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private snippet(node: Span): string {
    const text = this.source.slice(node.start, node.end).replace(/\s+/g, ' ');
    return text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH - 1)}…` : text;
  }

  private error(reason: 'unexpected_token' | 'unclosed_parenthesis' | 'too_deep' | 'too_many_terms', description: string, token: Token, hint?: string): ScreenSyntaxError {
    return new ScreenSyntaxError(reason, description, this.source, token.start, { length: token.end - token.start, ...(hint === undefined ? {} : { hint }) });
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the screen' : `"${token.text}"`;
}

/** `adn` → `and`: a word one edit from a keyword, where only a keyword could go. */
function closeKeyword(word: string): string | undefined {
  const lower = word.toLowerCase();
  return ['and', 'or'].find((keyword) => lower.length >= 2 && editDistance(lower, keyword) === 1);
}
