import { describe, expect, it } from 'vitest';
import { parseLimitState, type LimitState } from '../../../../functions/shared/limits/limit-state.js';
import { buildUsageReport, type UsageLimits } from '../../../../functions/shared/limits/usage-report.js';

const NOW = Date.parse('2026-05-06T10:00:00Z'); // Wednesday, 12:00 in Berlin
const NOW_SEC = NOW / 1000;
const usd = (amount: number) => Math.round(amount * 1e9);

const limits: UsageLimits = {
  limit5hUsd: 1,
  dailyLimitUsd: 2,
  limitWeeklyUsd: null,
  limitMonthlyUsd: 10,
  limitTotalUsd: 100,
  concurrentSessions: 2,
  rpmLimit: 5,
};

function snapshot(overrides: Partial<LimitState> = {}): LimitState {
  return {
    ...parseLimitState({ 'q:r1': { n: usd(0.3), s: 'sess-a', t: NOW }, 'i:sess-b': NOW_SEC + 60 }),
    rpmSlots: [
      { startSec: NOW_SEC - 70, count: 3 },
      { startSec: NOW_SEC - 10, count: 2 },
    ],
    buckets: [
      { startSec: NOW_SEC - 4 * 3600, nanos: usd(0.5) },
      { startSec: NOW_SEC - 3600, nanos: usd(0.25) },
      { startSec: NOW_SEC - 6 * 3600, nanos: usd(9) }, // outside the window
    ],
    days: new Map([
      ['2026-05-06', usd(0.75)],
      ['2026-05-04', usd(1)], // Monday
      ['2026-05-01', usd(2)], // this month, last week
      ['2026-04-30', usd(4)],
    ]),
    totalNanos: usd(50),
    ...overrides,
  };
}

const build = (state: LimitState, l: UsageLimits = limits) =>
  buildUsageReport({ scope: 'user', limits: l, state, nowMs: NOW, tz: 'Europe/Berlin', sessionTtlSec: 300 });

describe('buildUsageReport', () => {
  it('reports every window with its limit, settled and reserved spend and reset time', () => {
    expect(build(snapshot()).windows).toEqual([
      { scope: 'user', window: '5h', limitUsd: 1, usedUsd: 0.75, reservedUsd: 0.3, resetsAt: '2026-05-06T11:00:00.000Z' },
      { scope: 'user', window: 'daily', limitUsd: 2, usedUsd: 0.75, reservedUsd: 0.3, resetsAt: '2026-05-06T22:00:00.000Z' },
      { scope: 'user', window: 'weekly', limitUsd: null, usedUsd: 1.75, reservedUsd: 0.3, resetsAt: '2026-05-10T22:00:00.000Z' },
      { scope: 'user', window: 'monthly', limitUsd: 10, usedUsd: 3.75, reservedUsd: 0.3, resetsAt: '2026-05-31T22:00:00.000Z' },
      { scope: 'user', window: 'total', limitUsd: 100, usedUsd: 50, reservedUsd: 0.3, resetsAt: null },
    ]);
  });

  it('counts requests of the last minute and active sessions', () => {
    const report = build(snapshot());
    expect(report.rpm).toEqual({ limit: 5, used: 2 });
    expect(report.activeSessions).toEqual({ limit: 2, used: 2 });
  });

  it('gives a reached 5h limit the time enough spend rolls off, and no reset without spend', () => {
    const reached = build(snapshot(), { ...limits, limit5hUsd: 0.5 });
    // 0.75 + 0.3 held ≥ 0.5; dropping the oldest 0.5 leaves 0.25 < 0.5 → at 11:00.
    expect(reached.windows[0]!.resetsAt).toBe('2026-05-06T11:00:00.000Z');
    const over = build(snapshot(), { ...limits, limit5hUsd: 0.2 });
    expect(over.windows[0]!.resetsAt).toBe('2026-05-06T14:00:00.000Z');
    expect(build(snapshot({ buckets: [] })).windows[0]!.resetsAt).toBeNull();
  });
});
