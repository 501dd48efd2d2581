// Client keys: stored under the SHA-256 of the secret (auth = one GetItem), with a pointer item
// from the key id to its current hash for admin operations. The secret itself is never stored.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKey } from '../../types.js';
import { newClientSecret, newId, sha256Hex } from '../../ids.js';
import { queryGsi1Partition, stripKeys, type Db } from '../client.js';
import { keys } from '../keys.js';

export type ApiKeyInput = Omit<ApiKey, 'id' | 'userId' | 'keyPrefix' | 'createdAt' | 'updatedAt'>;

interface StoredKey extends ApiKey {
  hash: string;
}

function toItem(key: StoredKey) {
  return { ...keys.apiKey(key.hash), ...keys.apiKeyByUser(key.userId, key.createdAt, key.id), entity: 'apiKey', ...key };
}

function fromItem(item: Record<string, unknown>): StoredKey {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as StoredKey;
}

export function publicKey(key: StoredKey | ApiKey): ApiKey {
  const { hash: _h, ...rest } = key as StoredKey;
  return rest;
}

/** Display prefix: `sk-` plus the first 4 characters of the random part. */
export function keyPrefixOf(secret: string): string {
  return secret.slice(0, 7);
}

export function createApiKeysRepo(db: Db, now: () => number = Date.now) {
  const put = (key: StoredKey, condition?: string) =>
    db.doc.send(new PutCommand({ TableName: db.tableName, Item: toItem(key), ConditionExpression: condition }));
  const putPointer = (id: string, hash: string) =>
    db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.apiKeyId(id), entity: 'apiKeyId', hash } }));

  async function getStoredById(id: string): Promise<StoredKey | null> {
    const pointer = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.apiKeyId(id) }));
    const hash = pointer.Item?.hash as string | undefined;
    if (!hash) return null;
    const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.apiKey(hash) }));
    return out.Item ? fromItem(out.Item) : null;
  }

  return {
    /** Creates a key and returns it with its secret: the only time the secret exists. */
    async create(userId: string, input: ApiKeyInput): Promise<ApiKey & { key: string }> {
      const secret = newClientSecret();
      const ts = new Date(now()).toISOString();
      const stored: StoredKey = {
        ...input,
        id: newId('key'),
        userId,
        keyPrefix: keyPrefixOf(secret),
        hash: sha256Hex(secret),
        createdAt: ts,
        updatedAt: ts,
      };
      // Hash item first: a pointer never points at a missing key.
      await put(stored, 'attribute_not_exists(PK)');
      await putPointer(stored.id, stored.hash);
      return { ...publicKey(stored), key: secret };
    },

    /** Auth path: one GetItem by the secret's hash. */
    async getBySecret(secret: string): Promise<ApiKey | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.apiKey(sha256Hex(secret)) }));
      return out.Item ? publicKey(fromItem(out.Item)) : null;
    },

    async get(id: string): Promise<ApiKey | null> {
      const stored = await getStoredById(id);
      return stored ? publicKey(stored) : null;
    },

    async listByUser(userId: string): Promise<ApiKey[]> {
      return (await queryGsi1Partition(db, keys.userKeysPartition(userId))).map((item) => publicKey(fromItem(item)));
    },

    async update(id: string, patch: Partial<ApiKeyInput>): Promise<ApiKey | null> {
      const current = await getStoredById(id);
      if (!current) return null;
      const next: StoredKey = { ...current, ...patch, updatedAt: new Date(now()).toISOString() };
      await put(next, 'attribute_exists(PK)');
      return publicKey(next);
    },

    /** New secret; the old one stops working at once (its hash item is deleted). */
    async rotate(id: string): Promise<(ApiKey & { key: string }) | null> {
      const current = await getStoredById(id);
      if (!current) return null;
      const secret = newClientSecret();
      const next: StoredKey = {
        ...current,
        hash: sha256Hex(secret),
        keyPrefix: keyPrefixOf(secret),
        updatedAt: new Date(now()).toISOString(),
      };
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.apiKey(current.hash) }));
      await put(next, 'attribute_not_exists(PK)');
      await putPointer(id, next.hash);
      return { ...publicKey(next), key: secret };
    },

    async delete(id: string): Promise<boolean> {
      const current = await getStoredById(id);
      if (!current) return false;
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.apiKey(current.hash) }));
      await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.apiKeyId(id) }));
      return true;
    },
  };
}

export type ApiKeysRepo = ReturnType<typeof createApiKeysRepo>;
