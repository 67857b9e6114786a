import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScreenSyntaxError } from '../../../src/domain/screen/index.ts';
import { tokenize } from '../../../src/domain/screen/lexer.ts';
import { thrownBy } from './screen-support.ts';

const kinds = (source: string) => tokenize(source).map((token) => token.kind);
const numberValue = (source: string) => {
  const [token] = tokenize(source);
  expect(token?.kind).toBe('number');
  return token?.value;
};

function lexError(source: string): ScreenSyntaxError {
  const error = thrownBy(() => tokenize(source));
  expect(error).toBeInstanceOf(ScreenSyntaxError);
  return error as ScreenSyntaxError;
}

describe('numbers', () => {
  it('reads integers, fractions and exponents as JavaScript does', () => {
    for (const text of ['0', '30', '2.5', '.5', '5.', '0.001', '1e6', '1E6', '1.5e-3', '2e+21', '007']) {
      expect(numberValue(text)).toBe(Number(text));
    }
  });

  it('reads the k, M, B and T suffixes in either case, exactly', () => {
    expect(numberValue('1k')).toBe(1e3);
    expect(numberValue('1K')).toBe(1e3);
    expect(numberValue('2.5M')).toBe(2.5e6);
    expect(numberValue('2.5m')).toBe(2.5e6);
    expect(numberValue('1.5B')).toBe(1.5e9);
    expect(numberValue('3t')).toBe(3e12);
    // 1.1 * 1000 is 1100.0000000000002 in floating point; the suffix shifts the decimal point instead.
    expect(numberValue('1.1k')).toBe(1100);
    expect(numberValue('.5k')).toBe(500);
  });

  it('puts a number token exactly over its characters', () => {
    const source = 'marketCap > 1.5B and rsi < 30';
    const token = tokenize(source).find((candidate) => candidate.kind === 'number');
    expect(source.slice(token?.start, token?.end)).toBe('1.5B');
    expect(token?.text).toBe('1.5B');
  });

  it('refuses a number run into a name, pointing at the number', () => {
    const source = 'volume > 2avgVolume20';
    const error = lexError(source);
    expect(error.reason).toBe('invalid_number');
    expect(error.position).toBe(source.indexOf('2avg'));
    expect(error.length).toBe('2avgVolume20'.length);
    expect(error.message).toContain('"2avgVolume20"');
    expect(error.message).toContain('operator');
  });

  it('refuses malformed numbers', () => {
    for (const text of ['1.2.3', '1e', '1e+', '1kb', '1e6k', '2x', '30and', '1k.5']) {
      const error = lexError(`rsi > ${text}`);
      expect(error.reason).toBe('invalid_number');
      expect(error.position).toBe('rsi > '.length);
    }
  });

  it('refuses a number too large for a double', () => {
    const error = lexError('marketCap > 1e999');
    expect(error.reason).toBe('invalid_number');
    expect(error.message).toContain('too large');
    expect(lexError('marketCap > 1e300T').reason).toBe('invalid_number');
  });
});

describe('names, keywords and operators', () => {
  it('reads and, or and not in any case as keywords, and other words as identifiers', () => {
    expect(kinds('and AND And or OR not NOT android order nothing')).toEqual(['and', 'and', 'and', 'or', 'or', 'not', 'not', 'identifier', 'identifier', 'identifier', 'end']);
  });

  it('reads identifiers with digits and underscores', () => {
    expect(tokenize('sma200 _x high52w').map((token) => token.text)).toEqual(['sma200', '_x', 'high52w', '']);
  });

  it('reads every operator, longest first', () => {
    expect(kinds('< <= > >= = == != + - * / ( ) && || !')).toEqual(['<', '<=', '>', '>=', '=', '=', '!=', '+', '-', '*', '/', '(', ')', 'and', 'or', 'not', 'end']);
    expect(kinds('a<=b')).toEqual(['identifier', '<=', 'identifier', 'end']);
    expect(kinds('!(a!=b)')).toEqual(['not', '(', 'identifier', '!=', 'identifier', ')', 'end']);
    expect(kinds('--a')).toEqual(['-', '-', 'identifier', 'end']);
  });

  it('ends with an end token at the length of the source', () => {
    const tokens = tokenize('rsi < 30   ');
    expect(tokens.at(-1)).toMatchObject({ kind: 'end', start: 'rsi < 30   '.length });
  });

  it('refuses operators from other languages, naming ours', () => {
    const cases: [string, string][] = [
      ['===', '='],
      ['!==', '!='],
      ['<>', '!='],
      ['=>', '>='],
      ['=<', '<='],
      ['&', '&&'],
      ['|', '||'],
    ];
    for (const [wrong, right] of cases) {
      const source = `rsi ${wrong} 30`;
      const error = lexError(source);
      expect(error.reason).toBe('unexpected_character');
      expect(error.position).toBe(source.indexOf(wrong));
      expect(error.message).toContain(`write "${right}"`);
    }
  });

  it('refuses other characters, showing control characters by code point', () => {
    for (const character of ['$', '#', '@', '%', '[', ',', ';', '"', "'", 'é', '≤', '😀']) {
      const source = `rsi < 30 ${character} x`;
      const error = lexError(source);
      expect(error.reason).toBe('unexpected_character');
      expect(error.position).toBe(source.indexOf(character));
      expect(error.message).toContain(`"${character}"`);
    }
    expect(lexError('rsi\u0000').message).toContain('U+0000');
  });

  it('tiles the source with tokens and whitespace, in order', () => {
    const alphabet = fc.constantFrom(...'rsi close 30 2.5 1k and or not ( ) < <= > >= = != + - * / && || ! \n\t'.split(' '));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), fc.array(fc.constantFrom(' ', '\n', '\t'), { minLength: 30, maxLength: 30 }), (parts, gaps) => {
        const source = parts.map((part, i) => part + gaps[i]).join('');
        const tokens = tokenize(source);
        let cursor = 0;
        for (const token of tokens) {
          expect(source.slice(cursor, token.start).trim()).toBe('');
          expect(source.slice(token.start, token.end)).toBe(token.text);
          cursor = token.end;
        }
        expect(cursor).toBe(source.length);
      }),
    );
  });
});
