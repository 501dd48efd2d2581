import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { startTtlSweeper, sweepExpired } from '../../../functions/local/ttl-sweeper.js';
import type { Db } from '../../../functions/shared/db/client.js';
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

  it('examines at most pageItems items per Scan page (counted before the filter)', async () => {
    const { db } = await createTestContext();
    for (let i = 0; i < 23; i++) {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.session(`s${i}`), expiresAt: NOW_SEC + (i % 3 === 0 ? -1 : 60) } }));
    }
    const scans = countScans(db);
    expect(await sweepExpired(db, NOW_MS, { pageItems: 5, pauseMs: 0 })).toBe(8);
    expect(scans.limits.every((limit) => limit === 5)).toBe(true);
    expect(scans.limits.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps an item refreshed after its page was read (the delete is conditional)', async () => {
    const { db } = await createTestContext();
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.session('rebound'), expiresAt: NOW_SEC - 5 } }));
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.session('gone'), expiresAt: NOW_SEC - 5 } }));
    // Between the Scan and the deletes, the session is bound again: its expiry moves ahead.
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'ScanCommand') {
          await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...keys.session('rebound'), expiresAt: NOW_SEC + 300 } }));
        }
        return out;
      },
      { step: 'initialize', name: 'rebindAfterScan' },
    );
    expect(await sweepExpired(db, NOW_MS)).toBe(1);
    const kept = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.session('rebound') }));
    expect(kept.Item?.expiresAt).toBe(NOW_SEC + 300);
    const gone = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.session('gone') }));
    expect(gone.Item).toBeUndefined();
  });
});

describe('startTtlSweeper', () => {
  it('runs a first pass after firstPassMs, then one pass per interval, paced; stop ends it', async () => {
    const { db } = await createTestContext();
    const expired = (id: string) => ({ ...keys.session(id), expiresAt: Math.floor(Date.now() / 1000) - 10 });
    for (let i = 0; i < 6; i++) await db.doc.send(new PutCommand({ TableName: db.tableName, Item: expired(`a${i}`) }));
    const scans = countScans(db);
    const errors: unknown[] = [];
    const stop = startTtlSweeper(db, (err) => errors.push(err), { firstPassMs: 20, passIntervalMs: 150, pageItems: 2, pauseMs: 5 });
    const exists = async (id: string) => (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.session(id) }))).Item !== undefined;
    const anyLeft = async () => (await Promise.all([0, 1, 2, 3, 4, 5].map((i) => exists(`a${i}`)))).some(Boolean);
    await waitFor(async () => !(await anyLeft()));
    // Pages of 2 items: the 6 sessions and the table's other items took several Scans.
    expect(scans.limits.length).toBeGreaterThanOrEqual(3);
    // The next pass finds what expired since.
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: expired('b') }));
    await waitFor(async () => !(await exists('b')));
    await stop();
    const after = scans.limits.length;
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: expired('c') }));
    await new Promise((r) => setTimeout(r, 400));
    expect(scans.limits.length).toBe(after);
    expect(await exists('c')).toBe(true);
    expect(errors).toEqual([]);
  });
});

/** Records the Limit of every Scan the client sends. */
function countScans(db: Db): { limits: (number | undefined)[] } {
  const limits: (number | undefined)[] = [];
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ScanCommand') limits.push((args.input as { Limit?: number }).Limit);
      return next(args);
    },
    { step: 'initialize', name: `countScans${Math.random()}` },
  );
  return { limits };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
