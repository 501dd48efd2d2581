// The limiter: admission against key and user limits, provider limits for routing, counters at
// settle, and usage reports. Store layout, round trips and the overshoot bound: docs/limits.md.
import type { HubConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { RateLimitError } from '../errors.js';
import { timeOfRequestId } from '../ids.js';
import type { HubLogger } from '../logger.js';
import type { ApiKey, ProviderWithSecret, SpendLimits, User } from '../types.js';
import { evaluateAdmission, rateLimitHeaders, type ScopeLimits, type ScopeUsage } from './evaluate.js';
import {
  emptyLimitState,
  rpmSlotStart,
  staleMarks,
  summarizeLimitState,
  type InFlightEntry,
  type LimitState,
} from './limit-state.js';
import { createProviderLimits, providerShardOf } from './provider-limits.js';
import { spendWindows } from './spend-windows.js';
import { hasStale, markAdmission, pruneState, readState, settleState, undoAdmission, type StateKey } from './state-store.js';
import { createDirectBackend, type StateBackend } from './state-backend.js';
import { buildUsageReport, type UsageLimits, type UsageReport } from './usage-report.js';
import { bucketStart, localDate } from './windows.js';

export type { UsageReport, UsageWindow } from './usage-report.js';

export interface AdmissionRequest {
  key: ApiKey;
  user: User;
  sessionId: string;
  requestId: string;
  /** Cost held against every spend window while the request runs, integer nanos (docs/limits.md: sizing). */
  estimateNanos: number;
}

export interface AdmissionTicket {
  requestId: string;
  sessionId: string;
  keyId: string;
  userId: string;
  reservedNanos: number;
  /** False when limits were not checked (ENABLE_RATE_LIMIT=false, or the store failed: fail open). */
  enforced: boolean;
  /** Whether admission already counted the request for RPM (absent: same as `enforced`). */
  rpmCounted?: boolean;
}

export interface SettleOutcome {
  costNanos: number | null;
  providerId: string | null;
  nowMs: number;
  /**
   * When the request started: its cost lands in that bucket and local day, the windows it was
   * admitted against (default: the time in a `newRequestId` id, else `nowMs`).
   */
  createdAtMs?: number;
}

export interface Limiter {
  admit(req: AdmissionRequest): Promise<AdmissionTicket>;
  providersOverLimit(providers: ProviderWithSecret[], sessionId: string): Promise<Map<string, string>>;
  settle(ticket: AdmissionTicket, outcome: SettleOutcome): Promise<void>;
  usage(scope: 'key' | 'user', id: string, limits: UsageLimits): Promise<UsageReport>;
  /** Writes limit state still held in memory (mirrored backend); a no-op otherwise. */
  flush(): Promise<void>;
}

export interface LimiterDeps {
  config: Pick<HubConfig, 'enableRateLimit' | 'timezone' | 'sessionTtlSec'>;
  db: Db;
  logger: HubLogger;
  now: () => number;
  /** Where state items live (default: direct, one UpdateItem per change); see state-backend.ts. */
  store?: StateBackend;
}

function hasSpendLimit(limits: SpendLimits): boolean {
  return [limits.limit5hUsd, limits.dailyLimitUsd, limits.limitWeeklyUsd, limits.limitMonthlyUsd, limits.limitTotalUsd].some(
    (limit) => limit !== null,
  );
}

function scopeLimits(source: ApiKey | User): ScopeLimits {
  const { limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd, concurrentSessions } = source;
  return { limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd, concurrentSessions };
}

/** Settles that failed halfway remembered per instance (so a retry adds nothing twice), at most. */
const MAX_PENDING_SETTLES = 10_000;

export function createLimiter(deps: LimiterDeps, options: { providerCacheMs?: number } = {}): Limiter {
  const { logger, config } = deps;
  const db = deps.store ?? createDirectBackend(deps.db);
  const ttl = config.sessionTtlSec;
  const providerLimits = createProviderLimits({
    store: db,
    logger,
    now: deps.now,
    timezone: config.timezone,
    sessionTtlSec: ttl,
    cacheMs: options.providerCacheMs ?? 1000,
  });
  /** requestId → scopes a settle that failed halfway has already written. */
  const settleProgress = new Map<string, Set<string>>();

  /** evaluate.ts input for one scope from its state image; the caller's own marks left out. */
  function scopeInput(limits: ScopeLimits, state: LimitState, req: AdmissionRequest, nowMs: number) {
    const summary = summarizeLimitState(state, { nowMs, sessionTtlSec: ttl, sessionId: req.sessionId, ownRequestId: req.requestId });
    const spend = spendWindows(state, nowMs, config.timezone);
    const usage: ScopeUsage = {
      fiveHourBuckets: spend.fiveHourBuckets,
      dailyNanos: spend.dailyNanos,
      weeklyNanos: spend.weeklyNanos,
      monthlyNanos: spend.monthlyNanos,
      totalNanos: spend.totalNanos,
      reservedNanos: summary.reservedNanos,
      activeSessions: summary.activeSessions,
      sessionReleaseAtMs: summary.sessionReleaseAtMs,
    };
    // An already active session is always admitted by this scope's session cap.
    return { usage, limits: summary.sessionActive ? { ...limits, concurrentSessions: null } : limits };
  }

  async function admit(req: AdmissionRequest): Promise<AdmissionTicket> {
    const base = { requestId: req.requestId, sessionId: req.sessionId, keyId: req.key.id, userId: req.user.id };
    if (!config.enableRateLimit) return { ...base, reservedNanos: 0, enforced: false, rpmCounted: false };
    const nowMs = deps.now();
    const rpmLimit = req.user.rpmLimit;
    const keyLimits = scopeLimits(req.key);
    const userLimits = scopeLimits(req.user);
    const trackKey = hasSpendLimit(keyLimits) || keyLimits.concurrentSessions !== null;
    const trackUser = hasSpendLimit(userLimits) || userLimits.concurrentSessions !== null || rpmLimit !== null;
    if (!trackKey && !trackUser) return { ...base, reservedNanos: 0, enforced: true, rpmCounted: false };

    const entry: InFlightEntry = {
      requestId: req.requestId,
      nanos: Math.max(0, Math.round(req.estimateNanos)),
      sessionId: req.sessionId,
      admittedAtMs: nowMs,
    };
    const slot = rpmLimit === null ? null : rpmSlotStart(nowMs);
    const writes: { key: StateKey; slot: number | null }[] = [
      ...(trackKey ? [{ key: keys.spendState('key', req.key.id), slot: null }] : []),
      ...(trackUser ? [{ key: keys.spendState('user', req.user.id), slot }] : []),
    ];
    // One round: mark the request in flight (its reservation, its session) and count it, getting
    // back each state as it stands after the write, i.e. with exactly the requests before this one.
    const results = await Promise.allSettled(writes.map((w) => markAdmission(db, w.key, entry, w.slot)));
    const undo = async () => {
      const undone = await Promise.allSettled(
        writes.filter((_, i) => results[i]!.status === 'fulfilled').map((w) => undoAdmission(db, w.key, req.requestId, w.slot)),
      );
      const failed = undone.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) logger.warn('could not take back admission marks; they expire by themselves', { requestId: req.requestId, error: failed.reason });
    };
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await undo();
      logger.warn('limit counters unavailable; admitting without enforcing limits', { requestId: req.requestId, error: failure.reason });
      return { ...base, reservedNanos: 0, enforced: false, rpmCounted: false };
    }

    const states = results.map((r) => (r.status === 'fulfilled' ? r.value : emptyLimitState()));
    const keyState = trackKey ? states[0]! : emptyLimitState();
    const userState = trackUser ? states[states.length - 1]! : emptyLimitState();
    // The slot counts this request too; it is not competition for itself.
    const rpmSlots = userState.rpmSlots.map((s) => (s.startSec === slot ? { ...s, count: s.count - 1 } : s));
    const user = scopeInput(userLimits, userState, req, nowMs);
    const violation = evaluateAdmission({
      nowMs,
      tz: config.timezone,
      sessionActive: false,
      key: scopeInput(keyLimits, keyState, req, nowMs),
      user: { ...user, limits: { ...user.limits, rpmLimit }, rpmSlots },
    });
    if (violation) {
      await undo();
      throw new RateLimitError(violation.message, violation.kind, rateLimitHeaders(violation));
    }
    return { ...base, reservedNanos: entry.nanos, enforced: true, rpmCounted: rpmLimit !== null };
  }

  async function settle(ticket: AdmissionTicket, outcome: SettleOutcome): Promise<void> {
    const { nowMs, providerId } = outcome;
    const chargedAtMs = outcome.createdAtMs ?? timeOfRequestId(ticket.requestId) ?? nowMs;
    const common = {
      requestId: ticket.requestId,
      sessionId: ticket.sessionId,
      idleUntilSec: Math.floor(nowMs / 1000) + ttl,
      nanos: outcome.costNanos !== null && outcome.costNanos > 0 ? Math.round(outcome.costNanos) : 0,
      bucketSec: bucketStart(chargedAtMs),
      date: localDate(chargedAtMs, config.timezone),
    };
    const countRpm = !(ticket.rpmCounted ?? ticket.enforced);
    const writes = [
      { name: 'key', key: keys.spendState('key', ticket.keyId), withTotal: true, rpmSlotSec: null },
      { name: 'user', key: keys.spendState('user', ticket.userId), withTotal: true, rpmSlotSec: countRpm ? rpmSlotStart(nowMs) : null },
      ...(providerId
        ? [{ name: 'provider', key: keys.providerLimitShard(providerId, providerShardOf(ticket.sessionId)), withTotal: false, rpmSlotSec: null }]
        : []),
    ];
    // One atomic write per scope: the cost goes into the counters as the reservation goes.
    const done = settleProgress.get(ticket.requestId) ?? new Set<string>();
    const pending = writes.filter((w) => !done.has(w.name));
    const results = await Promise.allSettled(pending.map((w) => settleState(db, w.key, { ...common, ...w })));
    if (providerId) providerLimits.forget(providerId);
    results.forEach((r, i) => r.status === 'fulfilled' && done.add(pending[i]!.name));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      if (settleProgress.size >= MAX_PENDING_SETTLES) settleProgress.clear();
      settleProgress.set(ticket.requestId, done);
      throw failure.reason;
    }
    settleProgress.delete(ticket.requestId);
    await Promise.all(
      results.map(async (r, i) => {
        if (r.status !== 'fulfilled') return;
        const stale = staleMarks(r.value, nowMs, ttl);
        if (!hasStale(stale)) return;
        await pruneState(db, pending[i]!.key, stale).catch((err: unknown) =>
          logger.debug('pruning old limit counters failed; a later settle retries', { error: err }),
        );
      }),
    );
  }

  return {
    admit,
    settle,

    async providersOverLimit(providers, sessionId) {
      if (!config.enableRateLimit) return new Map();
      return providerLimits.overLimit(providers, sessionId);
    },

    async usage(scope, id, limits) {
      const nowMs = deps.now();
      const state = await readState(db, keys.spendState(scope, id));
      return buildUsageReport({ scope, limits, state, nowMs, tz: config.timezone, sessionTtlSec: ttl });
    },

    flush: () => db.flush(),
  };
}
