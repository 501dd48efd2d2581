// A scope's limit state item (db/keys.ts spendState): spend counters, in-flight requests, sessions
// and RPM slots as attributes of one item, parsed here with the rules that make old marks expire.
import type { RpmSlot } from './evaluate.js';
import { RPM_SLOT_SEC } from './evaluate.js';
import { FIVE_HOURS_SEC, type SpendBucket } from './windows.js';

/** Attribute names: a prefix plus the bucket start, local date, slot start, request id or session id. */
export const ATTR = {
  inFlight: 'q:',
  idle: 'i:',
  bucket: 'b:',
  day: 'd:',
  rpm: 'r:',
  total: 'total',
} as const;

/** A reservation left by a request that never settled (crashed instance) stops counting after this. */
export const RESERVATION_TTL_SEC = 20 * 60;
/** Longest a request can run (the Lambda maximum): an in-flight mark older than this plus SESSION_TTL is dead. */
export const MAX_REQUEST_SEC = 15 * 60;
/** Counters outside every window are deleted by the next settle: buckets an hour after the 5 h window… */
export const BUCKET_KEEP_SEC = FIVE_HOURS_SEC + 3600;
/** …days once no weekly or monthly window can reach them (in any time zone)… */
export const DAY_KEEP_DAYS = 35;
/** …and RPM slots a minute after the sliding minute. */
export const RPM_SLOT_KEEP_SEC = 120;

export interface InFlightEntry {
  requestId: string;
  /** Estimated cost held for the request, integer nanos. */
  nanos: number;
  sessionId: string;
  admittedAtMs: number;
}

export interface LimitState {
  inFlight: InFlightEntry[];
  /** sessionId → epoch seconds until which the session stays active after its last request ended. */
  idleUntilSec: Map<string, number>;
  buckets: SpendBucket[];
  /** Local date (HUB_TIMEZONE) → nanos. */
  days: Map<string, number>;
  totalNanos: number;
  rpmSlots: RpmSlot[];
}

export function emptyLimitState(): LimitState {
  return { inFlight: [], idleUntilSec: new Map(), buckets: [], days: new Map(), totalNanos: 0, rpmSlots: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The item as stored (DynamoDB document attributes) → state; unknown or malformed attributes are ignored. */
export function parseLimitState(item: Record<string, unknown> | undefined): LimitState {
  const state = emptyLimitState();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(ATTR.inFlight)) {
      if (!isRecord(value)) continue;
      const { n, s, t } = value;
      if (typeof n !== 'number' || typeof s !== 'string' || typeof t !== 'number') continue;
      state.inFlight.push({ requestId: name.slice(ATTR.inFlight.length), nanos: n, sessionId: s, admittedAtMs: t });
      continue;
    }
    if (typeof value !== 'number') continue;
    const rest = name.slice(2);
    if (name.startsWith(ATTR.idle)) state.idleUntilSec.set(rest, value);
    else if (name.startsWith(ATTR.bucket)) state.buckets.push({ startSec: Number(rest), nanos: value });
    else if (name.startsWith(ATTR.day)) state.days.set(rest, value);
    else if (name.startsWith(ATTR.rpm)) state.rpmSlots.push({ startSec: Number(rest), count: value });
    else if (name === ATTR.total) state.totalNanos = value;
  }
  return state;
}

/** One state from the shards of a provider (db/keys.ts providerLimitShard). */
export function mergeLimitStates(states: readonly LimitState[]): LimitState {
  const merged = emptyLimitState();
  const buckets = new Map<number, number>();
  const slots = new Map<number, number>();
  for (const s of states) {
    merged.inFlight.push(...s.inFlight);
    for (const [id, until] of s.idleUntilSec) merged.idleUntilSec.set(id, Math.max(until, merged.idleUntilSec.get(id) ?? 0));
    for (const b of s.buckets) buckets.set(b.startSec, (buckets.get(b.startSec) ?? 0) + b.nanos);
    for (const [date, nanos] of s.days) merged.days.set(date, (merged.days.get(date) ?? 0) + nanos);
    for (const r of s.rpmSlots) slots.set(r.startSec, (slots.get(r.startSec) ?? 0) + r.count);
    merged.totalNanos += s.totalNanos;
  }
  merged.buckets = [...buckets].map(([startSec, nanos]) => ({ startSec, nanos }));
  merged.rpmSlots = [...slots].map(([startSec, count]) => ({ startSec, count }));
  return merged;
}

/** The stored form of an in-flight entry (short names: the item is rewritten on every request). */
export function inFlightValue(entry: InFlightEntry): { n: number; s: string; t: number } {
  return { n: entry.nanos, s: entry.sessionId, t: entry.admittedAtMs };
}

export function rpmSlotStart(nowMs: number): number {
  return Math.floor(nowMs / 1000 / RPM_SLOT_SEC) * RPM_SLOT_SEC;
}

