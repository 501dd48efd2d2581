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

/**
 * A scope's state. States handed out may share their lists, maps and entries with other states
 * (state-backend.ts, mirrored): read them, never change them.
 */
export interface LimitState {
  readonly inFlight: readonly InFlightEntry[];
  /** sessionId → epoch seconds until which the session stays active after its last request ended. */
  readonly idleUntilSec: ReadonlyMap<string, number>;
  readonly buckets: readonly SpendBucket[];
  /** Local date (HUB_TIMEZONE) → nanos. */
  readonly days: ReadonlyMap<string, number>;
  readonly totalNanos: number;
  readonly rpmSlots: readonly RpmSlot[];
}

export function emptyLimitState(): LimitState {
  return { inFlight: [], idleUntilSec: new Map(), buckets: [], days: new Map(), totalNanos: 0, rpmSlots: [] };
}

/** What an attribute is, by its name (ATTR): the one rule parseLimitState and the mirrored item share. */
export const AttrKind = { Other: 0, InFlight: 1, Idle: 2, Bucket: 3, Day: 4, Rpm: 5, Total: 6 } as const;
export type AttrKind = (typeof AttrKind)[keyof typeof AttrKind];

const COLON = 58;

export function attrKind(name: string): AttrKind {
  if (name.length >= 2 && name.charCodeAt(1) === COLON) {
    switch (name.charCodeAt(0)) {
      case 113: // q
        return AttrKind.InFlight;
      case 105: // i
        return AttrKind.Idle;
      case 98: // b
        return AttrKind.Bucket;
      case 100: // d
        return AttrKind.Day;
      case 114: // r
        return AttrKind.Rpm;
    }
    return AttrKind.Other;
  }
  return name === ATTR.total ? AttrKind.Total : AttrKind.Other;
}

/** An in-flight attribute's entry, or null when its value is malformed. */
export function inFlightEntryOf(name: string, value: unknown): InFlightEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const { n, s, t } = value as Record<string, unknown>;
  if (typeof n !== 'number' || typeof s !== 'string' || typeof t !== 'number') return null;
  return { requestId: name.slice(ATTR.inFlight.length), nanos: n, sessionId: s, admittedAtMs: t };
}

/** The item as stored (DynamoDB document attributes) → state; unknown or malformed attributes are ignored. */
export function parseLimitState(item: Record<string, unknown> | undefined): LimitState {
  const inFlight: InFlightEntry[] = [];
  const idleUntilSec = new Map<string, number>();
  const buckets: SpendBucket[] = [];
  const days = new Map<string, number>();
  const rpmSlots: RpmSlot[] = [];
  let totalNanos = 0;
  if (item) {
    for (const name of Object.keys(item)) {
      const kind = attrKind(name);
      if (kind === AttrKind.Other) continue;
      const value = item[name];
      if (kind === AttrKind.InFlight) {
        const entry = inFlightEntryOf(name, value);
        if (entry) inFlight.push(entry);
        continue;
      }
      if (typeof value !== 'number') continue;
      if (kind === AttrKind.Total) totalNanos = value;
      else if (kind === AttrKind.Idle) idleUntilSec.set(name.slice(2), value);
      else if (kind === AttrKind.Bucket) buckets.push({ startSec: Number(name.slice(2)), nanos: value });
      else if (kind === AttrKind.Day) days.set(name.slice(2), value);
      else rpmSlots.push({ startSec: Number(name.slice(2)), count: value });
    }
  }
  return { inFlight, idleUntilSec, buckets, days, totalNanos, rpmSlots };
}

