import { describe, expect, it } from 'vitest';
import {
  formatList, inputNumber, isoFromLocalInput, localInputFromIso, optionalNumber, parseList, redirectsFromRows, requiredNumber,
} from '../../../../frontend/src/lib/form-values.js';

describe('numbers from form fields', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['10', 10],
    ['0', 0],
    ['2.5', 2.5],
  ])('optional "%s" becomes %s (blank means no limit)', (text, expected) => {
    expect(optionalNumber(text)).toBe(expected);
  });

  it('turns garbage into NaN so the server names the field instead of a silent default', () => {
    expect(optionalNumber('ten')).toBeNaN();
    expect(requiredNumber('')).toBeNaN();
    expect(requiredNumber('3')).toBe(3);
  });

  it('shows null as an empty input', () => {
    expect(inputNumber(null)).toBe('');
    expect(inputNumber(0)).toBe('0');
  });
});

describe('model lists', () => {
  it('accepts lines or commas, trims, and drops blanks and duplicates', () => {
    expect(parseList('claude-*\n gpt-5 , claude-*\n\n')).toEqual(['claude-*', 'gpt-5']);
    expect(formatList(['a', 'b'])).toBe('a\nb');
  });
});

describe('redirectsFromRows', () => {
  it('maps complete rows and ignores half-filled ones', () => {
    expect(redirectsFromRows([
      { from: 'claude-opus-4-5', to: 'claude-sonnet-4-5' },
      { from: ' gpt-5 ', to: '' },
      { from: '', to: 'x' },
    ])).toEqual({ 'claude-opus-4-5': 'claude-sonnet-4-5' });
  });
});

describe('datetime-local round trip', () => {
  it('converts a local input value to UTC and back', () => {
    const iso = isoFromLocalInput('2025-03-04T05:06');
    expect(iso).not.toBeNull();
    expect(localInputFromIso(iso)).toBe('2025-03-04T05:06');
  });

  it('treats blank as no value', () => {
    expect(isoFromLocalInput('')).toBeNull();
    expect(localInputFromIso(null)).toBe('');
  });
});
