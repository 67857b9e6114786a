import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScreen, ScreenSyntaxError, SCREEN_FIELDS } from '../../../src/domain/screen/index.ts';
import { alternatives } from '../../../src/domain/screen/errors.ts';
import { thrownBy } from './screen-support.ts';

function screenError(source: string): ScreenSyntaxError {
  const error = thrownBy(() => compileScreen(source, { fields: SCREEN_FIELDS }));
  expect(error).toBeInstanceOf(ScreenSyntaxError);
  return error as ScreenSyntaxError;
}

/** The excerpt's two lines, and the column of its first caret. */
function excerptOf(error: ScreenSyntaxError): { text: string; caret: number; carets: number } {
  const [text = '', marks = ''] = error.excerpt.split('\n');
  return { text, caret: marks.indexOf('^'), carets: marks.trim().length };
}

describe('ScreenSyntaxError', () => {
  it('is an Error named ScreenSyntaxError', () => {
    const error = screenError('rsi <');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ScreenSyntaxError');
  });

  it('gives the line and column of the offending token in a screen of several lines', () => {
    const source = 'rsi < 30\n  and close > sma200\n  and volume > $';
    const error = screenError(source);
    expect(error.position).toBe(source.indexOf('$'));
    expect(error.line).toBe(3);
    expect(error.column).toBe('  and volume > $'.indexOf('$') + 1);
    expect(excerptOf(error).text).toBe('  and volume > $');
  });

  it('counts a CRLF line break as one line and leaves the CR out of the excerpt', () => {
    const source = 'rsi < 30 $\r\nand close > 1';
    const error = screenError(source);
    expect(error.line).toBe(1);
    expect(excerptOf(error).text).toBe('rsi < 30 $');
  });

  it('puts carets under the whole offending token', () => {
    const source = 'close > 1 and rsj < 30';
    const error = screenError(source);
    const excerpt = excerptOf(error);
    expect(excerpt.text).toBe(source);
    expect(excerpt.caret).toBe(source.indexOf('rsj'));
    expect(excerpt.carets).toBe('rsj'.length);
  });

  it('puts the caret after the last character when the screen ends too soon', () => {
    const source = 'rsi < 30 and';
    const excerpt = excerptOf(screenError(source));
    expect(excerpt.caret).toBe(source.length);
  });

  it('keeps the caret under a tab-indented token', () => {
    const source = '\trsi <\t$';
    const excerpt = excerptOf(screenError(source));
    expect(excerpt.text[excerpt.caret]).toBe('$');
  });

  it('shows a window of a long line, marked with ellipses, with the caret still under the token', () => {
    const source = `${'rsi > 1 and '.repeat(40)}rsj > 1 and ${'rsi > 1 and '.repeat(40)}rsi > 1`;
    const error = screenError(source);
    const excerpt = excerptOf(error);
    expect(excerpt.text.length).toBeLessThan(80);
    expect(excerpt.text.startsWith('…')).toBe(true);
    expect(excerpt.text.endsWith('…')).toBe(true);
    expect(excerpt.text.slice(excerpt.caret, excerpt.caret + 3)).toBe('rsj');
  });

  it('points inside the source and under the offending character, whatever the input', () => {
    const pieces = fc.constantFrom('rsi', 'close', 'rsj', '30', '1k', '2x', '(', ')', '<', '>=', '=', '!=', '+', '-', '*', '/', 'and', 'or', 'not', '&&', '!', '$', '&', '\n', '\t', ' ', '=>');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 25 }), (parts) => {
        const source = parts.join(' ');
        let error: unknown;
        try {
          compileScreen(source, { fields: SCREEN_FIELDS });
          return;
        } catch (thrown) {
          error = thrown;
        }
        expect(error).toBeInstanceOf(ScreenSyntaxError);
        const { position, line, column } = error as ScreenSyntaxError;
        expect(position).toBeGreaterThanOrEqual(0);
        expect(position).toBeLessThanOrEqual(source.length);
        const linesBefore = source.slice(0, position).split('\n');
        expect(linesBefore.length).toBe(line);
        expect(column).toBe((linesBefore.at(-1) as string).length + 1);
        const excerpt = excerptOf(error as ScreenSyntaxError);
        if (position < source.length && source[position] !== '\n') {
          expect(excerpt.text[excerpt.caret]).toBe(source[position] === '\t' ? ' ' : source[position]);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('alternatives', () => {
  it('lists names as a sentence does', () => {
    expect(alternatives(['a'])).toBe('a');
    expect(alternatives(['a', 'b'])).toBe('a or b');
    expect(alternatives(['a', 'b', 'c'])).toBe('a, b or c');
  });
});
