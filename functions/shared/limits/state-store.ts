// Reads and writes of limit state items (db/keys.ts spendState, providerLimitShard). Each write is
// one UpdateItem on one item, so DynamoDB applies them in a single order: the ALL_NEW image a
// request gets back holds exactly what was written before it (docs/limits.md: the bound).
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../db/client.js';
import { ATTR, inFlightValue, parseLimitState, type InFlightEntry, type LimitState, type StaleMarks } from './limit-state.js';

export interface StateKey {
  PK: string;
  SK: string;
}

/** Stale attributes deleted per prune write: small writes, and within DynamoDB's 300 operators per expression. */
const PRUNE_BATCH = 100;
const PRUNE_IDLE_BATCH = 50;
const BATCH_GET_MAX = 100;

/** Builds an update expression with generated placeholders, so any id can be an attribute name. */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly set: string[] = [];
  private readonly add: string[] = [];
  private readonly remove: string[] = [];

  private name(attribute: string): string {
    const placeholder = `#a${Object.keys(this.names).length}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  setTo(attribute: string, value: unknown): this {
    this.set.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  addTo(attribute: string, amount: number): this {
    this.add.push(`${this.name(attribute)} ${this.value(amount)}`);
    return this;
  }

  removeIt(attribute: string): string {
    const placeholder = this.name(attribute);
    this.remove.push(placeholder);
    return placeholder;
  }

  toString(): string {
    return [
      this.set.length > 0 ? `SET ${this.set.join(', ')}` : '',
      this.add.length > 0 ? `ADD ${this.add.join(', ')}` : '',
      this.remove.length > 0 ? `REMOVE ${this.remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }
}

async function update(db: Db, key: StateKey, expr: Expression, condition?: string): Promise<LimitState> {
  const out = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: key,
      UpdateExpression: expr.toString(),
      ConditionExpression: condition,
      ExpressionAttributeNames: expr.names,
      ExpressionAttributeValues: Object.keys(expr.values).length > 0 ? expr.values : undefined,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return parseLimitState(out.Attributes);
}

/** Admission: mark the request in flight (holding its estimate), count it for RPM, and get the state as it now stands. */
export function markAdmission(db: Db, key: StateKey, entry: InFlightEntry, rpmSlotSec: number | null): Promise<LimitState> {
  const expr = new Expression().setTo(ATTR.inFlight + entry.requestId, inFlightValue(entry)).setTo('entity', 'limitState');
  if (rpmSlotSec !== null) expr.addTo(ATTR.rpm + rpmSlotSec, 1);
  return update(db, key, expr);
}

/** A refused request takes its marks back: it never ran, so it holds nothing and counts nowhere. */
export async function undoAdmission(db: Db, key: StateKey, requestId: string, rpmSlotSec: number | null): Promise<void> {
  const expr = new Expression();
  expr.removeIt(ATTR.inFlight + requestId);
  if (rpmSlotSec !== null) expr.addTo(ATTR.rpm + rpmSlotSec, -1);
  await update(db, key, expr);
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
export function settleState(db: Db, key: StateKey, write: SettleWrite): Promise<LimitState> {
  const expr = new Expression().setTo(ATTR.idle + write.sessionId, write.idleUntilSec).setTo('entity', 'limitState');
  if (write.nanos > 0) {
    expr.addTo(ATTR.bucket + write.bucketSec, write.nanos).addTo(ATTR.day + write.date, write.nanos);
    if (write.withTotal) expr.addTo(ATTR.total, write.nanos);
  }
  if (write.rpmSlotSec !== null) expr.addTo(ATTR.rpm + write.rpmSlotSec, 1);
  expr.removeIt(ATTR.inFlight + write.requestId);
  return update(db, key, expr);
}

export function hasStale(stale: StaleMarks): boolean {
  return stale.removable.length > 0 || stale.idle.length > 0;
}

/**
 * Deletes what `staleMarks` found. An idle mark goes only if it still holds the value seen (its
 * session may have ended another request meanwhile); returns false when that condition failed.
 */
export async function pruneState(db: Db, key: StateKey, stale: StaleMarks): Promise<boolean> {
  const expr = new Expression();
  const conditions: string[] = [];
  for (const attribute of stale.removable.slice(0, PRUNE_BATCH)) expr.removeIt(attribute);
  for (const { sessionId, untilSec } of stale.idle.slice(0, PRUNE_IDLE_BATCH)) {
    conditions.push(`${expr.removeIt(ATTR.idle + sessionId)} = ${expr.value(untilSec)}`);
  }
  if (expr.toString() === '') return true;
  try {
    await update(db, key, expr, ['attribute_exists(PK)', ...conditions].join(' AND '));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

export async function readState(db: Db, key: StateKey): Promise<LimitState> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
  return parseLimitState(out.Item);
}

/** Several state items in one BatchGetItem per 100 keys; a missing item reads as empty. */
export async function readStates(db: Db, stateKeys: readonly StateKey[]): Promise<LimitState[]> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < stateKeys.length; i += BATCH_GET_MAX) {
    let pending: StateKey[] = stateKeys.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 5) throw new Error('limit state reads stayed unprocessed (store throttled)');
      const out = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[db.tableName] ?? []) found.set(`${item.PK}\n${item.SK}`, item);
      pending = (out.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as StateKey[];
    }
  }
  return stateKeys.map((k) => parseLimitState(found.get(`${k.PK}\n${k.SK}`)));
}
