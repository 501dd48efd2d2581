import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../functions/shared/db/client.js';
import { keys } from '../../../../functions/shared/db/keys.js';
import { createDirectBackend, createMirroredBackend, type StateBackend, type StateChange } from '../../../../functions/shared/limits/state-backend.js';
import { createMemoryLogger } from '../../../../functions/shared/logger.js';
import { createTestContext } from '../../../support/store.js';

const NOW = Date.parse('2026-05-06T10:00:00Z');
const KEY = keys.spendState('user', 'usr_backend');

const mark = (requestId: string): StateChange => ({ set: [[`q:${requestId}`, { n: 5, s: 'sess-a', t: NOW }]], add: [['r:1778061600', 1]], remove: [] });
const unmark = (requestId: string): StateChange => ({ set: [['i:sess-a', NOW / 1000 + 300]], add: [['total', 7]], remove: [`q:${requestId}`] });

interface Gate {
  /** Each BatchWriteItem sent: the items as given, and a copy taken as it was sent. */
  writes: { items: Record<string, unknown>[]; asSent: Record<string, unknown>[] }[];
  /** Lets the held writes through. */
  open(): void;
}

/** A client whose batch writes wait until the gate opens (so changes can land while they are in flight). */
function gatedDb(db: Db, options: { failFirst?: boolean } = {}): Db & Gate {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  const writes: Gate['writes'] = [];
  let failures = options.failFirst ? 1 : 0;
  // Batch writes go out marshalled through the plain client (db/client.ts batchPut).
  const client = {
    async send(command: { constructor: { name: string }; input: { RequestItems?: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> } }) {
      if (command.constructor.name === 'BatchWriteItemCommand') {
        const items = Object.values(command.input.RequestItems!)[0]!.map((r) => unmarshall(r.PutRequest.Item));
        writes.push({ items, asSent: structuredClone(items) });
        await opened;
        if (failures-- > 0) throw Object.assign(new Error('injected store failure'), { name: 'InternalServerError' });
      }
      return db.client.send(command as never);
    },
  } as unknown as DynamoDBClient;
  return { client, doc: db.doc, tableName: db.tableName, writes, open: () => release() };
}

async function stored(db: Db) {
  return (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: KEY, ConsistentRead: true }))).Item;
}

describe.each([
  ['direct', (db: Db) => createDirectBackend(db)],
  ['mirrored', (db: Db) => createMirroredBackend(db, 5, createMemoryLogger())],
] as [string, (db: Db) => StateBackend][])('the %s state backend', (_name, create) => {
  it('returns each state as it stands after its change, and never changes a state it handed out', async () => {
    const ctx = await createTestContext({ now: NOW });
    const backend = create(ctx.db);
    expect(await backend.read(KEY)).toMatchObject({ inFlight: [], totalNanos: 0 });
    const first = await backend.update(KEY, mark('r1'));
    const second = await backend.update(KEY, mark('r2'));
    const settled = await backend.update(KEY, unmark('r1'));
    expect(first.inFlight.map((e) => e.requestId)).toEqual(['r1']);
    expect(first.rpmSlots).toEqual([{ startSec: 1778061600, count: 1 }]);
    expect(second.inFlight.map((e) => e.requestId)).toEqual(['r1', 'r2']);
    expect(settled).toMatchObject({ totalNanos: 7, rpmSlots: [{ startSec: 1778061600, count: 2 }] });
    expect(settled.inFlight.map((e) => e.requestId)).toEqual(['r2']);
    expect([...settled.idleUntilSec]).toEqual([['sess-a', NOW / 1000 + 300]]);
    expect(await backend.readMany([KEY, keys.spendState('key', 'key_none')])).toEqual([settled, await backend.read(keys.spendState('key', 'key_none'))]);
    await backend.flush();
    expect(await stored(ctx.db)).toMatchObject({ ...KEY, total: 7, 'q:r2': { n: 5, s: 'sess-a', t: NOW } });
  });

  it('refuses a change whose condition fails, changing nothing', async () => {
    const ctx = await createTestContext({ now: NOW });
    const backend = create(ctx.db);
    const guarded: StateChange = { set: [], add: [], remove: ['i:sess-a'], expect: { exists: true, equals: [['i:sess-a', 1]] } };
    await expect(backend.update(KEY, guarded)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await backend.update(KEY, unmark('r0'));
    await expect(backend.update(KEY, guarded)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((await backend.read(KEY)).idleUntilSec.get('sess-a')).toBe(NOW / 1000 + 300);
  });
});

describe('the mirrored backend writing behind', () => {
  it('writes the image it started with while later changes land, then writes those', async () => {
    const ctx = await createTestContext({ now: NOW });
    const db = gatedDb(ctx.db);
    const backend = createMirroredBackend(db, 1, createMemoryLogger());
    await backend.update(KEY, mark('r1'));
    const flushed = backend.flush();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the write is now held at the gate
    await backend.update(KEY, mark('r2'));
    await backend.update(KEY, unmark('r1'));
    db.open();
    await flushed;
    await backend.flush();
    expect(db.writes.length).toBe(2);
    for (const write of db.writes) expect(write.items).toEqual(write.asSent);
    expect(db.writes[0]!.items[0]).not.toHaveProperty('q:r2');
    expect(await stored(ctx.db)).toEqual({ ...KEY, 'q:r2': { n: 5, s: 'sess-a', t: NOW }, 'r:1778061600': 2, 'i:sess-a': NOW / 1000 + 300, total: 7 });
  });

  it('writes the item as it then stands after a failed write', async () => {
    const ctx = await createTestContext({ now: NOW });
    const db = gatedDb(ctx.db, { failFirst: true });
    db.open();
    const backend = createMirroredBackend(db, 1, createMemoryLogger());
    await backend.update(KEY, mark('r1'));
    await backend.flush();
    expect(await stored(ctx.db)).toBeUndefined();
    await backend.update(KEY, unmark('r1'));
    await backend.flush();
    expect(await stored(ctx.db)).toEqual({ ...KEY, 'r:1778061600': 1, 'i:sess-a': NOW / 1000 + 300, total: 7 });
  });
});
