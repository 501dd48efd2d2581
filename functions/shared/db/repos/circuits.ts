// Circuit breaker state per provider, shared by every instance through the table (transitions:
// routing/circuit-breaker.ts). A missing item means closed with no failures.
import { BatchGetCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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
            const { providerId, entity: _e, ...rec } = stripKeys(item) as Record<string, unknown>;
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
     * Claims the single half-open probe: succeeds only if nobody changed the record since it was
     * read (the probe start it saw is still there), so parallel instances let one probe through.
     */
    async claimProbe(providerId: string, seen: CircuitRecord, next: CircuitRecord): Promise<boolean> {
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: { ...keys.circuit(providerId), entity: 'circuit', providerId, ...next },
            ConditionExpression:
              seen.probeStartedAt === null
                ? 'attribute_not_exists(probeStartedAt) OR probeStartedAt = :null'
                : 'probeStartedAt = :seen',
            ExpressionAttributeValues: seen.probeStartedAt === null ? { ':null': null } : { ':seen': seen.probeStartedAt },
          }),
        );
        return true;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    },

    async reset(providerId: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.circuit(providerId) }));
    },
  };
}

export type CircuitsRepo = ReturnType<typeof createCircuitsRepo>;
