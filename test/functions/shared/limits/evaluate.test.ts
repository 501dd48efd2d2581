import { describe, expect, it } from 'vitest';
import {
  evaluateAdmission,
  NO_RESET_RETRY_AFTER_SEC,
  rateLimitHeaders,
  type AdmissionInput,
  type ScopeLimits,
  type ScopeUsage,
} from '../../../../functions/shared/limits/evaluate.js';

const NOW = Date.parse('2026-05-06T10:00:00Z'); // a Wednesday; 12:00 in Europe/Berlin
const NOW_SEC = NOW / 1000;
const TZ = 'Europe/Berlin';
const usd = (amount: number) => Math.round(amount * 1e9);

const noLimits: ScopeLimits = {
  limit5hUsd: null,
  dailyLimitUsd: null,
  limitWeeklyUsd: null,
  limitMonthlyUsd: null,
  limitTotalUsd: null,
  concurrentSessions: null,
};

const idle: ScopeUsage = {
  fiveHourBuckets: [],
  dailyNanos: 0,
  weeklyNanos: 0,
  monthlyNanos: 0,
  totalNanos: 0,
  reservedNanos: 0,
  activeSessions: 0,
  sessionReleaseAtMs: NOW + 300_000,
};

interface Overrides {
  now?: number;
  sessionActive?: boolean;
  key?: { limits?: Partial<ScopeLimits>; usage?: Partial<ScopeUsage> };
  user?: { limits?: Partial<ScopeLimits> & { rpmLimit?: number | null }; usage?: Partial<ScopeUsage>; rpmSlots?: AdmissionInput['user']['rpmSlots'] };
}

function admission(o: Overrides = {}): AdmissionInput {
  return {
    nowMs: o.now ?? NOW,
    tz: TZ,
    sessionActive: o.sessionActive ?? false,
    key: { limits: { ...noLimits, ...o.key?.limits }, usage: { ...idle, ...o.key?.usage } },
    user: {
      limits: { ...noLimits, rpmLimit: null, ...o.user?.limits },
      usage: { ...idle, ...o.user?.usage },
      rpmSlots: o.user?.rpmSlots ?? [],
    },
  };
}

