// Pure admission decision: which key or user limit, if any, a new request would exceed, and its 429 headers.

import type { SpendLimits } from '../types.js';
import { limitExceededMessage, type LimitKind, type LimitScope } from './limit-message.js';
import {
  FIVE_HOURS_SEC,
  nextLocalDayStart,
  nextMonthStart,
  nextWeekStart,
  rollingRetryAfter,
  rollingRetryAfterSec,
  rollingSum,
  rollingUsage,
  type SpendBucket,
} from './windows.js';

export const NANOS_PER_USD = 1_000_000_000;
/** RPM counts requests in 10 s slots; the last six slots form the sliding minute (the `r:` attributes of limit-state.ts). */
export const RPM_SLOT_SEC = 10;
export const RPM_WINDOW_SEC = 60;
/** A total limit never resets on its own; clients are told to stay away for a day. */
export const NO_RESET_RETRY_AFTER_SEC = 86_400;

export interface RpmSlot {
  /** Epoch seconds, a multiple of RPM_SLOT_SEC. */
  startSec: number;
  count: number;
}

/** Current usage of one scope (a key or a user); spend in integer nano-USD. */
export interface ScopeUsage {
  fiveHourBuckets: readonly SpendBucket[];
  dailyNanos: number;
  weeklyNanos: number;
  monthlyNanos: number;
  totalNanos: number;
  /** Estimated cost held by requests in flight; counts in every spend window. */
  reservedNanos: number;
  /** Sessions active now (in flight, or within SESSION_TTL of their last request). */
  activeSessions: number;
  /**
   * Earliest epoch ms a session slot can free up: the soonest expiry of an idle session, or
   * now + SESSION_TTL when every active session has a request in flight.
   */
  sessionReleaseAtMs: number;
}

export type ScopeLimits = SpendLimits & { concurrentSessions: number | null };

export interface AdmissionInput {
  nowMs: number;
  /** HUB_TIMEZONE, for the calendar windows' resets. */
  tz: string;
  /** True when the request's session is already active: concurrentSessions always admits it. */
  sessionActive: boolean;
  key: { limits: ScopeLimits; usage: ScopeUsage };
  user: { limits: ScopeLimits & { rpmLimit: number | null }; usage: ScopeUsage; rpmSlots: readonly RpmSlot[] };
}

export interface LimitViolation {
  kind: LimitKind;
  scope: LimitScope;
  /** USD for spend limits, a count for rpm and concurrent_sessions. */
  limit: number;
  /** Same unit as `limit`, reservations included. */
  used: number;
  /** Unix seconds from which the request can pass this limit; for `total`, now + NO_RESET_RETRY_AFTER_SEC. */
  resetAtSec: number;
  retryAfterSec: number;
  message: string;
}

/** A reached limit before it is ranked; `resetAtMs` is Infinity when it never resets. */
interface Reached {
  kind: LimitKind;
  scope: LimitScope;
  limit: number;
  used: number;
  resetAtMs: number;
}

const SPEND_WINDOWS = ['5h', 'daily', 'weekly', 'monthly', 'total'] as const;
type SpendWindow = (typeof SPEND_WINDOWS)[number];

const LIMIT_FIELD: Record<SpendWindow, keyof SpendLimits> = {
  '5h': 'limit5hUsd',
  daily: 'dailyLimitUsd',
  weekly: 'limitWeeklyUsd',
  monthly: 'limitMonthlyUsd',
  total: 'limitTotalUsd',
};

function settledNanos(window: SpendWindow, usage: ScopeUsage, nowMs: number): number {
  switch (window) {
    case '5h':
      return rollingUsage(usage.fiveHourBuckets, nowMs);
    case 'daily':
      return usage.dailyNanos;
    case 'weekly':
      return usage.weeklyNanos;
    case 'monthly':
      return usage.monthlyNanos;
    case 'total':
      return usage.totalNanos;
  }
}

/**
 * When the 5h window drops under the limit. Reservations are assumed to stay; when they alone
 * fill the limit, the wait is computed as if they were released, since they settle with their
 * requests long before buckets roll off.
 */
function fiveHourResetAtMs(usage: ScopeUsage, nowMs: number, limitNanos: number): number {
  const headroom = limitNanos - usage.reservedNanos;
  const wait = rollingRetryAfterSec(usage.fiveHourBuckets, nowMs, headroom > 0 ? headroom : limitNanos);
  return nowMs + Math.max(1, wait) * 1000;
}

