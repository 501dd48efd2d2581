// Writes to a scope's admission state item (db/keys.ts spendState). Every write is one UpdateItem on
// one item, so DynamoDB applies them in a single order: the ALL_NEW image a request gets back holds
// exactly the requests admitted before it, which is what bounds parallel overshoot (docs/limits.md).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../db/client.js';
import { keys, type LimitScope } from '../db/keys.js';
import {
  IDLE_PREFIX,
  IN_FLIGHT_PREFIX,
  inFlightValue,
  parseScopeState,
  stateExpiresAtSec,
  type InFlightEntry,
  type ScopeState,
  type StateSummary,
} from './scope-state.js';

/** At most this many stale marks are deleted per prune write (keeps the write small). */
const PRUNE_BATCH = 50;

interface Target {
  scope: LimitScope;
  id: string;
}

function update(db: Db, target: Target, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>) {
  return db.doc.send(new UpdateCommand({ TableName: db.tableName, Key: keys.spendState(target.scope, target.id), ...input }));
}

/** Admission: mark the request in flight (holding its estimate) and get the state as it now stands. */
export async function markInFlight(db: Db, target: Target, entry: InFlightEntry, sessionTtlSec: number): Promise<ScopeState> {
  const out = await update(db, target, {
    UpdateExpression: 'SET #q = :q, expiresAt = :exp, entity = :e',
    ExpressionAttributeNames: { '#q': IN_FLIGHT_PREFIX + entry.requestId },
    ExpressionAttributeValues: {
      ':q': inFlightValue(entry),
      ':exp': stateExpiresAtSec(entry.admittedAtMs, sessionTtlSec),
      ':e': 'limitState',
    },
    ReturnValues: 'ALL_NEW',
  });
  return parseScopeState(out.Attributes);
}

/** A refused request takes its mark back (it never ran, so its session does not become active). */
export async function unmarkInFlight(db: Db, target: Target, requestId: string): Promise<void> {
  await update(db, target, {
    UpdateExpression: 'REMOVE #q',
    ExpressionAttributeNames: { '#q': IN_FLIGHT_PREFIX + requestId },
  });
}

/**
 * Settle: the request is no longer in flight (its reservation goes) and its session stays active
 * for SESSION_TTL from now. Idempotent, and harmless for a request that was never marked. Returns
 * the new state so the caller can prune what has expired.
 */
export async function markSettled(
  db: Db,
  target: Target,
  requestId: string,
  sessionId: string,
  nowMs: number,
  sessionTtlSec: number,
): Promise<ScopeState> {
  const out = await update(db, target, {
    UpdateExpression: 'REMOVE #q SET #i = :idle, expiresAt = :exp, entity = :e',
    ExpressionAttributeNames: { '#q': IN_FLIGHT_PREFIX + requestId, '#i': IDLE_PREFIX + sessionId },
    ExpressionAttributeValues: {
      ':idle': Math.floor(nowMs / 1000) + sessionTtlSec,
      ':exp': stateExpiresAtSec(nowMs, sessionTtlSec),
      ':e': 'limitState',
    },
    ReturnValues: 'ALL_NEW',
  });
  return parseScopeState(out.Attributes);
}

export function hasStale(stale: StateSummary['stale']): boolean {
  return stale.requestIds.length > 0 || stale.idle.length > 0;
}

/**
 * Deletes marks seen dead. Request ids are never reused, so a dead in-flight mark goes
 * unconditionally; an idle mark goes only if it still holds the value seen, since its session may
 * have ended another request meanwhile. Returns false when that condition failed (nothing deleted).
 */
export async function pruneState(db: Db, target: Target, stale: StateSummary['stale']): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const removed: string[] = [];
  const conditions: string[] = [];
  stale.requestIds.slice(0, PRUNE_BATCH).forEach((requestId, i) => {
    names[`#q${i}`] = IN_FLIGHT_PREFIX + requestId;
    removed.push(`#q${i}`);
  });
  stale.idle.slice(0, PRUNE_BATCH).forEach(({ sessionId, untilSec }, i) => {
    names[`#i${i}`] = IDLE_PREFIX + sessionId;
    values[`:i${i}`] = untilSec;
    removed.push(`#i${i}`);
    conditions.push(`#i${i} = :i${i}`);
  });
  if (removed.length === 0) return true;
  try {
    await update(db, target, {
      UpdateExpression: `REMOVE ${removed.join(', ')}`,
      ConditionExpression: conditions.length > 0 ? conditions.join(' AND ') : undefined,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: conditions.length > 0 ? values : undefined,
    });
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
