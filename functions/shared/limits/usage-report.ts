// Current usage of a key or user in every window, for /api/me and the dashboard (pure: no I/O).
import type { SpendLimits } from '../types.js';
import { NANOS_PER_USD, RPM_WINDOW_SEC } from './evaluate.js';
import { summarizeLimitState, type LimitState } from './limit-state.js';
import { spendWindows } from './spend-windows.js';
import {
  FIVE_HOURS_SEC,
  nextLocalDayStart,
  nextMonthStart,
  nextWeekStart,
  rollingRetryAfterSec,
  rollingSum,
} from './windows.js';

export type UsageWindowName = '5h' | 'daily' | 'weekly' | 'monthly' | 'total';

export interface UsageWindow {
  scope: 'key' | 'user';
  window: UsageWindowName;
  limitUsd: number | null;
  /** Settled spend in the window. */
  usedUsd: number;
  /** Estimates held by requests in flight; admission counts them in every window too. */
  reservedUsd: number;
  /** When the window's spend next drops: its reset, or for 5h when the oldest spend rolls off (enough of it, once the limit is reached). */
  resetsAt: string | null;
}

export interface UsageReport {
  windows: UsageWindow[];
  rpm: { limit: number | null; used: number };
  activeSessions: { limit: number | null; used: number };
}

export type UsageLimits = SpendLimits & { rpmLimit?: number | null; concurrentSessions: number | null };

const LIMIT_FIELD: Record<UsageWindowName, keyof SpendLimits> = {
  '5h': 'limit5hUsd',
  daily: 'dailyLimitUsd',
  weekly: 'limitWeeklyUsd',
  monthly: 'limitMonthlyUsd',
  total: 'limitTotalUsd',
};

const iso = (ms: number) => new Date(ms).toISOString();

function fiveHourResetAt(state: LimitState, nowMs: number, limitUsd: number | null, heldNanos: number): string | null {
  const live = state.buckets.filter((b) => b.nanos > 0 && (b.startSec + FIVE_HOURS_SEC) * 1000 > nowMs);
  if (live.length === 0) return null;
  const limitNanos = limitUsd === null ? null : Math.round(limitUsd * NANOS_PER_USD);
  if (limitNanos !== null && heldNanos >= limitNanos) {
    const wait = rollingRetryAfterSec(state.buckets, nowMs, limitNanos);
    if (wait > 0) return iso(nowMs + wait * 1000);
  }
  return iso((Math.min(...live.map((b) => b.startSec)) + FIVE_HOURS_SEC) * 1000);
}

export function buildUsageReport(input: {
  scope: 'key' | 'user';
  limits: UsageLimits;
  state: LimitState;
  nowMs: number;
  tz: string;
  sessionTtlSec: number;
}): UsageReport {
  const { scope, limits, state, nowMs, tz } = input;
  const spend = spendWindows(state, nowMs, tz);
  const sessions = summarizeLimitState(state, { nowMs, sessionTtlSec: input.sessionTtlSec });
  const used: Record<UsageWindowName, number> = {
    '5h': spend.fiveHourNanos,
    daily: spend.dailyNanos,
    weekly: spend.weeklyNanos,
    monthly: spend.monthlyNanos,
    total: spend.totalNanos,
  };
  const resetsAt: Record<UsageWindowName, string | null> = {
    '5h': fiveHourResetAt(state, nowMs, limits.limit5hUsd, spend.fiveHourNanos + sessions.reservedNanos),
    daily: iso(nextLocalDayStart(nowMs, tz)),
    weekly: iso(nextWeekStart(nowMs, tz)),
    monthly: iso(nextMonthStart(nowMs, tz)),
    total: null,
  };
  const windows = (Object.keys(LIMIT_FIELD) as UsageWindowName[]).map((window) => ({
    scope,
    window,
    limitUsd: limits[LIMIT_FIELD[window]],
    usedUsd: used[window] / NANOS_PER_USD,
    reservedUsd: sessions.reservedNanos / NANOS_PER_USD,
    resetsAt: resetsAt[window],
  }));
  const rpmUsed = rollingSum(
    state.rpmSlots.map((s) => ({ startSec: s.startSec, amount: s.count })),
    nowMs,
    RPM_WINDOW_SEC,
  );
  return {
    windows,
    rpm: { limit: limits.rpmLimit ?? null, used: rpmUsed },
    activeSessions: { limit: limits.concurrentSessions, used: sessions.activeSessions },
  };
}
