// Routing with I/O: cached provider list and circuit states, session bindings in the table, and
// the decision of which providers to try in which order (pure parts: candidates, select, breaker).
import { isStoreUnavailable } from '../db/client.js';
import type { Services } from '../services.js';
import type { ProviderType, ProviderWithSecret, User } from '../types.js';
import type { SessionBinding, SessionRecord } from '../db/repos/sessions.js';
import { filterCandidates } from './candidates.js';
import { circuitDecision, recordFailure, recordProbeStart, recordSuccess, type CircuitRecord } from './circuit-breaker.js';
import { orderCandidates } from './select.js';

export interface PlannedAttempt {
  provider: ProviderWithSecret;
  reason: 'session_reuse' | 'initial_pick' | 'failover' | 'circuit_probe';
}

export interface RoutePlan {
  attempts: PlannedAttempt[];
  filtered: Record<string, string>;
}

export interface RouteRequest {
  types: readonly ProviderType[];
  user: User;
  model: string | null;
  sessionId: string | null;
  /** Provider ids whose own limits are reached, with the reason (from the limiter). */
  overLimit?: Map<string, string>;
}

export type { SessionRecord } from '../db/repos/sessions.js';

export interface RouterOptions {
  providerCacheMs?: number;
  circuitCacheMs?: number;
  /** How long this instance trusts a session binding it read or wrote (others may rebind it meanwhile). */
  sessionCacheMs?: number;
}

