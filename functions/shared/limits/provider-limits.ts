// Which providers have reached their own limits (5h/weekly/monthly spend, concurrent sessions), for
// routing to skip them: one Query per provider that has limits, cached briefly per instance.
import type { HubLogger } from '../logger.js';
import type { Db } from '../db/client.js';
import type { ProviderWithSecret } from '../types.js';
import { NANOS_PER_USD } from './evaluate.js';
import { formatUsd } from './limit-message.js';
import { summarizeScopeState } from './scope-state.js';
import { readSpend, spendWindows, type SpendSnapshot } from './spend-store.js';

export interface ProviderLimitDeps {
  db: Db;
  logger: HubLogger;
  now: () => number;
  timezone: string;
  sessionTtlSec: number;
  /** How long a provider's counters are reused by this instance, ms. */
  cacheMs: number;
}

type ProviderLimits = Pick<ProviderWithSecret, 'id' | 'limit5hUsd' | 'limitWeeklyUsd' | 'limitMonthlyUsd' | 'concurrentSessions'>;

function hasSpendLimit(p: ProviderLimits): boolean {
  return p.limit5hUsd !== null || p.limitWeeklyUsd !== null || p.limitMonthlyUsd !== null;
}

export function hasProviderLimit(p: ProviderLimits): boolean {
  return hasSpendLimit(p) || p.concurrentSessions !== null;
}

/** The reason text routing records for a skipped provider, or null when it may serve `sessionId`. */
export function providerLimitReason(
  p: ProviderLimits,
  snapshot: SpendSnapshot,
  options: { nowMs: number; tz: string; sessionTtlSec: number; sessionId: string | null },
): string | null {
  const windows = spendWindows(snapshot, options.nowMs, options.tz);
  const spend: [string, number | null, number][] = [
    ['5h', p.limit5hUsd, windows.fiveHourNanos],
    ['weekly', p.limitWeeklyUsd, windows.weeklyNanos],
    ['monthly', p.limitMonthlyUsd, windows.monthlyNanos],
  ];
  for (const [window, limitUsd, used] of spend) {
    if (limitUsd !== null && used >= Math.round(limitUsd * NANOS_PER_USD)) {
      return `provider ${window} spend limit of ${formatUsd(limitUsd)} reached`;
    }
  }
  if (p.concurrentSessions !== null && snapshot.state) {
    const sessions = summarizeScopeState(snapshot.state, options);
    if (!sessions.sessionActive && sessions.activeSessions >= p.concurrentSessions) {
      return `provider concurrent session limit of ${p.concurrentSessions} reached`;
    }
  }
  return null;
}

export function createProviderLimits(deps: ProviderLimitDeps) {
  const cache = new Map<string, { at: number; withState: boolean; snapshot: SpendSnapshot }>();

  async function snapshotOf(p: ProviderLimits, nowMs: number): Promise<SpendSnapshot> {
    const withState = p.concurrentSessions !== null;
    const cached = cache.get(p.id);
    if (cached && nowMs - cached.at < deps.cacheMs && (cached.withState || !withState)) return cached.snapshot;
    const snapshot = await readSpend(deps.db, { scope: 'provider', id: p.id }, nowMs, withState);
    if (cache.size > 1000) cache.clear();
    cache.set(p.id, { at: nowMs, withState, snapshot });
    return snapshot;
  }

  return {
    async overLimit(providers: readonly ProviderLimits[], sessionId: string | null): Promise<Map<string, string>> {
      const nowMs = deps.now();
      const reasons = new Map<string, string>();
      await Promise.all(
        providers.filter(hasProviderLimit).map(async (p) => {
          try {
            const snapshot = await snapshotOf(p, nowMs);
            const reason = providerLimitReason(p, snapshot, {
              nowMs,
              tz: deps.timezone,
              sessionTtlSec: deps.sessionTtlSec,
              sessionId,
            });
            if (reason) reasons.set(p.id, reason);
          } catch (err) {
            // Fail open: a provider whose counters cannot be read stays routable.
            deps.logger.warn('provider limit counters unreadable; not enforcing them', { providerId: p.id, error: err });
          }
        }),
      );
      return reasons;
    },

    /** After this instance settled a request on the provider, its next check reads fresh counters. */
    forget(providerId: string): void {
      cache.delete(providerId);
    },
  };
}
