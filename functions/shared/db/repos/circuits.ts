// Circuit breaker state per provider, shared by every instance through the table.
import { BatchGetCommand, DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CircuitState } from '../../types.js';
import { stripKeys, type Db } from '../client.js';
import { keys } from '../keys.js';

/** Stored breaker state (epoch ms). A missing item means closed with no failures. */
export interface CircuitRecord {
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  openedAt: number | null;
  openUntil: number | null;
  probeStartedAt: number | null;
}

export const CLOSED_CIRCUIT: CircuitRecord = { state: 'closed', failures: 0, openedAt: null, openUntil: null, probeStartedAt: null };

/** The public view (CONTRACT.md): an open circuit whose window has passed reports half-open. */
export function publicCircuit(rec: CircuitRecord, nowMs: number): CircuitState {
  const state = rec.state === 'open' && rec.openUntil !== null && nowMs >= rec.openUntil ? 'half-open' : rec.state;
  return { state, failures: rec.failures, openUntil: rec.openUntil === null ? null : new Date(rec.openUntil).toISOString() };
}

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
      for (const id of unique) if (!result.has(id)) result.set(id, { ...CLOSED_CIRCUIT });
      return result;
    },

    async get(providerId: string): Promise<CircuitRecord> {
      return (await this.getMany([providerId])).get(providerId) ?? { ...CLOSED_CIRCUIT };
    },

    async put(providerId: string, rec: CircuitRecord): Promise<void> {
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: { ...keys.circuit(providerId), entity: 'circuit', providerId, ...rec } }),
      );
    },

    async reset(providerId: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.circuit(providerId) }));
    },
  };
}

export type CircuitsRepo = ReturnType<typeof createCircuitsRepo>;