export function createRouter(services: Services, options: RouterOptions = {}) {
  const { now } = services;
  const sessions = services.sessions;
  const providerCacheMs = options.providerCacheMs ?? 2000;
  const circuitCacheMs = options.circuitCacheMs ?? 1000;
  let providerCache: { at: number; providers: ProviderWithSecret[] } | null = null;
  const circuitCache = new Map<string, { at: number; rec: CircuitRecord }>();
  const sessionCacheMs = options.sessionCacheMs ?? 5000;
  const ttlMs = services.config.sessionTtlSec * 1000;
  /** sessionId → bound provider (or the read in flight), as this instance last saw or wrote it. */
  const sessionCache = new Map<string, { at: number; providerId: Promise<string | null> }>();

  async function providers(): Promise<ProviderWithSecret[]> {
    if (providerCache && now() - providerCache.at < providerCacheMs) return providerCache.providers;
    try {
      const list = await services.providers.list();
      providerCache = { at: now(), providers: list };
      return list;
    } catch (err) {
      // Store unreachable: route with the last list seen (providers cannot change meanwhile).
      if (!providerCache || !isStoreUnavailable(err)) throw err;
      providerCache = { ...providerCache, at: now() };
      return providerCache.providers;
    }
  }

  /** providerId → the read of its circuit in flight (one BatchGetItem may serve several ids). */
  const circuitReads = new Map<string, Promise<void>>();

  /** Starts reading the circuits of `ids` that are neither fresh in the cache nor being read. */
  function readCircuits(ids: string[]): void {
    const t = now();
    const toRead = ids.filter((id) => {
      const cached = circuitCache.get(id);
      return !(cached && t - cached.at < circuitCacheMs) && !circuitReads.has(id);
    });
    if (toRead.length === 0) return;
    const read = services.circuits.getMany(toRead).then(
      (recs) => {
        for (const [id, rec] of recs) circuitCache.set(id, { at: t, rec });
      },
      (err: unknown) => {
        // Store unreachable: the last state seen stays (else closed: the attempt itself will tell).
        if (!isStoreUnavailable(err)) throw err;
      },
    );
    const done = read.finally(() => {
      for (const id of toRead) if (circuitReads.get(id) === done) circuitReads.delete(id);
    });
    // A prefetched read nobody waits for must not surface as an unhandled rejection.
    done.catch(() => {});
    for (const id of toRead) circuitReads.set(id, done);
  }

  async function circuits(ids: string[]): Promise<Map<string, CircuitRecord>> {
    readCircuits(ids);
    await Promise.all(ids.map((id) => circuitReads.get(id)));
    const result = new Map<string, CircuitRecord>();
    for (const id of ids) {
      const cached = circuitCache.get(id);
      if (cached) result.set(id, cached.rec);
    }
    return result;
  }

  /** Providers of these types that routing would consider, from a provider list. */
  const routable = (list: ProviderWithSecret[], types: readonly string[]) =>
    list.filter((p) => p.enabled && types.includes(p.type)).map((p) => p.id);

  function boundProvider(sessionId: string | null): Promise<string | null> {
    if (!sessionId) return Promise.resolve(null);
    const t = now();
    const cached = sessionCache.get(sessionId);
    // A binding written here stays good until it would have expired in the table; a read for a short while.
    if (cached && t - cached.at < Math.min(sessionCacheMs, ttlMs)) return cached.providerId;
    const read = sessions.boundProvider(sessionId).catch((err: unknown) => {
      sessionCache.delete(sessionId);
      // Stickiness is an optimisation: without the store the session is routed like a new one.
      if (isStoreUnavailable(err)) return null;
      throw err;
    });
    if (sessionCache.size > 20_000) sessionCache.clear();
    sessionCache.set(sessionId, { at: t, providerId: read });
    return read;
  }

  return {
    providers,

    /**
     * Starts now the reads `plan` will need, so they share one round with the caller's own reads:
     * the session's binding, and the circuits of the providers of the last list seen (the list is
     * re-read at the same time; a provider new to it has its circuit read by `plan`).
     */
    prefetch(sessionId: string | null, types: readonly string[]): void {
      boundProvider(sessionId).catch(() => {});
      if (providerCache) readCircuits(routable(providerCache.providers, types));
    },

    /** Reads providers, circuits and the session binding (in parallel) and orders the attempts. */
    async plan(req: RouteRequest): Promise<RoutePlan> {
      const [all, bound] = await Promise.all([providers(), boundProvider(req.sessionId)]);
      const states = await circuits(routable(all, req.types));
      const t = now();
      const decisions = new Map([...states].map(([id, rec]) => [id, circuitDecision(rec, t)]));
      const { candidates, filtered } = filterCandidates(all, {
        types: req.types,
        userGroup: req.user.providerGroup,
        model: req.model,
        isCircuitOpen: (id) => decisions.get(id) === 'blocked',
        isOverLimit: (id) => req.overLimit?.get(id) ?? null,
      });
      const byId = new Map(all.map((p) => [p.id, p]));
      const ordered = orderCandidates(candidates, services.random).map((p) => byId.get(p.id)!);
      const sticky = bound ? ordered.findIndex((p) => p.id === bound) : -1;
      if (sticky > 0) ordered.unshift(...ordered.splice(sticky, 1));
      const attempts: PlannedAttempt[] = ordered.map((provider, i) => ({
        provider,
        reason:
          decisions.get(provider.id) === 'probe'
            ? 'circuit_probe'
            : i === 0
              ? sticky >= 0
                ? 'session_reuse'
                : 'initial_pick'
              : 'failover',
      }));
      return { attempts, filtered };
    },

    /** Before sending a probe: claim it so only one request (of any instance) probes a half-open provider. */
    async claimProbe(provider: ProviderWithSecret): Promise<boolean> {
      let passes = false;
      const { record, written } = await services.circuits.transition(provider.id, (current) => {
        const decision = circuitDecision(current, now());
        passes = decision === 'pass';
        return decision === 'probe' ? recordProbeStart(current, now()) : null;
      });
      circuitCache.set(provider.id, { at: now(), rec: record });
      return written || passes;
    },

    async recordSuccess(provider: ProviderWithSecret): Promise<void> {
      const cached = circuitCache.get(provider.id)?.rec;
      if (cached && cached.state === 'closed' && cached.failures === 0) return;
      const { record } = await services.circuits.transition(provider.id, (current) =>
        current.state === 'closed' && current.failures === 0 ? null : recordSuccess(current, now()),
      );
      circuitCache.set(provider.id, { at: now(), rec: record });
    },

    /** Counts one failure; call it once per request and provider, whatever the number of retries. */
    async recordFailure(provider: ProviderWithSecret): Promise<void> {
      const { record } = await services.circuits.transition(provider.id, (current) =>
        recordFailure(current, now(), provider.circuitFailureThreshold, provider.circuitOpenMs),
      );
      circuitCache.set(provider.id, { at: now(), rec: record });
    },

    /** Binds (or rebinds) a session to the provider that served it; sliding SESSION_TTL, counts the request. */
    bindSession(binding: SessionBinding): Promise<void> {
      sessionCache.set(binding.sessionId, { at: now(), providerId: Promise.resolve(binding.providerId) });
      return sessions.bind(binding);
    },

    /** Sessions seen within SESSION_TTL, most recently active first. */
    activeSessions(): Promise<SessionRecord[]> {
      return sessions.listActive();
    },

    invalidate() {
      providerCache = null;
      circuitCache.clear();
      sessionCache.clear();
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
