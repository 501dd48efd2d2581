// The limiter: admission against key and user limits, provider limits for routing, counters at
// settle, and usage reports. Store layout, round trips and the overshoot bound: docs/limits.md.
import type { HubConfig } from '../config.js';
import type { Db } from '../db/client.js';
import type { LimitScope } from '../db/keys.js';
import { RateLimitError } from '../errors.js';
import { timeOfRequestId } from '../ids.js';
import type { HubLogger } from '../logger.js';
import type { ApiKey, ProviderWithSecret, SpendLimits, User } from '../types.js';
import { evaluateAdmission, rateLimitHeaders, type RpmSlot, type ScopeLimits, type ScopeUsage } from './evaluate.js';
import { createProviderLimits } from './provider-limits.js';
import { countRequest, recentSlots, rpmSlotStart } from './rpm.js';
import { EMPTY_STATE, summarizeScopeState, type InFlightEntry, type ScopeState } from './scope-state.js';
import { readSpend, spendAdds, spendWindows, type CounterAdd, type SpendSnapshot } from './spend-store.js';
import { hasStale, markInFlight, markSettled, pruneState, unmarkInFlight } from './state-store.js';
import { buildUsageReport, type UsageLimits, type UsageReport } from './usage-report.js';

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
}

export interface LimiterDeps {
  config: Pick<HubConfig, 'enableRateLimit' | 'timezone' | 'sessionTtlSec'>;
  db: Db;
  logger: HubLogger;
  now: () => number;
}

interface ScopeTarget {
  scope: 'key' | 'user';
  id: string;
  limits: ScopeLimits;
}

const NO_USAGE: Omit<ScopeUsage, 'sessionReleaseAtMs'> = {
  fiveHourBuckets: [],
  dailyNanos: 0,
  weeklyNanos: 0,
  monthlyNanos: 0,
  totalNanos: 0,
  reservedNanos: 0,
  activeSessions: 0,
};

function hasSpendLimit(limits: SpendLimits): boolean {
  return [limits.limit5hUsd, limits.dailyLimitUsd, limits.limitWeeklyUsd, limits.limitMonthlyUsd, limits.limitTotalUsd].some(
    (limit) => limit !== null,
  );
}

function scopeLimits(source: ApiKey | User): ScopeLimits {
  const { limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd, concurrentSessions } = source;
  return { limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd, concurrentSessions };
}

/** Admission runs the counting writes for at most this many settles that failed halfway (retry bookkeeping). */
const MAX_PENDING_SETTLES = 10_000;