export interface StateSummary {
  /** Estimates held by live requests, nanos. */
  reservedNanos: number;
  /** Distinct active sessions (in flight or within SESSION_TTL of their last request). */
  activeSessions: number;
  /** Whether `sessionId` is among them. */
  sessionActive: boolean;
  /** See evaluate.ts ScopeUsage.sessionReleaseAtMs. */
  sessionReleaseAtMs: number;
}

function reservationLive(entry: InFlightEntry, nowMs: number): boolean {
  return entry.admittedAtMs + RESERVATION_TTL_SEC * 1000 > nowMs;
}

function inFlightLive(entry: InFlightEntry, nowMs: number, sessionTtlSec: number): boolean {
  return entry.admittedAtMs + (MAX_REQUEST_SEC + sessionTtlSec) * 1000 > nowMs;
}

/**
 * Reservations and sessions as admission and usage need them. `ownRequestId` is left out of every
 * count: the caller's own mark is not competition for itself.
 */
export function summarizeLimitState(
  state: LimitState,
  options: { nowMs: number; sessionTtlSec: number; sessionId?: string | null; ownRequestId?: string | null },
): StateSummary {
  const { nowMs, sessionTtlSec } = options;
  let reservedNanos = 0;
  const inFlightSessions = new Set<string>();
  for (const entry of state.inFlight) {
    if (entry.requestId === options.ownRequestId) continue;
    if (reservationLive(entry, nowMs)) reservedNanos += entry.nanos;
    if (inFlightLive(entry, nowMs, sessionTtlSec)) inFlightSessions.add(entry.sessionId);
  }
  const active = new Set(inFlightSessions);
  let soonestIdleEndMs = Infinity;
  for (const [sessionId, untilSec] of state.idleUntilSec) {
    if (untilSec * 1000 <= nowMs) continue;
    active.add(sessionId);
    if (!inFlightSessions.has(sessionId)) soonestIdleEndMs = Math.min(soonestIdleEndMs, untilSec * 1000);
  }
  return {
    reservedNanos,
    activeSessions: active.size,
    sessionActive: options.sessionId != null && active.has(options.sessionId),
    sessionReleaseAtMs: Number.isFinite(soonestIdleEndMs) ? soonestIdleEndMs : nowMs + sessionTtlSec * 1000,
  };
}

export interface StaleMarks {
  /** Attributes no writer will touch again (old counters, dead requests): removable as they are. */
  removable: string[];
  /** Expired idle marks with the value seen: removable only while they still hold it. */
  idle: { sessionId: string; untilSec: number }[];
}

function isoDateDaysBefore(nowMs: number, days: number): string {
  return new Date(nowMs - days * 86_400_000).toISOString().slice(0, 10);
}

export function staleMarks(state: LimitState, nowMs: number, sessionTtlSec: number): StaleMarks {
  const nowSec = nowMs / 1000;
  const oldestDay = isoDateDaysBefore(nowMs, DAY_KEEP_DAYS);
  const removable = [
    ...state.inFlight
      .filter((e) => !reservationLive(e, nowMs) && !inFlightLive(e, nowMs, sessionTtlSec))
      .map((e) => ATTR.inFlight + e.requestId),
    ...state.buckets.filter((b) => b.startSec + BUCKET_KEEP_SEC <= nowSec).map((b) => ATTR.bucket + b.startSec),
    ...[...state.days.keys()].filter((date) => date < oldestDay).map((date) => ATTR.day + date),
    ...state.rpmSlots.filter((r) => r.startSec + RPM_SLOT_KEEP_SEC <= nowSec).map((r) => ATTR.rpm + r.startSec),
  ];
  const idle = [...state.idleUntilSec]
    .filter(([, untilSec]) => untilSec <= nowSec)
    .map(([sessionId, untilSec]) => ({ sessionId, untilSec }));
  return { removable, idle };
}

/**
 * For the only writer of a store (state-backend.ts, mirrored) reading a state item for the first
 * time: every in-flight mark in it was left by an earlier process that is gone (killed mid-request),
 * so that request ended before this process started (`endedBeforeMs`). Its reservation goes and its
 * session stays active for SESSION_TTL from then, as after any request that ends; null when there
 * is nothing to release.
 */
export function releaseOrphanedRequests(
  item: Record<string, unknown>,
  endedBeforeMs: number,
  sessionTtlSec: number,
): { set: [string, unknown][]; add: [string, number][]; remove: string[] } | null {
  const state = parseLimitState(item);
  if (state.inFlight.length === 0) return null;
  const idleUntilSec = Math.floor(endedBeforeMs / 1000) + sessionTtlSec;
  const sessions = new Set(state.inFlight.map((e) => e.sessionId));
  return {
    set: [...sessions].map((s) => [ATTR.idle + s, Math.max(idleUntilSec, state.idleUntilSec.get(s) ?? 0)]),
    add: [],
    remove: state.inFlight.map((e) => ATTR.inFlight + e.requestId),
  };
}
