import { describe, expect, it } from 'vitest';
import { passwordProblems, quickRatio } from '../../../src/domain/auth/password-rules.ts';

const email = 'jane.trader@example.com';

describe('password rules (Django default validators)', () => {
  it('accepts a long, uncommon password unrelated to the user', () => {
    expect(passwordProblems('violet-harbor-92-tensile', { email })).toEqual([]);
  });

  it('rejects short passwords with the length in the message', () => {
    expect(passwordProblems('x7#qL', { email })).toContain('This password is too short. It must contain at least 8 characters.');
  });

  it('rejects entirely numeric passwords', () => {
    expect(passwordProblems('80417293651', { email })).toContain('This password is entirely numeric.');
  });

  it('rejects common passwords whatever their case', () => {
    expect(passwordProblems('Password1', { email })).toContain('This password is too common.');
    expect(passwordProblems('qwertyuiop', { email })).toContain('This password is too common.');
  });

  it('rejects passwords too similar to the email or its parts', () => {
    expect(passwordProblems('janetrader', { email })).toContain('The password is too similar to the email address.');
    expect(passwordProblems('Trader99', { email })).toContain('The password is too similar to the email address.');
  });

  it('rejects passwords too similar to the full name', () => {
    expect(passwordProblems('Maximilian Gruber', { email: 'mg@example.com', fullName: 'Maximilian Gruber' }))
      .toContain('The password is too similar to the full name.');
  });

  it('reports every broken rule at once', () => {
    expect(passwordProblems('1234', { email })).toHaveLength(3);
  });

  it('computes SequenceMatcher.quick_ratio like Python', () => {
    // difflib.SequenceMatcher(None, 'abcd', 'bcde').quick_ratio() == 0.75
    expect(quickRatio('abcd', 'bcde')).toBe(0.75);
    expect(quickRatio('aab', 'abb')).toBeCloseTo(2 * 2 / 6);
    expect(quickRatio('', '')).toBe(1);
  });
});
