// Circuit breaker state per provider, shared by every instance through the table (transitions:
// routing/circuit-breaker.ts). A missing item means closed with no failures. Transitions are
// optimistic read-modify-writes guarded by a revision number, so parallel failures all count.
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { closedCircuit, type CircuitRecord } from '../../routing/circuit-breaker.js';
import { stripKeys, type Db } from '../client.js';
import { keys } from '../keys.js';

export function createCircuitsRepo(db: Db) {
  return {
    async getMany(providerIds: string[]): Promise<Map<string, CircuitRecord>> {
      const result = new Map<string, CircuitRecord>();
      const unique = [...new Set(providerIds)];
      for (let i = 0; i < unique.length; i += 100) {
        let requestKeys = unique.slice(i, i + 100).map((id) => keys.circuit(id));
        for (let attempt = 0; requestKeys.length > 0 && attempt < 5; attempt++) {
          const out = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: requestKeys } } }));
          for (const item of out.Responses?.[db.tableName] ?? []) {
            const { providerId, entity: _e, rev: _rev, ...rec } = stripKeys(item) as Record<string, unknown>;
            result.set(providerId as string, rec as unknown as CircuitRecord);
          }
          requestKeys = (out.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as typeof requestKeys;
        }
      }
      for (const id of unique) if (!result.has(id)) result.set(id, closedCircuit());
      return result;
    },

    async get(providerId: string): Promise<CircuitRecord> {
      return (await this.getMany([providerId])).get(providerId) ?? closedCircuit();
    },

    async put(providerId: string, rec: CircuitRecord): Promise<void> {
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: { ...keys.circuit(providerId), entity: 'circuit', providerId, ...rec } }),
      );
    },

    /**
     * Applies `next` to the stored record and writes the result only if nobody wrote in between
     * (else re-reads and retries). `next` returning null leaves the record as it is. Returns the
     * record now stored and whether this call wrote it.
     */
    async transition(
      providerId: string,
      next: (current: CircuitRecord) => CircuitRecord | null,
      maxTries = 20,
    ): Promise<{ record: CircuitRecord; written: boolean }> {
      for (let attempt = 1; ; attempt++) {
        const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.circuit(providerId), ConsistentRead: true }));
        const { providerId: _p, entity: _e, rev, ...stored } = out.Item ? (stripKeys(out.Item) as Record<string, unknown>) : {};
        const current = out.Item ? (stored as unknown as CircuitRecord) : closedCircuit();
        const updated = next(current);
        if (updated === null) return { record: current, written: false };
        try {
          await db.doc.send(
            new PutCommand({
              TableName: db.tableName,
              Item: { ...keys.circuit(providerId), entity: 'circuit', providerId, ...updated, rev: (typeof rev === 'number' ? rev : 0) + 1 },
              // An item written by put() (or none at all) has no revision yet.
              ConditionExpression: typeof rev === 'number' ? 'rev = :rev' : 'attribute_not_exists(rev)',
              ExpressionAttributeValues: typeof rev === 'number' ? { ':rev': rev } : undefined,
            }),
          );
          return { record: updated, written: true };
        } catch (err) {
          if ((err as Error).name !== 'ConditionalCheckFailedException' || attempt >= maxTries) throw err;
        }
      }
    },

    async reset(providerId: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.circuit(providerId) }));
    },
  };
}

export type CircuitsRepo = ReturnType<typeof createCircuitsRepo>;
