// A user's requests per sliding minute: one counter per 10-second slot (ADD), the last six summed.
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isExpired, type Db } from '../db/client.js';
import { keys } from '../db/keys.js';
import { RPM_SLOT_SEC, RPM_WINDOW_SEC, type RpmSlot } from './evaluate.js';

/** A slot is read for one minute; two keep a margin for clock skew between instances. */
export const RPM_SLOT_TTL_SEC = 120;

export function rpmSlotStart(nowMs: number): number {
  return Math.floor(nowMs / 1000 / RPM_SLOT_SEC) * RPM_SLOT_SEC;
}

/**
 * Counts one request in its slot and returns the slot's new count: the ADD is atomic, so the
 * value is this request's place among the slot's requests (1 = first).
 */
export async function countRequest(db: Db, userId: string, slotStartSec: number, delta = 1): Promise<number> {
  const out = await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: keys.rpmSlot(userId, slotStartSec),
      UpdateExpression: 'ADD #count :d SET entity = :e, expiresAt = :exp',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':d': delta, ':e': 'rpm', ':exp': slotStartSec + RPM_SLOT_TTL_SEC },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.count ?? 0);
}

/** The slots that overlap the last minute (the current one included), unexpired. */
export async function recentSlots(db: Db, userId: string, nowMs: number): Promise<RpmSlot[]> {
  const oldest = rpmSlotStart(nowMs - RPM_WINDOW_SEC * 1000);
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'PK = :pk AND SK >= :from',
      ExpressionAttributeValues: { ':pk': keys.rpmPartition(userId), ':from': keys.rpmSlot(userId, oldest).SK },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? [])
    .filter((item) => !isExpired(item, nowMs))
    .map((item) => ({ startSec: Number(String(item.SK).slice(2)), count: Number(item.count ?? 0) }));
}