export function createLimiter(deps: LimiterDeps, options: { providerCacheMs?: number } = {}): Limiter {
  const { db, logger, config } = deps;
  const ttl = config.sessionTtlSec;
  const providerLimits = createProviderLimits({
    db,
    logger,
    now: deps.now,
    timezone: config.timezone,
    sessionTtlSec: ttl,
    cacheMs: options.providerCacheMs ?? 1000,
  });
  /** requestId → counter writes already done by a settle that failed later (so a retry adds nothing twice). */
  const settleProgress = new Map<string, Set<string>>();

  function usageOf(target: ScopeTarget, state: ScopeState, snapshot: SpendSnapshot | null, req: AdmissionRequest, nowMs: number) {
    const summary = summarizeScopeState(state, { nowMs, sessionTtlSec: ttl, sessionId: req.sessionId, ownRequestId: req.requestId });
    const spend = snapshot ? spendWindows(snapshot, nowMs, config.timezone) : null;
    const usage: ScopeUsage = {
      ...NO_USAGE,
      ...(spend && {
        fiveHourBuckets: spend.fiveHourBuckets,
        dailyNanos: spend.dailyNanos,
        weeklyNanos: spend.weeklyNanos,
        monthlyNanos: spend.monthlyNanos,
        totalNanos: spend.totalNanos,
      }),
      reservedNanos: summary.reservedNanos,
      activeSessions: summary.activeSessions,
      sessionReleaseAtMs: summary.sessionReleaseAtMs,
    };
    // An already active session is always admitted by this scope's session cap.
    const limits = summary.sessionActive ? { ...target.limits, concurrentSessions: null } : target.limits;
    return { usage, limits };
  }

  async function admit(req: AdmissionRequest): Promise<AdmissionTicket> {
    const base = { requestId: req.requestId, sessionId: req.sessionId, keyId: req.key.id, userId: req.user.id };
    if (!config.enableRateLimit) return { ...base, reservedNanos: 0, enforced: false, rpmCounted: false };
    const nowMs = deps.now();
    const targets: ScopeTarget[] = [
      { scope: 'key', id: req.key.id, limits: scopeLimits(req.key) },
      { scope: 'user', id: req.user.id, limits: scopeLimits(req.user) },
    ];
    const tracked = targets.filter((t) => hasSpendLimit(t.limits) || t.limits.concurrentSessions !== null);
    const rpmLimit = req.user.rpmLimit;
    if (tracked.length === 0 && rpmLimit === null) return { ...base, reservedNanos: 0, enforced: true, rpmCounted: false };

    const entry: InFlightEntry = {
      requestId: req.requestId,
      nanos: Math.max(0, Math.round(req.estimateNanos)),
      sessionId: req.sessionId,
      admittedAtMs: nowMs,
    };
    const slot = rpmSlotStart(nowMs);
    const failOpen = (err: unknown): AdmissionTicket => {
      logger.warn('limit counters unavailable; admitting without enforcing limits', { requestId: req.requestId, error: err });
      return { ...base, reservedNanos: 0, enforced: false, rpmCounted: false };
    };

    // Round 1: mark the request in flight (reservation + session) and count it, before reading, so
    // of two concurrent admissions the later one always sees the earlier (docs/limits.md).
    const [marks, counted] = await Promise.all([
      Promise.allSettled(tracked.map((t) => markInFlight(db, t, entry, ttl))),
      Promise.allSettled(rpmLimit === null ? [] : [countRequest(db, req.user.id, slot)]),
    ]);
    const undo = async () => {
      const undone = await Promise.allSettled([
        ...tracked.filter((_, i) => marks[i]!.status === 'fulfilled').map((t) => unmarkInFlight(db, t, req.requestId)),
        ...(counted[0]?.status === 'fulfilled' ? [countRequest(db, req.user.id, slot, -1)] : []),
      ]);
      const failed = undone.find((r) => r.status === 'rejected');
      if (failed) logger.warn('could not take back admission marks; they expire by themselves', { requestId: req.requestId, error: failed.reason });
    };
    const writeFailure = [...marks, ...counted].find((r) => r.status === 'rejected');
    if (writeFailure) {
      await undo();
      return failOpen(writeFailure.reason);
    }
    const states = marks.map((m) => (m.status === 'fulfilled' ? m.value : EMPTY_STATE));
    const place = counted[0]?.status === 'fulfilled' ? counted[0].value : 0;

    // Round 2: the settled spend of the scopes with spend limits, and the user's last minute.
    const spendTargets = tracked.filter((t) => hasSpendLimit(t.limits));
    let snapshots: SpendSnapshot[];
    let slots: RpmSlot[];
    try {
      [snapshots, slots] = await Promise.all([
        Promise.all(spendTargets.map((t) => readSpend(db, t, nowMs))),
        rpmLimit === null ? Promise.resolve([]) : recentSlots(db, req.user.id, nowMs),
      ]);
    } catch (err) {
      await undo();
      return failOpen(err);
    }

    const scopeInput = (target: ScopeTarget) => {
      const i = tracked.indexOf(target);
      if (i < 0) return { limits: target.limits, usage: { ...NO_USAGE, sessionReleaseAtMs: nowMs } };
      const j = spendTargets.indexOf(target);
      return usageOf(target, states[i]!, j < 0 ? null : snapshots[j]!, req, nowMs);
    };
    // This request's own count is not competition for itself: the slot holds `place - 1` before it.
    const rpmSlots = rpmLimit === null ? [] : [...slots.filter((s) => s.startSec !== slot), { startSec: slot, count: place - 1 }];
    const userInput = scopeInput(targets[1]!);
    const violation = evaluateAdmission({
      nowMs,
      tz: config.timezone,
      sessionActive: false,
      key: scopeInput(targets[0]!),
      user: { usage: userInput.usage, limits: { ...userInput.limits, rpmLimit }, rpmSlots },
    });
    if (violation) {
      await undo();
      throw new RateLimitError(violation.message, violation.kind, rateLimitHeaders(violation));
    }
    return { ...base, reservedNanos: tracked.length > 0 ? entry.nanos : 0, enforced: true, rpmCounted: rpmLimit !== null };
  }

  async function settle(ticket: AdmissionTicket, outcome: SettleOutcome): Promise<void> {
    const { nowMs, providerId } = outcome;
    const chargedAtMs = outcome.createdAtMs ?? timeOfRequestId(ticket.requestId) ?? nowMs;
    const nanos = outcome.costNanos !== null && outcome.costNanos > 0 ? Math.round(outcome.costNanos) : 0;
    const adds: CounterAdd[] = [];
    if (nanos > 0) {
      const tz = config.timezone;
      adds.push(...spendAdds(db, { scope: 'key', id: ticket.keyId }, nanos, chargedAtMs, tz, true));
      adds.push(...spendAdds(db, { scope: 'user', id: ticket.userId }, nanos, chargedAtMs, tz, true));
      if (providerId) adds.push(...spendAdds(db, { scope: 'provider', id: providerId }, nanos, chargedAtMs, tz, false));
    }
    if (!(ticket.rpmCounted ?? ticket.enforced)) {
      adds.push({ name: 'rpm', run: () => countRequest(db, ticket.userId, rpmSlotStart(nowMs)).then(() => undefined) });
    }

    // Counters first, then the reservation goes: an admission never sees neither (docs/limits.md).
    const done = settleProgress.get(ticket.requestId) ?? new Set<string>();
    const pending = adds.filter((add) => !done.has(add.name));
    const results = await Promise.allSettled(pending.map((add) => add.run()));
    results.forEach((r, i) => r.status === 'fulfilled' && done.add(pending[i]!.name));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      if (settleProgress.size >= MAX_PENDING_SETTLES) settleProgress.clear();
      settleProgress.set(ticket.requestId, done);
      throw failed.reason;
    }

    const scopes: { scope: LimitScope; id: string }[] = [
      { scope: 'key', id: ticket.keyId },
      { scope: 'user', id: ticket.userId },
      ...(providerId ? [{ scope: 'provider' as const, id: providerId }] : []),
    ];
    const states = await Promise.all(scopes.map((t) => markSettled(db, t, ticket.requestId, ticket.sessionId, nowMs, ttl)));
    settleProgress.delete(ticket.requestId);
    if (providerId) providerLimits.forget(providerId);
    await Promise.all(
      states.map(async (state, i) => {
        const { stale } = summarizeScopeState(state, { nowMs, sessionTtlSec: ttl });
        if (!hasStale(stale)) return;
        await pruneState(db, scopes[i]!, stale).catch((err: unknown) =>
          logger.debug('pruning expired limit marks failed; the next settle retries', { error: err }),
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
      const [snapshot, rpmSlots] = await Promise.all([
        readSpend(db, { scope, id }, nowMs, true),
        scope === 'user' ? recentSlots(db, id, nowMs) : Promise.resolve([]),
      ]);
      return buildUsageReport({ scope, limits, snapshot, rpmSlots, nowMs, tz: config.timezone, sessionTtlSec: ttl });
    },
  };
}
