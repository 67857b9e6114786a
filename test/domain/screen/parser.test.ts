import { describe, expect, it } from 'vitest';
import { parseScreen, SCREEN_FIELDS, SCREEN_LIMITS, ScreenSyntaxError } from '../../../src/domain/screen/index.ts';
import type { ScreenErrorReason } from '../../../src/domain/screen/index.ts';
import { grouping, TEST_FIELDS, thrownBy, withoutSpans } from './screen-support.ts';

const options = { fields: SCREEN_FIELDS };
const parse = (source: string) => parseScreen(source, options);
const grouped = (source: string) => grouping(parse(source));

function syntaxError(source: string, fields: readonly string[] = SCREEN_FIELDS): ScreenSyntaxError {
  const error = thrownBy(() => parseScreen(source, { fields }));
  expect(error).toBeInstanceOf(ScreenSyntaxError);
  return error as ScreenSyntaxError;
}

function expectError(source: string, reason: ScreenErrorReason, position: number, fragment: string): ScreenSyntaxError {
  const error = syntaxError(source);
  expect(error.reason).toBe(reason);
  expect(error.position).toBe(position);
  expect(error.message).toContain(`at position ${position}`);
  expect(error.message).toContain(fragment);
  return error;
}

describe('precedence and grouping', () => {
  it('multiplies and divides before adding and subtracting', () => {
    expect(grouped('1 + 2 * 3 > 0')).toBe('((1 + (2 * 3)) > 0)');
    expect(grouped('1 * 2 - 3 / 4 > 0')).toBe('(((1 * 2) - (3 / 4)) > 0)');
  });

  it('groups operators of equal strength from the left', () => {
    expect(grouped('1 - 2 - 3 > 0')).toBe('(((1 - 2) - 3) > 0)');
    expect(grouped('8 / 4 / 2 > 0')).toBe('(((8 / 4) / 2) > 0)');
    expect(grouped('rsi < 1 or rsi < 2 or rsi < 3')).toBe('(((rsi < 1) or (rsi < 2)) or (rsi < 3))');
    expect(grouped('rsi < 1 and rsi < 2 and rsi < 3')).toBe('(((rsi < 1) and (rsi < 2)) and (rsi < 3))');
  });

  it('binds unary minus tighter than multiplication', () => {
    expect(grouped('-rsi * 2 > 0')).toBe('(((-rsi) * 2) > 0)');
    expect(grouped('2 * -rsi > 0')).toBe('((2 * (-rsi)) > 0)');
    expect(grouped('- -rsi > 0')).toBe('((-(-rsi)) > 0)');
  });

  it('drops unary plus', () => {
    expect(grouped('+rsi > +30')).toBe('(rsi > 30)');
  });

  it('does arithmetic before comparing', () => {
    expect(grouped('volume > 2 * avgVolume20')).toBe('(volume > (2 * avgVolume20))');
    expect(grouped('close - open >= atr / 2')).toBe('((close - open) >= (atr / 2))');
  });

  it('binds not tighter than and, and and tighter than or', () => {
    expect(grouped('rsi < 30 or close > sma200 and volume > 1')).toBe('((rsi < 30) or ((close > sma200) and (volume > 1)))');
    expect(grouped('not rsi < 30 and close > 1')).toBe('((not (rsi < 30)) and (close > 1))');
    expect(grouped('not rsi < 30 or not close > 1')).toBe('((not (rsi < 30)) or (not (close > 1)))');
    expect(grouped('not not rsi < 30')).toBe('(not (not (rsi < 30)))');
  });

  it('lets parentheses override every level', () => {
    expect(grouped('(1 + 2) * 3 > 0')).toBe('(((1 + 2) * 3) > 0)');
    expect(grouped('-(1 + rsi) > 0')).toBe('((-(1 + rsi)) > 0)');
    expect(grouped('(rsi < 30 or close > 1) and volume > 1')).toBe('(((rsi < 30) or (close > 1)) and (volume > 1))');
    expect(grouped('not (rsi < 30 and close > 1)')).toBe('(not ((rsi < 30) and (close > 1)))');
    expect(grouped('((rsi)) < ((30))')).toBe('(rsi < 30)');
  });

  it('reads the symbol spellings as their words', () => {
    expect(withoutSpans(parse('rsi < 30 && close > 1 || !(volume == 0)'))).toEqual(withoutSpans(parse('rsi < 30 and close > 1 or not (volume = 0)')));
  });

  it('reads every comparison operator', () => {
    for (const operator of ['<', '<=', '>', '>=', '=', '!='] as const) {
      const node = parse(`rsi ${operator} 30`);
      expect(node.kind === 'compare' && node.operator).toBe(operator);
    }
    const doubled = parse('rsi == 30');
    expect(doubled.kind === 'compare' && doubled.operator).toBe('=');
  });

  it('ignores the case of keywords and fields, keeping the caller’s spelling', () => {
    const node = parse('AVGVOLUME20 > 1 AnD NOT ChangePercent < 0');
    expect(grouping(node)).toBe('((avgVolume20 > 1) and (not (changePercent < 0)))');
  });

  it('allows spaces, tabs and newlines anywhere between tokens, and none where unambiguous', () => {
    expect(withoutSpans(parse('rsi<30 and(close>sma200)'))).toEqual(withoutSpans(parse('rsi < 30 and ( close > sma200 )')));
    expect(withoutSpans(parse('\n\trsi\r\n<\t30\n'))).toEqual(withoutSpans(parse('rsi < 30')));
  });

  it('records where each node is in the source', () => {
    const source = 'rsi < 30 and (close > sma200)';
    const node = parse(source);
    if (node.kind !== 'and' || node.right.kind !== 'compare') throw new Error('unexpected tree');
    expect(source.slice(node.left.start, node.left.end)).toBe('rsi < 30');
    expect(source.slice(node.right.start, node.right.end)).toBe('(close > sma200)');
    expect(source.slice(node.right.right.start, node.right.right.end)).toBe('sma200');
  });

  it('accepts only the caller’s fields', () => {
    expect(grouping(parseScreen('x > y', { fields: ['x', 'y'] }))).toBe('(x > y)');
    expect(syntaxError('rsi > 1', ['x', 'y']).reason).toBe('unknown_field');
    expect(grouping(parseScreen('RSI > 1', { fields: TEST_FIELDS }))).toBe('(rsi > 1)');
  });

  it('refuses a field list a screen could not spell', () => {
    expect(() => parseScreen('x > 1', { fields: ['x', 'X'] })).toThrow(TypeError);
    expect(() => parseScreen('x > 1', { fields: ['x', 'And'] })).toThrow(TypeError);
    expect(() => parseScreen('x > 1', { fields: ['x', '52wHigh'] })).toThrow(TypeError);
    expect(() => parseScreen('x > 1', { fields: ['x', 'sma-200'] })).toThrow(TypeError);
  });
});

