// Spend counters of one scope (key, user or provider) in its SPEND# partition: read every window with
// one Query, add a settled cost with atomic ADDs (integer nanos, so sums are exact).
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isExpired, type Db } from '../db/client.js';
import { keys, type LimitScope } from '../db/keys.js';
import { parseScopeState, type ScopeState } from './scope-state.js';
import { bucketStart, FIVE_HOURS_SEC, localDate, monthDates, rollingUsage, weekDates, type SpendBucket } from './windows.js';

/** A bucket stays an hour past the 5h window (TTL), so a late reader never misses one. */
export const BUCKET_TTL_SEC = FIVE_HOURS_SEC + 3600;
/** Day items serve the weekly and monthly sums (at most 31 days back). */
export const DAY_TTL_SEC = 40 * 86_400;

export interface SpendSnapshot {
  buckets: SpendBucket[];
  /** Local date (HUB_TIMEZONE) → nanos. */
  days: Map<string, number>;
  totalNanos: number;
  /** The scope's admission state, when the read asked for it. */
  state: ScopeState | null;
}

export interface SpendWindows {
  fiveHourBuckets: SpendBucket[];
  fiveHourNanos: number;
  dailyNanos: number;
  weeklyNanos: number;
  monthlyNanos: number;
  totalNanos: number;
}

export type SpendScope = { scope: LimitScope; id: string };

const BUCKET_PREFIX = 'B#';
const DAY_PREFIX = 'D#';

/**
 * One strongly consistent Query (a settle that finished before it is always seen): the buckets of
 * the last 5 h, every day item, TOTAL and, with `withState`, the state item (which sorts first).
 */
export async function readSpend(db: Db, target: SpendScope, nowMs: number, withState = false): Promise<SpendSnapshot> {
  const from = withState
    ? keys.spendState(target.scope, target.id).SK
    : keys.spendBucket(target.scope, target.id, bucketStart(nowMs - FIVE_HOURS_SEC * 1000)).SK;
  const snapshot: SpendSnapshot = { buckets: [], days: new Map(), totalNanos: 0, state: withState ? parseScopeState(undefined) : null };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'PK = :pk AND SK >= :from',
        ExpressionAttributeValues: { ':pk': keys.spendPartition(target.scope, target.id), ':from': from },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (isExpired(item, nowMs)) continue;
      const sk = String(item.SK);
      const nanos = typeof item.nanos === 'number' ? item.nanos : 0;
      if (sk.startsWith(BUCKET_PREFIX)) snapshot.buckets.push({ startSec: Number(sk.slice(BUCKET_PREFIX.length)), nanos });
      else if (sk.startsWith(DAY_PREFIX)) snapshot.days.set(sk.slice(DAY_PREFIX.length), nanos);
      else if (sk === keys.spendTotal(target.scope, target.id).SK) snapshot.totalNanos = nanos;
      else if (withState && sk === from) snapshot.state = parseScopeState(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return snapshot;
}

function sumDays(days: Map<string, number>, dates: string[]): number {
  return dates.reduce((sum, date) => sum + (days.get(date) ?? 0), 0);
}

/** Every window's settled spend at `nowMs`; weekly and monthly are sums of local day items. */
export function spendWindows(snapshot: SpendSnapshot, nowMs: number, tz: string): SpendWindows {
  return {
    fiveHourBuckets: snapshot.buckets,
    fiveHourNanos: rollingUsage(snapshot.buckets, nowMs),
    dailyNanos: snapshot.days.get(localDate(nowMs, tz)) ?? 0,
    weeklyNanos: sumDays(snapshot.days, weekDates(nowMs, tz)),
    monthlyNanos: sumDays(snapshot.days, monthDates(nowMs, tz)),
    totalNanos: snapshot.totalNanos,
  };
}

/** A named counter write, so a retried settle can skip the ones that already succeeded. */
export interface CounterAdd {
  name: string;
  run: () => Promise<void>;
}

function addTo(db: Db, key: { PK: string; SK: string }, nanos: number, expiresAt: number | null): Promise<void> {
  const ttl = expiresAt === null ? '' : ', expiresAt = :exp';
  return db.doc
    .send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: key,
        UpdateExpression: `ADD nanos :n SET entity = :e${ttl}`,
        ExpressionAttributeValues: { ':n': nanos, ':e': 'spend', ...(expiresAt === null ? {} : { ':exp': expiresAt }) },
      }),
    )
    .then(() => undefined);
}

/**
 * The ADDs that put a settled cost into the 5-minute bucket and local day of `atMs` (and TOTAL
 * unless the scope keeps none: providers have no total limit).
 */
export function spendAdds(db: Db, target: SpendScope, nanos: number, atMs: number, tz: string, withTotal: boolean): CounterAdd[] {
  const { scope, id } = target;
  const bucket = bucketStart(atMs);
  const date = localDate(atMs, tz);
  const adds: CounterAdd[] = [
    { name: `${scope}:bucket`, run: () => addTo(db, keys.spendBucket(scope, id, bucket), nanos, bucket + BUCKET_TTL_SEC) },
    { name: `${scope}:day`, run: () => addTo(db, keys.spendDay(scope, id, date), nanos, Math.floor(atMs / 1000) + DAY_TTL_SEC) },
  ];
  if (withTotal) adds.push({ name: `${scope}:total`, run: () => addTo(db, keys.spendTotal(scope, id), nanos, null) });
  return adds;
}