describe('evaluateAdmission', () => {
  it('admits when no limit is set, whatever the usage', () => {
    expect(evaluateAdmission(admission({ user: { usage: { totalNanos: usd(1e6), activeSessions: 99 } } }))).toBeNull();
  });

  it('admits just under a limit and refuses at it (used ≥ limit)', () => {
    const limits = { dailyLimitUsd: 100 };
    expect(evaluateAdmission(admission({ user: { limits, usage: { dailyNanos: usd(100) - 1 } } }))).toBeNull();
    expect(evaluateAdmission(admission({ user: { limits, usage: { dailyNanos: usd(100) } } }))?.kind).toBe('daily');
  });

  it('counts in-flight reservations toward every spend window', () => {
    const input = admission({ key: { limits: { dailyLimitUsd: 10 }, usage: { dailyNanos: usd(7), reservedNanos: usd(3) } } });
    expect(evaluateAdmission(input)).toMatchObject({ kind: 'daily', scope: 'key', limit: 10, used: 10 });
  });

  it('reports the CONTRACT example for a spent 5h budget', () => {
    const bucket = { startSec: NOW_SEC - 5 * 3600 + 4320, nanos: usd(10) };
    const violation = evaluateAdmission(admission({ user: { limits: { limit5hUsd: 10 }, usage: { fiveHourBuckets: [bucket] } } }));
    expect(violation).toEqual({
      kind: '5h',
      scope: 'user',
      limit: 10,
      used: 10,
      resetAtSec: NOW_SEC + 4320,
      retryAfterSec: 4320,
      message: '5h spend limit of $10.00 reached; resets in 1h12m',
    });
  });

  it('waits for enough 5h buckets to roll off to make room beside the reservations', () => {
    const buckets = [
      { startSec: NOW_SEC - 4 * 3600, nanos: usd(4) }, // rolls off in 1h
      { startSec: NOW_SEC - 3600, nanos: usd(4) }, // rolls off in 4h
    ];
    const input = admission({ key: { limits: { limit5hUsd: 10 }, usage: { fiveHourBuckets: buckets, reservedNanos: usd(3) } } });
    // 8 settled + 3 reserved ≥ 10; dropping the older bucket leaves 4 + 3 < 10.
    expect(evaluateAdmission(input)).toMatchObject({ kind: '5h', scope: 'key', retryAfterSec: 3600, used: 11 });
  });

  it('when reservations alone fill the 5h limit, waits as if they were released', () => {
    const buckets = [{ startSec: NOW_SEC - 2 * 3600, nanos: usd(1) }];
    const input = admission({ user: { limits: { limit5hUsd: 2 }, usage: { fiveHourBuckets: buckets, reservedNanos: usd(2) } } });
    expect(evaluateAdmission(input)).toMatchObject({ kind: '5h', retryAfterSec: 1 });
  });

  it.each([
    ['daily', { dailyLimitUsd: 5 }, { dailyNanos: usd(5) }, '2026-05-06T22:00:00Z', 'daily spend limit of $5.00 reached; resets in 12h'],
    ['weekly', { limitWeeklyUsd: 5 }, { weeklyNanos: usd(6) }, '2026-05-10T22:00:00Z', 'weekly spend limit of $5.00 reached; resets in 4d12h'],
    ['monthly', { limitMonthlyUsd: 5 }, { monthlyNanos: usd(5) }, '2026-05-31T22:00:00Z', 'monthly spend limit of $5.00 reached; resets in 25d12h'],
  ] as const)('resets the %s window at the next local boundary in HUB_TIMEZONE', (kind, limits, usage, resetIso, message) => {
    const violation = evaluateAdmission(admission({ user: { limits, usage } }));
    const resetSec = Date.parse(resetIso) / 1000;
    expect(violation).toMatchObject({ kind, resetAtSec: resetSec, retryAfterSec: resetSec - NOW_SEC, message });
  });

  it('gives a total limit no reset time and tells clients to stay away for a day', () => {
    const violation = evaluateAdmission(admission({ user: { limits: { limitTotalUsd: 50 }, usage: { totalNanos: usd(50.5) } } }));
    expect(violation).toMatchObject({
      kind: 'total',
      retryAfterSec: NO_RESET_RETRY_AFTER_SEC,
      resetAtSec: NOW_SEC + NO_RESET_RETRY_AFTER_SEC,
      message: 'total spend limit of $50.00 reached',
    });
  });

  it('applies the sliding minute of RPM slots and waits for the oldest slot to leave', () => {
    const rpmSlots = [
      { startSec: NOW_SEC - 60, count: 30 }, // already outside the minute
      { startSec: NOW_SEC - 50, count: 40 },
      { startSec: NOW_SEC - 10, count: 20 },
    ];
    expect(evaluateAdmission(admission({ user: { limits: { rpmLimit: 61 }, rpmSlots } }))).toBeNull();
    expect(evaluateAdmission(admission({ user: { limits: { rpmLimit: 60 }, rpmSlots } }))).toEqual({
      kind: 'rpm',
      scope: 'user',
      limit: 60,
      used: 60,
      resetAtSec: NOW_SEC + 10,
      retryAfterSec: 10,
      message: 'rate limit of 60 requests per minute reached; resets in 10s',
    });
  });

  it('refuses a new session when the key has its maximum of active sessions', () => {
    const input = admission({ key: { limits: { concurrentSessions: 2 }, usage: { activeSessions: 2, sessionReleaseAtMs: NOW + 95_000 } } });
    expect(evaluateAdmission(input)).toEqual({
      kind: 'concurrent_sessions',
      scope: 'key',
      limit: 2,
      used: 2,
      resetAtSec: NOW_SEC + 95,
      retryAfterSec: 95,
      message: 'key concurrent session limit of 2 reached; resets in 2m',
    });
  });

  it('always admits a request of an already active session past the session cap', () => {
    const input = admission({
      sessionActive: true,
      key: { limits: { concurrentSessions: 1 }, usage: { activeSessions: 3 } },
      user: { limits: { concurrentSessions: 1 }, usage: { activeSessions: 3 } },
    });
    expect(evaluateAdmission(input)).toBeNull();
  });

  it('never asks for less than one second of waiting', () => {
    const input = admission({ user: { limits: { concurrentSessions: 1 }, usage: { activeSessions: 1, sessionReleaseAtMs: NOW - 5_000 } } });
    expect(evaluateAdmission(input)?.retryAfterSec).toBe(1);
  });

  it('treats a limit of zero as always reached', () => {
    expect(evaluateAdmission(admission({ key: { limits: { dailyLimitUsd: 0 } } }))).toMatchObject({ kind: 'daily', used: 0, limit: 0 });
  });

  describe('with several limits reached', () => {
    it('reports the one that frees up last, so waiting for it is enough', () => {
      const input = admission({
        user: {
          limits: { rpmLimit: 1, dailyLimitUsd: 1, limitMonthlyUsd: 1 },
          usage: { dailyNanos: usd(1), monthlyNanos: usd(1) },
          rpmSlots: [{ startSec: NOW_SEC, count: 1 }],
        },
      });
      expect(evaluateAdmission(input)?.kind).toBe('monthly');
    });

    it('ranks a total limit above every resetting one', () => {
      const input = admission({
        key: { limits: { limitMonthlyUsd: 1 }, usage: { monthlyNanos: usd(2) } },
        user: { limits: { limitTotalUsd: 1 }, usage: { totalNanos: usd(2) } },
      });
      expect(evaluateAdmission(input)).toMatchObject({ kind: 'total', scope: 'user' });
    });

    it('prefers the key on a tie with the user', () => {
      const input = admission({
        key: { limits: { dailyLimitUsd: 1 }, usage: { dailyNanos: usd(1) } },
        user: { limits: { dailyLimitUsd: 1 }, usage: { dailyNanos: usd(1) } },
      });
      expect(evaluateAdmission(input)).toMatchObject({ kind: 'daily', scope: 'key' });
    });
  });
});

describe('rateLimitHeaders', () => {
  it('gives the limit, zero remaining, the reset in unix seconds and Retry-After', () => {
    const violation = evaluateAdmission(admission({ user: { limits: { rpmLimit: 60 }, rpmSlots: [{ startSec: NOW_SEC - 20, count: 75 }] } }));
    expect(violation).not.toBeNull();
    expect(rateLimitHeaders(violation!)).toEqual({
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(NOW_SEC + 40),
      'Retry-After': '40',
    });
  });

  it('states spend limits in USD', () => {
    const violation = evaluateAdmission(admission({ key: { limits: { dailyLimitUsd: 12.5 }, usage: { dailyNanos: usd(13) } } }));
    expect(rateLimitHeaders(violation!)).toMatchObject({ 'X-RateLimit-Limit': '12.5', 'X-RateLimit-Remaining': '0' });
  });

  it('carries a reset and Retry-After even for a total limit', () => {
    const violation = evaluateAdmission(admission({ user: { limits: { limitTotalUsd: 5 }, usage: { totalNanos: usd(5) } } }));
    expect(rateLimitHeaders(violation!)).toEqual({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(NOW_SEC + NO_RESET_RETRY_AFTER_SEC),
      'Retry-After': String(NO_RESET_RETRY_AFTER_SEC),
    });
  });
});
