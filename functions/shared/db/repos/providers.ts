// Upstream providers. The upstream apiKey is write-only: only `apiKeyHint` ever leaves the server.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Provider, ProviderWithSecret } from '../../types.js';
import { newId } from '../../ids.js';
import { queryGsi1Partition, stripKeys, type Db } from '../client.js';
import { keys } from '../keys.js';

export type ProviderInput = Omit<ProviderWithSecret, 'id' | 'createdAt' | 'updatedAt' | 'apiKeyHint'>;

/** The last 4 characters (CONTRACT.md §3); nothing for a key so short the hint would be all of it. */
export function apiKeyHint(apiKey: string): string {
  return apiKey.length > 4 ? apiKey.slice(-4) : '';
}

export function publicProvider(p: ProviderWithSecret): Provider {
  const { apiKey: _secret, ...rest } = p;
  return rest;
}

function toItem(p: ProviderWithSecret) {
  return { ...keys.provider(p.id), ...keys.providerList(p.id), entity: 'provider', ...p };
}

function fromItem(item: Record<string, unknown>): ProviderWithSecret {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as ProviderWithSecret;
}

export function createProvidersRepo(db: Db, now: () => number = Date.now) {
  return {
    async create(input: ProviderInput): Promise<ProviderWithSecret> {
      const ts = new Date(now()).toISOString();
      const p: ProviderWithSecret = { ...input, id: newId('prv'), apiKeyHint: apiKeyHint(input.apiKey), createdAt: ts, updatedAt: ts };
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: toItem(p), ConditionExpression: 'attribute_not_exists(PK)' }),
      );
      return p;
    },

    async get(id: string): Promise<ProviderWithSecret | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.provider(id) }));
      return out.Item ? fromItem(out.Item) : null;
    },

    async list(): Promise<ProviderWithSecret[]> {
      return (await queryGsi1Partition(db, keys.providerListPartition())).map((item) => fromItem(item));
    },

    async update(id: string, patch: Partial<ProviderInput>): Promise<ProviderWithSecret | null> {
      const current = await this.get(id);
      if (!current) return null;
      const next: ProviderWithSecret = { ...current, ...patch, updatedAt: new Date(now()).toISOString() };
      if (patch.apiKey !== undefined) next.apiKeyHint = apiKeyHint(patch.apiKey);
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: toItem(next), ConditionExpression: 'attribute_exists(PK)' }),
      );
      return next;
    },

    async delete(id: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.provider(id) }));
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.circuit(id) }));
    },
  };
}

export type ProvidersRepo = ReturnType<typeof createProvidersRepo>;
