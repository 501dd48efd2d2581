// Reads and writes of limit state items (db/keys.ts spendState, providerLimitShard). Each write is
// one UpdateItem on one item, so DynamoDB applies them in a single order: the ALL_NEW image a
// request gets back holds exactly what was written before it (docs/limits.md: the bound).
import { ATTR, inFlightValue, type InFlightEntry, type LimitState, type StaleMarks } from './limit-state.js';
import type { StateBackend, StateChange, StateKey } from './state-backend.js';

export type { StateKey } from './state-backend.js';

/** Stale attributes deleted per prune write: small writes, and within DynamoDB's 300 operators per expression. */
const PRUNE_BATCH = 100;
const PRUNE_IDLE_BATCH = 50;

function change(): StateChange {
  return { set: [], add: [], remove: [] };
}

/** Admission: mark the request in flight (holding its estimate), count it for RPM, and get the state as it now stands. */
export function markAdmission(store: StateBackend, key: StateKey, entry: InFlightEntry, rpmSlotSec: number | null): Promise<LimitState> {
  const c = change();
  c.set.push([ATTR.inFlight + entry.requestId, inFlightValue(entry)], ['entity', 'limitState']);
  if (rpmSlotSec !== null) c.add.push([ATTR.rpm + rpmSlotSec, 1]);
  return store.update(key, c);
}

/** A refused request takes its marks back: it never ran, so it holds nothing and counts nowhere. */
export async function undoAdmission(store: StateBackend, key: StateKey, requestId: string, rpmSlotSec: number | null): Promise<void> {
  const c = change();
  c.remove.push(ATTR.inFlight + requestId);
  if (rpmSlotSec !== null) c.add.push([ATTR.rpm + rpmSlotSec, -1]);
  await store.update(key, c);
}

export interface SettleWrite {
  requestId: string;
  sessionId: string;
  /** Epoch seconds the session stays active until. */
  idleUntilSec: number;
  /** Cost to add (0: none), into this bucket and local day, and TOTAL when `withTotal`. */
  nanos: number;
  bucketSec: number;
  date: string;
  withTotal: boolean;
  /** Count the request for RPM here (admission did not). */
  rpmSlotSec: number | null;
}

/**
 * Settle in one atomic write: the cost goes into the counters as the reservation goes, and the
 * session turns idle. Removing the mark is harmless for a request that was never marked.
 */
export function settleState(store: StateBackend, key: StateKey, write: SettleWrite): Promise<LimitState> {
  const c = change();
  c.set.push([ATTR.idle + write.sessionId, write.idleUntilSec], ['entity', 'limitState']);
  if (write.nanos > 0) {
    c.add.push([ATTR.bucket + write.bucketSec, write.nanos], [ATTR.day + write.date, write.nanos]);
    if (write.withTotal) c.add.push([ATTR.total, write.nanos]);
  }
  if (write.rpmSlotSec !== null) c.add.push([ATTR.rpm + write.rpmSlotSec, 1]);
  c.remove.push(ATTR.inFlight + write.requestId);
  return store.update(key, c);
}

export function hasStale(stale: StaleMarks): boolean {
  return stale.removable.length > 0 || stale.idle.length > 0;
}

/**
 * Deletes what `staleMarks` found. An idle mark goes only if it still holds the value seen (its
 * session may have ended another request meanwhile); returns false when that condition failed.
 */
export async function pruneState(store: StateBackend, key: StateKey, stale: StaleMarks): Promise<boolean> {
  const c = change();
  const equals: [string, unknown][] = [];
  c.remove.push(...stale.removable.slice(0, PRUNE_BATCH));
  for (const { sessionId, untilSec } of stale.idle.slice(0, PRUNE_IDLE_BATCH)) {
    c.remove.push(ATTR.idle + sessionId);
    equals.push([ATTR.idle + sessionId, untilSec]);
  }
  if (c.remove.length === 0) return true;
  c.expect = { exists: true, equals };
  try {
    await store.update(key, c);
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

export function readState(store: StateBackend, key: StateKey): Promise<LimitState> {
  return store.read(key);
}

/** Several state items (one BatchGetItem per 100 keys); a missing item reads as empty. */
export function readStates(store: StateBackend, stateKeys: readonly StateKey[]): Promise<LimitState[]> {
  return store.readMany(stateKeys);
}
