// Deletes items whose `expiresAt` has passed: the embedded store has no TTL of its own.
// Readers never rely on this (they check expiresAt themselves); it only keeps the store small.
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../shared/db/client.js';

export async function sweepExpired(db: Db, nowMs = Date.now()): Promise<number> {
  let deleted = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({
        TableName: db.tableName,
        FilterExpression: 'expiresAt <= :now',
        ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
        ProjectionExpression: 'PK, SK',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: { PK: item.PK, SK: item.SK } }));
      deleted++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return deleted;
}

export function startTtlSweeper(db: Db, intervalMs: number, onError: (err: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepExpired(db)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
