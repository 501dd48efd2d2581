import { describe, expect, it } from 'vitest';
import { formatDuration, formatUsd, limitExceededMessage, type LimitKind, type LimitScope } from '../../../../functions/shared/limits/limit-message.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.2, '1s'],
    [45, '45s'],
    [59, '59s'],
    [60, '1m'],
    [61, '2m'],
    [720, '12m'],
    [3599, '1h'],
    [3600, '1h'],
    [4320, '1h12m'],
    [4321, '1h13m'],
    [23 * 3600 + 59 * 60, '23h59m'],
    [86_399, '1d'],
    [86_400, '1d'],
    [2 * 86_400 + 3 * 3600, '2d3h'],
    [6 * 86_400 + 23 * 3600 + 1, '7d'],
    [-5, '0s'],
  ])('%s seconds read as %s', (sec, expected) => {
    expect(formatDuration(sec)).toBe(expected);
  });
});

describe('formatUsd', () => {
  it.each([
    [10, '$10.00'],
    [0.5, '$0.50'],
    [1234.5, '$1234.50'],
    [0.005, '$0.005'],
    [0, '$0.00'],
  ])('%s → %s', (amount, expected) => {
    expect(formatUsd(amount)).toBe(expected);
  });
});

describe('limitExceededMessage', () => {
  it.each<[LimitKind, LimitScope, number, number | null, string]>([
    ['5h', 'user', 10, 4320, '5h spend limit of $10.00 reached; resets in 1h12m'],
    ['5h', 'key', 10, 4320, 'key 5h spend limit of $10.00 reached; resets in 1h12m'],
    ['rpm', 'user', 60, 12, 'rate limit of 60 requests per minute reached; resets in 12s'],
    ['concurrent_sessions', 'user', 2, 240, 'concurrent session limit of 2 reached; resets in 4m'],
    ['concurrent_sessions', 'key', 1, 30, 'key concurrent session limit of 1 reached; resets in 30s'],
    ['daily', 'user', 100, 3 * 3600, 'daily spend limit of $100.00 reached; resets in 3h'],
    ['weekly', 'key', 25.5, 2 * 86_400 + 3600, 'key weekly spend limit of $25.50 reached; resets in 2d1h'],
    ['monthly', 'user', 200, 86_400 * 12, 'monthly spend limit of $200.00 reached; resets in 12d'],
    ['total', 'user', 50, null, 'total spend limit of $50.00 reached'],
    ['total', 'key', 5, null, 'key total spend limit of $5.00 reached'],
  ])('%s limit for the %s', (kind, scope, limit, resetsIn, expected) => {
    expect(limitExceededMessage(kind, scope, limit, resetsIn)).toBe(expected);
  });
});
