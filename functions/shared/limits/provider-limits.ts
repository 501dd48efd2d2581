// Which providers have reached their own limits (5h/weekly/monthly spend, concurrent sessions), for
// routing to skip them: the shards of every provider that has limits in one BatchGet, cached briefly.
import { createHash } from 'node:crypto';
import { keys } from '../db/keys.js';
import type { StateBackend } from './state-backend.js';
import type { HubLogger } from '../logger.js';
import type { ProviderWithSecret } from '../types.js';
import { NANOS_PER_USD } from './evaluate.js';
import { formatUsd } from './limit-message.js';
import { mergeLimitStates, summarizeLimitState, type LimitState } from './limit-state.js';
import { spendWindows } from './spend-windows.js';
import { readStates } from './state-store.js';

/** A provider's counters are spread over this many items (by session), so no item takes every request. */
export const PROVIDER_SHARDS = 4;

/** Shards of recent sessions: a session sends many requests, and each settle asks. */
const shards = new Map<string, number>();
const MAX_KEPT_SHARDS = 10_000;

/** The shard a session's requests on a provider are counted in (always the same one, for its session mark). */
export function providerShardOf(sessionId: string): number {
  let shard = shards.get(sessionId);
  if (shard === undefined) {
    shard = createHash('sha256').update(sessionId).digest()[0]! % PROVIDER_SHARDS;
    if (shards.size >= MAX_KEPT_SHARDS) shards.clear();
    shards.set(sessionId, shard);
  }
  return shard;
}

export function providerShardKeys(providerId: string) {
  return Array.from({ length: PROVIDER_SHARDS }, (_, shard) => keys.providerLimitShard(providerId, shard));
}

type ProviderLimits = Pick<ProviderWithSecret, 'id' | 'limit5hUsd' | 'limitWeeklyUsd' | 'limitMonthlyUsd' | 'concurrentSessions'>;

export function hasProviderLimit(p: ProviderLimits): boolean {
  return p.limit5hUsd !== null || p.limitWeeklyUsd !== null || p.limitMonthlyUsd !== null || p.concurrentSessions !== null;
}

/** The reason text routing records for a skipped provider, or null when it may serve `sessionId`. */
export function providerLimitReason(
  p: ProviderLimits,
  state: LimitState,
  options: { nowMs: number; tz: string; sessionTtlSec: number; sessionId: string | null },
): string | null {
  const windows = spendWindows(state, options.nowMs, options.tz);
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
  if (p.concurrentSessions !== null) {
    const sessions = summarizeLimitState(state, options);
    if (!sessions.sessionActive && sessions.activeSessions >= p.concurrentSessions) {
      return `provider concurrent session limit of ${p.concurrentSessions} reached`;
    }
  }
  return null;
}

export interface ProviderLimitDeps {
  store: StateBackend;
  logger: HubLogger;
  now: () => number;
  timezone: string;
  sessionTtlSec: number;
  /** How long a provider's counters are reused by this instance, ms. */
  cacheMs: number;
}

export function createProviderLimits(deps: ProviderLimitDeps) {
  const cache = new Map<string, { at: number; state: LimitState }>();

  async function statesOf(providers: ProviderLimits[], nowMs: number): Promise<Map<string, LimitState>> {
    const states = new Map<string, LimitState>();
    const stale = providers.filter((p) => {
      const cached = cache.get(p.id);
      if (cached && nowMs - cached.at < deps.cacheMs) states.set(p.id, cached.state);
      return !states.has(p.id);
    });
    if (stale.length === 0) return states;
    const shards = await readStates(deps.store, stale.flatMap((p) => providerShardKeys(p.id)));
    if (cache.size > 1000) cache.clear();
    stale.forEach((p, i) => {
      const state = mergeLimitStates(shards.slice(i * PROVIDER_SHARDS, (i + 1) * PROVIDER_SHARDS));
      cache.set(p.id, { at: nowMs, state });
      states.set(p.id, state);
    });
    return states;
  }

  return {
    async overLimit(providers: readonly ProviderLimits[], sessionId: string | null): Promise<Map<string, string>> {
      const limited = providers.filter(hasProviderLimit);
      const reasons = new Map<string, string>();
      if (limited.length === 0) return reasons;
      const nowMs = deps.now();
      let states: Map<string, LimitState>;
      try {
        states = await statesOf(limited, nowMs);
      } catch (err) {
        // Fail open: providers whose counters cannot be read stay routable.
        deps.logger.warn('provider limit counters unreadable; not enforcing them', { error: err });
        return reasons;
      }
      const options = { nowMs, tz: deps.timezone, sessionTtlSec: deps.sessionTtlSec, sessionId };
      for (const p of limited) {
        const reason = providerLimitReason(p, states.get(p.id)!, options);
        if (reason) reasons.set(p.id, reason);
      }
      return reasons;
    },

    /** After this instance settled a request on the provider, its next check reads fresh counters. */
    forget(providerId: string): void {
      cache.delete(providerId);
    },
  };
}
