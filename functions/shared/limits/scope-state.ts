// Reading a scope's admission state item: in-flight requests (reservations, sessions in flight) and
// idle sessions, with the expiry rules that make a crashed instance's marks roll off by themselves.

/** Attribute name prefixes inside the state item (db/keys.ts spendState). */
export const IN_FLIGHT_PREFIX = 'q:';
export const IDLE_PREFIX = 'i:';

/** A reservation left by a request that never settled (crashed instance) stops counting after this. */
export const RESERVATION_TTL_SEC = 20 * 60;
/** Longest a request can run (the Lambda maximum): an in-flight mark older than this plus SESSION_TTL is dead. */
export const MAX_REQUEST_SEC = 15 * 60;

export interface InFlightEntry {
  requestId: string;
  /** Estimated cost held for the request, integer nanos. */
  nanos: number;
  sessionId: string;
  admittedAtMs: number;
}

export interface ScopeState {
  inFlight: InFlightEntry[];
  /** sessionId → epoch seconds until which the session stays active after its last request ended. */
  idleUntilSec: Map<string, number>;
}

export const EMPTY_STATE: ScopeState = { inFlight: [], idleUntilSec: new Map() };

export interface StateSummary {
  /** Estimates held by live requests, nanos. */
  reservedNanos: number;
  /** Distinct active sessions (in flight or within SESSION_TTL of their last request). */
  activeSessions: number;
  /** Whether `sessionId` is among them. */
  sessionActive: boolean;
  /** See evaluate.ts ScopeUsage.sessionReleaseAtMs. */
  sessionReleaseAtMs: number;
  /** Marks that can be deleted: dead in-flight entries (by request id) and expired idle marks (with the value seen). */
  stale: { requestIds: string[]; idle: { sessionId: string; untilSec: number }[] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The state item as stored (DynamoDB document attributes) → entries; unknown attributes are ignored. */
export function parseScopeState(item: Record<string, unknown> | undefined): ScopeState {
  const state: ScopeState = { inFlight: [], idleUntilSec: new Map() };
  if (!item) return state;
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(IN_FLIGHT_PREFIX) && isRecord(value)) {
      const { n, s, t } = value;
      if (typeof n !== 'number' || typeof s !== 'string' || typeof t !== 'number') continue;
      state.inFlight.push({ requestId: name.slice(IN_FLIGHT_PREFIX.length), nanos: n, sessionId: s, admittedAtMs: t });
    } else if (name.startsWith(IDLE_PREFIX) && typeof value === 'number') {
      state.idleUntilSec.set(name.slice(IDLE_PREFIX.length), value);
    }
  }
  return state;
}

/** The stored form of an in-flight entry (short names: the item is rewritten on every request). */
export function inFlightValue(entry: InFlightEntry): { n: number; s: string; t: number } {
  return { n: entry.nanos, s: entry.sessionId, t: entry.admittedAtMs };
}

/** TTL of the whole item: later than every mark any write so far could have made. */
export function stateExpiresAtSec(nowMs: number, sessionTtlSec: number): number {
  return Math.ceil(nowMs / 1000) + Math.max(RESERVATION_TTL_SEC, MAX_REQUEST_SEC + sessionTtlSec);
}

function reservationLive(entry: InFlightEntry, nowMs: number): boolean {
  return entry.admittedAtMs + RESERVATION_TTL_SEC * 1000 > nowMs;
}

function inFlightLive(entry: InFlightEntry, nowMs: number, sessionTtlSec: number): boolean {
  return entry.admittedAtMs + (MAX_REQUEST_SEC + sessionTtlSec) * 1000 > nowMs;
}

/**
 * What admission and usage need from a state. `ownRequestId` is left out of every count: the
 * caller's own mark is not competition for itself.
 */
export function summarizeScopeState(
  state: ScopeState,
  options: { nowMs: number; sessionTtlSec: number; sessionId?: string | null; ownRequestId?: string | null },
): StateSummary {
  const { nowMs, sessionTtlSec } = options;
  let reservedNanos = 0;
  const inFlightSessions = new Set<string>();
  const deadRequests: string[] = [];
  for (const entry of state.inFlight) {
    if (entry.requestId === options.ownRequestId) continue;
    const reserving = reservationLive(entry, nowMs);
    const flying = inFlightLive(entry, nowMs, sessionTtlSec);
    if (reserving) reservedNanos += entry.nanos;
    if (flying) inFlightSessions.add(entry.sessionId);
    if (!reserving && !flying) deadRequests.push(entry.requestId);
  }
  const active = new Set(inFlightSessions);
  let soonestIdleEndMs = Infinity;
  const expiredIdle: StateSummary['stale']['idle'] = [];
  for (const [sessionId, untilSec] of state.idleUntilSec) {
    if (untilSec * 1000 > nowMs) {
      active.add(sessionId);
      if (!inFlightSessions.has(sessionId)) soonestIdleEndMs = Math.min(soonestIdleEndMs, untilSec * 1000);
    } else {
      expiredIdle.push({ sessionId, untilSec });
    }
  }
  return {
    reservedNanos,
    activeSessions: active.size,
    sessionActive: options.sessionId != null && active.has(options.sessionId),
    sessionReleaseAtMs: Number.isFinite(soonestIdleEndMs) ? soonestIdleEndMs : nowMs + sessionTtlSec * 1000,
    stale: { requestIds: deadRequests, idle: expiredIdle },
  };
}