/** One state from the shards of a provider (db/keys.ts providerLimitShard). */
export function mergeLimitStates(states: readonly LimitState[]): LimitState {
  const inFlight: InFlightEntry[] = [];
  const idleUntilSec = new Map<string, number>();
  const days = new Map<string, number>();
  const buckets = new Map<number, number>();
  const slots = new Map<number, number>();
  let totalNanos = 0;
  for (const s of states) {
    inFlight.push(...s.inFlight);
    for (const [id, until] of s.idleUntilSec) idleUntilSec.set(id, Math.max(until, idleUntilSec.get(id) ?? 0));
    for (const b of s.buckets) buckets.set(b.startSec, (buckets.get(b.startSec) ?? 0) + b.nanos);
    for (const [date, nanos] of s.days) days.set(date, (days.get(date) ?? 0) + nanos);
    for (const r of s.rpmSlots) slots.set(r.startSec, (slots.get(r.startSec) ?? 0) + r.count);
    totalNanos += s.totalNanos;
  }
  return {
    inFlight,
    idleUntilSec,
    buckets: [...buckets].map(([startSec, nanos]) => ({ startSec, nanos })),
    days,
    totalNanos,
    rpmSlots: [...slots].map(([startSec, count]) => ({ startSec, count })),
  };
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
 * `id === other`, the last characters compared first: ids sliced out of attribute names (parse)
 * compare slowly as whole strings in V8, and ids that differ nearly always differ in their random
 * last character, so the full comparison runs about once per list.
 */
function isSameId(id: string, other: string | null | undefined): boolean {
  if (other == null || id.length !== other.length) return false;
  const last = id.length - 1;
  return (last < 0 || id.charCodeAt(last) === other.charCodeAt(last)) && id === other;
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
  let inFlightSessions: Set<string> | null = null;
  let lastSession: string | null = null;
  for (const entry of state.inFlight) {
    if (isSameId(entry.requestId, options.ownRequestId)) continue;
    if (reservationLive(entry, nowMs)) reservedNanos += entry.nanos;
    // Requests of one session mostly come in a row: add each run once.
    if (inFlightLive(entry, nowMs, sessionTtlSec) && entry.sessionId !== lastSession) {
      lastSession = entry.sessionId;
      (inFlightSessions ??= new Set()).add(lastSession);
    }
  }
  // Active: the sessions in flight plus those idle but not expired (each idle session once: map keys).
  let activeSessions = inFlightSessions?.size ?? 0;
  let sessionActive = options.sessionId != null && inFlightSessions !== null && inFlightSessions.has(options.sessionId);
  let soonestIdleEndMs = Infinity;
  for (const [sessionId, untilSec] of state.idleUntilSec) {
    if (untilSec * 1000 <= nowMs || inFlightSessions?.has(sessionId)) continue;
    activeSessions++;
    if (sessionId === options.sessionId) sessionActive = true;
    soonestIdleEndMs = Math.min(soonestIdleEndMs, untilSec * 1000);
  }
  return {
    reservedNanos,
    activeSessions,
    sessionActive,
    sessionReleaseAtMs: Number.isFinite(soonestIdleEndMs) ? soonestIdleEndMs : nowMs + sessionTtlSec * 1000,
  };
}

export interface StaleMarks {
  /** Attributes no writer will touch again (old counters, dead requests): removable as they are. */
  readonly removable: readonly string[];
  /** Expired idle marks with the value seen: removable only while they still hold it. */
  readonly idle: readonly { sessionId: string; untilSec: number }[];
}

const NOTHING_STALE: StaleMarks = Object.freeze({ removable: Object.freeze([]), idle: Object.freeze([]) });
const DAY_MS = 86_400_000;
/** The last answer of isoDateDaysBefore: it changes once a day, and every settle asks. */
let lastDayBefore = { day: NaN, iso: '' };

function isoDateDaysBefore(nowMs: number, days: number): string {
  const ms = nowMs - days * DAY_MS;
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDayBefore.day) lastDayBefore = { day, iso: new Date(ms).toISOString().slice(0, 10) };
  return lastDayBefore.iso;
}

/** What has left every window, in attribute order; allocates only when it finds something. */
export function staleMarks(state: LimitState, nowMs: number, sessionTtlSec: number): StaleMarks {
  const nowSec = nowMs / 1000;
  const oldestDay = isoDateDaysBefore(nowMs, DAY_KEEP_DAYS);
  let removable: string[] | null = null;
  for (const e of state.inFlight) {
    if (!reservationLive(e, nowMs) && !inFlightLive(e, nowMs, sessionTtlSec)) (removable ??= []).push(ATTR.inFlight + e.requestId);
  }
  for (const b of state.buckets) if (b.startSec + BUCKET_KEEP_SEC <= nowSec) (removable ??= []).push(ATTR.bucket + b.startSec);
  for (const date of state.days.keys()) if (date < oldestDay) (removable ??= []).push(ATTR.day + date);
  for (const r of state.rpmSlots) if (r.startSec + RPM_SLOT_KEEP_SEC <= nowSec) (removable ??= []).push(ATTR.rpm + r.startSec);
  let idle: { sessionId: string; untilSec: number }[] | null = null;
  for (const [sessionId, untilSec] of state.idleUntilSec) if (untilSec <= nowSec) (idle ??= []).push({ sessionId, untilSec });
  if (!removable && !idle) return NOTHING_STALE;
  return { removable: removable ?? [], idle: idle ?? [] };
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