describe('syntax errors point at the offending token', () => {
  it('an unexpected token after a complete condition', () => {
    const source = 'rsi < 30 close > 5';
    const error = expectError(source, 'unexpected_token', source.indexOf('close'), 'found "close"');
    expect(error.message).toContain('"and", "or"');
    expect(error.length).toBe('close'.length);
  });

  it('a misspelt keyword, with the keyword it resembles', () => {
    const source = 'rsi < 30 adn close > 5';
    expectError(source, 'unexpected_token', source.indexOf('adn'), 'did you mean "and"?');
  });

  it('a value with no operator after it', () => {
    const source = 'rsi 30';
    expectError(source, 'unexpected_token', source.indexOf('30'), 'expected an operator');
  });

  it('a missing value after an operator', () => {
    const source = 'rsi > and close > 1';
    expectError(source, 'unexpected_token', source.indexOf('and'), 'expected a value after ">" but found "and"');
  });

  it('a screen that stops after an operator', () => {
    for (const source of ['rsi >', 'rsi > 30 and', 'rsi > 30 or not', 'rsi > 2 *', 'rsi > -']) {
      expectError(source, 'unexpected_token', source.length, 'the end of the screen');
    }
  });

  it('an operator where a value must start', () => {
    const source = 'rsi > * 2';
    expectError(source, 'unexpected_token', source.indexOf('*'), 'expected a value after ">" but found "*"');
    expectError('< 30', 'unexpected_token', 0, 'expected a value but found "<"');
  });

  it('empty parentheses', () => {
    const source = 'rsi > ()';
    expectError(source, 'unexpected_token', source.indexOf(')'), 'expected a value after "("');
  });

  it('an unclosed parenthesis, at the "(" left open', () => {
    const source = '(rsi < 30 and close > 5';
    expectError(source, 'unclosed_parenthesis', 0, 'unclosed "("');
    const nested = 'rsi < 30 and (close > 5 or (volume > 1)';
    expectError(nested, 'unclosed_parenthesis', nested.indexOf('(close'), 'unclosed "("');
  });

  it('something other than ")" where the parenthesis should close', () => {
    const source = '(rsi < 30 close > 5)';
    expectError(source, 'unexpected_token', source.indexOf('close'), 'or ")" but found "close"');
  });

  it('a ")" with no "("', () => {
    const source = 'rsi < 30)';
    expectError(source, 'unexpected_token', source.indexOf(')'), 'no matching "("');
  });

  it('trailing garbage after a whole screen', () => {
    const source = 'rsi < 30 and close > 5 30';
    expectError(source, 'unexpected_token', source.lastIndexOf('30'), 'found "30"');
  });

  it('a "+" lost to URL decoding, with how to send it', () => {
    const source = new URLSearchParams('where=close>sma200+5').get('where') as string;
    expectError(source, 'unexpected_token', source.indexOf('5'), '%2B');
    expect(syntaxError('rsi < 30)').message).not.toContain('%2B');
  });

  it('chained comparisons, with the way to write them', () => {
    const source = '30 < rsi < 70';
    const error = expectError(source, 'unexpected_token', source.lastIndexOf('<'), 'cannot be chained');
    expect(error.message).toContain('and');
  });

  it('an unknown field, with the close matches', () => {
    const source = 'close > 1 and rsj < 30';
    const error = expectError(source, 'unknown_field', source.indexOf('rsj'), 'unknown field "rsj"');
    expect(error.suggestions).toContain('rsi');
    expect(error.message).toContain('did you mean rsi?');
    expect(syntaxError('sma > 1').suggestions).toEqual(expect.arrayContaining(['sma20', 'sma50', 'sma200']));
    expect(syntaxError('RSI14 < 30').suggestions).toContain('rsi');
    expect(syntaxError('avgvolume > 1').suggestions).toContain('avgVolume20');
    expect(syntaxError('volumne > 1').suggestions[0]).toBe('volume');
  });

  it('an unknown field with nothing close: no suggestion', () => {
    const error = syntaxError('zzzzzz > 1');
    expect(error.reason).toBe('unknown_field');
    expect(error.suggestions).toEqual([]);
    expect(error.message).not.toContain('did you mean');
  });

  it('a number where a condition must be', () => {
    const source = 'rsi and close > 1';
    const error = expectError(source, 'type_mismatch', 0, 'expected a condition before "and" but "rsi" is a number');
    expect(error.message).toContain('compare it');
    const after = 'close > 1 or volume';
    expectError(after, 'type_mismatch', after.indexOf('volume'), 'after "or"');
    expectError('not rsi', 'type_mismatch', 'not '.length, 'after "not"');
    expectError('rsi + 1', 'type_mismatch', 0, '"rsi + 1" is a number');
  });

  it('the first of two type errors, reading left to right', () => {
    expectError('rsi or close', 'type_mismatch', 0, '"rsi" is a number');
    expectError('(rsi < 1) + (close < 1) > 0', 'type_mismatch', 0, '"(rsi < 1)" is a condition');
    expectError('(rsi < 1) < (close < 1)', 'type_mismatch', 0, '"(rsi < 1)" is a condition');
  });

  it('a condition where a number must be', () => {
    expectError('(rsi < 30) * 2 > 1', 'type_mismatch', 0, 'expected a number before "*" but "(rsi < 30)" is a condition');
    const right = 'rsi > (close > 1)';
    expectError(right, 'type_mismatch', right.indexOf('('), 'after ">"');
    expectError('-(rsi < 30)', 'type_mismatch', 1, 'after "-"');
  });

  it('an empty screen', () => {
    for (const source of ['', '   ', '\n\t\r\n']) {
      const error = syntaxError(source);
      expect(error.reason).toBe('empty');
      expect(error.position).toBe(0);
      expect(error.message).toContain('empty screen');
    }
  });

  it('bad characters and numbers from the tokenizer', () => {
    const source = 'rsi < 30 and close > $5';
    expectError(source, 'unexpected_character', source.indexOf('$'), 'unexpected character "$"');
  });
});

