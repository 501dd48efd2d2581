import { describe, expect, it } from 'vitest';
import {
  fillLevel, fillRatio, formatCount, formatMs, formatPercent, formatShortTime, formatUntil, formatUsd, windowLabel,
} from '../../../../frontend/src/lib/format.js';

describe('formatUsd', () => {
  it.each([
    [null, '—'],
    [0, '$0.00'],
    [12.5, '$12.50'],
    [0.5, '$0.5000'],
    [0.000123, '$0.000123'],
    [1234.567, '$1234.57'],
  ])('shows %s as %s, keeping sub-cent costs visible', (value, expected) => {
    expect(formatUsd(value)).toBe(expected);
  });
});

describe('formatCount', () => {
  it.each([
    [undefined, '—'],
    [0, '0'],
    [1234, '1,234'],
    [1_500_000, '1.5M'],
    [25_000_000, '25M'],
  ])('shows %s as %s', (value, expected) => {
    expect(formatCount(value)).toBe(expected);
  });
});

describe('formatMs', () => {
  it.each([
    [850, '850 ms'],
    [2400, '2.4 s'],
    [185_000, '3m 05s'],
    [null, '—'],
  ])('shows %s ms as %s', (value, expected) => {
    expect(formatMs(value)).toBe(expected);
  });
});

describe('formatUntil', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  it.each([
    ['2025-01-01T01:12:00Z', '1h12m'],
    ['2025-01-01T00:45:00Z', '45m'],
    ['2025-01-01T00:00:30Z', '30s'],
    ['2025-01-04T04:00:00Z', '3d 4h'],
    ['2024-12-31T23:00:00Z', 'now'],
  ])('time until %s reads %s', (iso, expected) => {
    expect(formatUntil(iso, now)).toBe(expected);
  });

  it('shows a dash when there is no reset time', () => {
    expect(formatUntil(null, now)).toBe('—');
  });
});

describe('limit fill', () => {
  it.each([
    [5, null, null, 'ok'],
    [5, 10, 0.5, 'ok'],
    [8, 10, 0.8, 'warn'],
    [12, 10, 1, 'danger'],
    [0, 0, 1, 'danger'],
  ])('used %s of %s fills %s (%s)', (used, limit, ratio, level) => {
    expect(fillRatio(used, limit)).toBe(ratio);
    expect(fillLevel(fillRatio(used, limit))).toBe(level);
  });
});

describe('labels', () => {
  it('names windows for people and percentages without noise', () => {
    expect(windowLabel('5h')).toBe('5 hours');
    expect(windowLabel('monthly')).toBe('This month');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(0.0333)).toBe('3.3%');
    expect(formatPercent(0)).toBe('0%');
  });
});

describe('formatShortTime', () => {
  const now = new Date(2025, 5, 1, 12, 0, 0);
  it('drops the year for this year and keeps it otherwise', () => {
    expect(formatShortTime(new Date(2025, 0, 31, 14, 5, 9).toISOString(), now)).toBe('01-31 14:05:09');
    expect(formatShortTime(new Date(2024, 11, 31, 23, 59, 0).toISOString(), now)).toBe('2024-12-31 23:59:00');
    expect(formatShortTime(null, now)).toBe('—');
  });
});
