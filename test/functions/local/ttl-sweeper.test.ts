import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { sweepExpired } from '../../../functions/local/ttl-sweeper.js';
import { keys } from '../../../functions/shared/db/keys.js';
import { createTestContext } from '../../support/store.js';

const NOW_MS = Date.parse('2025-06-01T12:00:00.000Z');
const NOW_SEC = NOW_MS / 1000;

describe('sweepExpired', () => {
  it('deletes only items whose epoch-second expiresAt has passed', async () => {
    const { db } = await createTestContext();
    const items: [string, Record<string, unknown>, boolean][] = [
      ['expired an hour ago', { ...keys.session('old'), expiresAt: NOW_SEC - 3600 }, true],
      ['expiring this second', { ...keys.session('now'), expiresAt: NOW_SEC }, true],
      ['expiring next second', { ...keys.session('fresh'), expiresAt: NOW_SEC + 1 }, false],
      ['without expiresAt', keys.user('usr_1'), false],
      // A client key's expiresAt is an ISO string (its own expiry, not a TTL): DynamoDB TTL ignores
      // non-numbers, and so must the sweeper, or an expired key would vanish instead of saying "expired".
      ['with a string expiresAt in the past', { ...keys.apiKey('hash1'), expiresAt: '2020-01-01T00:00:00.000Z' }, false],
      ['with a null expiresAt', { ...keys.apiKeyId('key_1'), expiresAt: null }, false],
    ];
    for (const [, item] of items) await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item }));

    expect(await sweepExpired(db, NOW_MS)).toBe(2);

    for (const [name, item, gone] of items) {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK: item.PK, SK: item.SK } }));
      expect(out.Item === undefined, name).toBe(gone);
    }
    expect(await sweepExpired(db, NOW_MS)).toBe(0);
  });

  it('sweeps across scan pages', async () => {
    const { db } = await createTestContext();
    const pad = 'x'.repeat(30_000);
    for (let i = 0; i < 50; i++) {
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: { ...keys.session(`s${i}`), pad, expiresAt: NOW_SEC - (i % 2) } }),
      );
    }
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.session('keep'), pad, expiresAt: NOW_SEC + 10 } }));
    expect(await sweepExpired(db, NOW_MS)).toBe(50);
    const kept = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.session('keep') }));
    expect(kept.Item).toBeDefined();
  });
});