describe('limits', () => {
  it('refuses a 10 KB screen before reading it', () => {
    // Starts with a bad character: only the length check can have answered.
    const source = `$${'rsi < 30 and '.repeat(800)}rsi < 30`;
    expect(source.length).toBeGreaterThan(10_000);
    const error = syntaxError(source);
    expect(error.reason).toBe('too_long');
    expect(error.message).toContain(String(source.length));
    expect(error.message).toContain(String(SCREEN_LIMITS.maxLength));
    expect(error.position).toBe(SCREEN_LIMITS.maxLength);
  });

  it('accepts a screen of exactly the longest length, and refuses one character more', () => {
    const screen = 'rsi < 30';
    const longest = screen + ' '.repeat(SCREEN_LIMITS.maxLength - screen.length);
    expect(grouping(parse(longest))).toBe('(rsi < 30)');
    expect(syntaxError(`${longest} `).reason).toBe('too_long');
  });

  it('accepts parentheses nested to the limit and refuses one level more', () => {
    const nested = (levels: number) => `${'('.repeat(levels)}rsi${')'.repeat(levels)} < 30`;
    expect(grouping(parse(nested(SCREEN_LIMITS.maxDepth)))).toBe('(rsi < 30)');
    const error = syntaxError(nested(SCREEN_LIMITS.maxDepth + 1));
    expect(error.reason).toBe('too_deep');
    expect(error.position).toBe(SCREEN_LIMITS.maxDepth);
    expect(error.message).toContain(String(SCREEN_LIMITS.maxDepth));
  });

  it('counts unary minus and not as nesting', () => {
    const minuses = '-'.repeat(SCREEN_LIMITS.maxDepth + 1);
    expect(syntaxError(`${minuses}rsi < 1`).reason).toBe('too_deep');
    expect(syntaxError(`${'not '.repeat(SCREEN_LIMITS.maxDepth + 1)}rsi < 1`).reason).toBe('too_deep');
    expect(grouping(parse(`${'not '.repeat(SCREEN_LIMITS.maxDepth)}rsi < 1`))).toContain('not');
    expect(syntaxError(`${'not ('.repeat(20)}rsi < 1${')'.repeat(20)}`).reason).toBe('too_deep');
  });

  it('accepts the most terms allowed and refuses one more, at that term', () => {
    const clauses = (count: number) => Array.from({ length: count }, (_, i) => `rsi > ${i}`).join(' or ');
    const most = clauses(SCREEN_LIMITS.maxTerms / 2);
    expect(most.length).toBeLessThanOrEqual(SCREEN_LIMITS.maxLength);
    expect(() => parse(most)).not.toThrow();
    const source = `${most} or rsi > 0`;
    const error = syntaxError(source);
    expect(error.reason).toBe('too_many_terms');
    expect(error.position).toBe(source.lastIndexOf('rsi'));
  });
});