function spendResetAtMs(window: SpendWindow, usage: ScopeUsage, input: AdmissionInput, limitNanos: number): number {
  switch (window) {
    case '5h':
      return fiveHourResetAtMs(usage, input.nowMs, limitNanos);
    case 'daily':
      return nextLocalDayStart(input.nowMs, input.tz);
    case 'weekly':
      return nextWeekStart(input.nowMs, input.tz);
    case 'monthly':
      return nextMonthStart(input.nowMs, input.tz);
    case 'total':
      return Infinity;
  }
}

function reachedSpend(scope: LimitScope, limits: ScopeLimits, usage: ScopeUsage, input: AdmissionInput): Reached[] {
  const reached: Reached[] = [];
  for (const window of SPEND_WINDOWS) {
    const limitUsd = limits[LIMIT_FIELD[window]];
    if (limitUsd === null) continue;
    const limitNanos = Math.round(limitUsd * NANOS_PER_USD);
    const usedNanos = settledNanos(window, usage, input.nowMs) + usage.reservedNanos;
    if (usedNanos < limitNanos) continue;
    const resetAtMs = spendResetAtMs(window, usage, input, limitNanos);
    reached.push({ kind: window, scope, limit: limitUsd, used: usedNanos / NANOS_PER_USD, resetAtMs });
  }
  return reached;
}

function reachedRpm(input: AdmissionInput): Reached[] {
  const { rpmLimit } = input.user.limits;
  if (rpmLimit === null) return [];
  const slots = input.user.rpmSlots.map((s) => ({ startSec: s.startSec, amount: s.count }));
  const used = rollingSum(slots, input.nowMs, RPM_WINDOW_SEC);
  if (used < rpmLimit) return [];
  const wait = Math.max(1, rollingRetryAfter(slots, input.nowMs, RPM_WINDOW_SEC, rpmLimit));
  return [{ kind: 'rpm', scope: 'user', limit: rpmLimit, used, resetAtMs: input.nowMs + wait * 1000 }];
}

function reachedSessions(scope: LimitScope, limits: ScopeLimits, usage: ScopeUsage, input: AdmissionInput): Reached[] {
  const limit = limits.concurrentSessions;
  if (limit === null || input.sessionActive || usage.activeSessions < limit) return [];
  const resetAtMs = Math.max(usage.sessionReleaseAtMs, input.nowMs + 1000);
  return [{ kind: 'concurrent_sessions', scope, limit, used: usage.activeSessions, resetAtMs }];
}

function toViolation(reached: Reached, nowMs: number): LimitViolation {
  const resets = Number.isFinite(reached.resetAtMs);
  const retryAfterSec = resets
    ? Math.max(1, Math.ceil((reached.resetAtMs - nowMs) / 1000))
    : NO_RESET_RETRY_AFTER_SEC;
  return {
    kind: reached.kind,
    scope: reached.scope,
    limit: reached.limit,
    used: reached.used,
    resetAtSec: Math.floor(nowMs / 1000 + retryAfterSec),
    retryAfterSec,
    message: limitExceededMessage(reached.kind, reached.scope, reached.limit, resets ? retryAfterSec : null),
  };
}

/**
 * The limit that blocks the request, or null to admit it. When several are reached, the one that
 * frees up last is reported (a total limit above all), so its Retry-After is one worth waiting
 * for; ties go to the earlier check (rpm, sessions, then key before user spend, short windows first).
 */
export function evaluateAdmission(input: AdmissionInput): LimitViolation | null {
  const reached = [
    ...reachedRpm(input),
    ...reachedSessions('key', input.key.limits, input.key.usage, input),
    ...reachedSessions('user', input.user.limits, input.user.usage, input),
    ...reachedSpend('key', input.key.limits, input.key.usage, input),
    ...reachedSpend('user', input.user.limits, input.user.usage, input),
  ];
  if (reached.length === 0) return null;
  const blocking = reached.reduce((worst, r) => (r.resetAtMs > worst.resetAtMs ? r : worst));
  return toViolation(blocking, input.nowMs);
}

function headerNumber(value: number): string {
  return String(Number(value.toFixed(6)));
}

/** The four headers CONTRACT.md requires on every 429 from a limit. */
export function rateLimitHeaders(violation: LimitViolation): Record<string, string> {
  return {
    'X-RateLimit-Limit': headerNumber(violation.limit),
    'X-RateLimit-Remaining': headerNumber(Math.max(0, violation.limit - violation.used)),
    'X-RateLimit-Reset': String(violation.resetAtSec),
    'Retry-After': String(violation.retryAfterSec),
  };
}
