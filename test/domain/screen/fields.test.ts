import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScreen, SCREEN_FIELD_INFO, SCREEN_FIELDS } from '../../../src/domain/screen/index.ts';
import { editDistance, fieldTable, suggestFields } from '../../../src/domain/screen/fields.ts';

describe('the default fields', () => {
  it('are the names the issue lists, each usable in a screen', () => {
    for (const name of ['price', 'changePercent', 'avgVolume20', 'volumeRatio', 'macdHistogram', 'bollingerMiddle', 'williamsR', 'high52w', 'resistance']) {
      expect(SCREEN_FIELDS).toContain(name);
    }
    for (const name of SCREEN_FIELDS) expect(compileScreen(`${name} > 0`, { fields: SCREEN_FIELDS }).fields).toEqual([name]);
  });

  it('are described, one description per name', () => {
    expect(SCREEN_FIELD_INFO.map((field) => field.name)).toEqual(SCREEN_FIELDS);
    for (const field of SCREEN_FIELD_INFO) expect(field.description.length).toBeGreaterThan(3);
  });
});

describe('fieldTable', () => {
  it('looks names up whatever their case', () => {
    const table = fieldTable(['macdSignal', 'rsi']);
    expect(table.byLowerCase.get('macdsignal')).toBe('macdSignal');
    expect(table.names).toEqual(['macdSignal', 'rsi']);
  });

  it('indexes a list once', () => {
    const fields = ['a', 'b'];
    expect(fieldTable(fields)).toBe(fieldTable(fields));
  });

  it('refuses names that differ only in case, keywords and non-identifiers', () => {
    expect(() => fieldTable(['Close', 'close'])).toThrow(/differ only in case/);
    expect(() => fieldTable(['OR'])).toThrow(/keyword/);
    expect(() => fieldTable(['not'])).toThrow(/keyword/);
    for (const name of ['', '1day', 'a b', 'sma-200', 'é']) expect(() => fieldTable([name])).toThrow(/identifier/);
  });
});

describe('suggestFields', () => {
  const table = fieldTable(SCREEN_FIELDS);
  const letters = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');

  it('suggests the field a one-letter typo came from', () => {
    const typo = fc.tuple(fc.constantFrom(...SCREEN_FIELDS), fc.nat(), fc.constantFrom('delete', 'swap', 'replace', 'insert'), letters);
    fc.assert(
      fc.property(typo, ([name, at, edit, letter]) => {
        const i = at % name.length;
        const misspelt =
          edit === 'delete' ? name.slice(0, i) + name.slice(i + 1)
          : edit === 'swap' && i + 1 < name.length ? name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2)
          : edit === 'replace' ? name.slice(0, i) + letter + name.slice(i + 1)
          : name.slice(0, i) + letter + name.slice(i);
        fc.pre(misspelt.length > 0 && !table.byLowerCase.has(misspelt.toLowerCase()));
        // Short names have many neighbours; the misspelt one must be among those offered.
        const offered = suggestFields(table, misspelt);
        if (name.length >= 5) expect(offered).toContain(name);
        else expect(offered.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('suggests the fields a prefix begins, and the field a longer name begins with', () => {
    expect(suggestFields(table, 'boll')).toEqual(expect.arrayContaining(['bollingerUpper', 'bollingerMiddle', 'bollingerLower']));
    expect(suggestFields(table, 'macd_signal')).toContain('macdSignal');
    expect(suggestFields(table, 'sma200d')).toContain('sma200');
  });

  it('offers at most three names, closest first', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (word) => {
        const offered = suggestFields(table, word);
        expect(offered.length).toBeLessThanOrEqual(3);
        const distances = offered.map((name) => editDistance(word.toLowerCase(), name.toLowerCase()));
        expect(distances).toEqual([...distances].sort((a, b) => a - b));
      }),
    );
  });

  it('offers nothing for a word like no field', () => {
    expect(suggestFields(table, 'qqqqqqqq')).toEqual([]);
  });
});

describe('editDistance', () => {
  it('counts single edits, including a swap of neighbours', () => {
    expect(editDistance('rsi', 'rsi')).toBe(0);
    expect(editDistance('rsi', 'rs')).toBe(1);
    expect(editDistance('rsi', 'rxi')).toBe(1);
    expect(editDistance('rsi', 'sri')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('is symmetric, zero only for equal words, and at most the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => {
        const distance = editDistance(a, b);
        expect(editDistance(b, a)).toBe(distance);
        expect(distance === 0).toBe(a === b);
        expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(distance).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });
});
