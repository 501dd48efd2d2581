import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../../../functions/shared/db/client.js';
import { createWriteCoalescer, updateExpression } from '../../../../functions/shared/db/write-coalescer.js';
import { createTestContext } from '../../../support/store.js';

async function countingDb() {
  const { db } = await createTestContext();
  const calls: string[] = [];
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const get = async (PK: string, SK = 'x') => (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK, SK } }))).Item;
  return { db, calls, get };
}

describe('write coalescer', () => {
  it('merges ADDs and SETs to one item within the window into one UpdateItem', async () => {
    const { db, calls, get } = await countingDb();
    const writes = createWriteCoalescer(db, 20);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writes.update({ key: { PK: 'c', SK: 'x' }, add: { n: i, requests: 1 }, set: { last: i, entity: 'counter' } }),
      ),
    );
    expect(calls.filter((c) => c === 'UpdateItemCommand')).toHaveLength(1);
    expect(await get('c')).toMatchObject({ n: 1225, requests: 50, last: 49, entity: 'counter' });
  });

  it('keeps the order of conflicting updates to one item, and writes lower phases first', async () => {
    const { db, get } = await countingDb();
    const writes = createWriteCoalescer(db, 10);
    const order: string[] = [];
    await Promise.all([
      writes.update({ key: { PK: 'o', SK: 'x' }, set: { a: 'first' }, add: { n: 1 }, phase: 1 }).then(() => order.push('phase1')),
      writes.update({ key: { PK: 'o', SK: 'x' }, remove: ['a'], phase: 1 }),
      writes.update({ key: { PK: 'p', SK: 'x' }, add: { n: 5 }, phase: 0 }).then(() => order.push('phase0')),
    ]);
    expect(order).toEqual(['phase0', 'phase1']);
    const item = await get('o');
    expect(item).toMatchObject({ n: 1 });
    expect(item).not.toHaveProperty('a');
  });

  it('batches item puts 25 at a time, the last put of a key winning', async () => {
    const { db, calls, get } = await countingDb();
    const writes = createWriteCoalescer(db, 10);
    await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => writes.put({ PK: `item${i}`, SK: 'x', v: i })),
      writes.put({ PK: 'item0', SK: 'x', v: 'replaced' }),
    ]);
    expect(calls.filter((c) => c === 'BatchWriteItemCommand')).toHaveLength(3);
    expect(await get('item0')).toMatchObject({ v: 'replaced' });
    expect(await get('item59')).toMatchObject({ v: 59 });
  });

  it('rejects every merged caller when the store refuses the write', async () => {
    const db = createDb({ tableName: 'missing-table', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const writes = createWriteCoalescer(db, 0);
    const results = await Promise.allSettled([
      writes.update({ key: { PK: 'a', SK: 'x' }, add: { n: 1 } }),
      writes.update({ key: { PK: 'a', SK: 'x' }, add: { n: 2 } }),
      writes.put({ PK: 'b', SK: 'x' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('merges without changing the records callers passed (one counts record shared by many updates)', async () => {
    const { db, get } = await countingDb();
    const writes = createWriteCoalescer(db, 10);
    const counts = { n: 2, requests: 1 };
    const attributes = { entity: 'counter' };
    await Promise.all(Array.from({ length: 5 }, () => writes.update({ key: { PK: 'shared', SK: 'x' }, add: counts, set: attributes })));
    expect(counts).toEqual({ n: 2, requests: 1 });
    expect(attributes).toEqual({ entity: 'counter' });
    expect(await get('shared')).toMatchObject({ n: 10, requests: 5, entity: 'counter' });
  });

  it('keeps the first value of merged if-absent sets and the last of plain sets', async () => {
    const { db, calls, get } = await countingDb();
    const writes = createWriteCoalescer(db, 10);
    await Promise.all([
      writes.update({ key: { PK: 'f', SK: 'x' }, setIfAbsent: { createdAt: 'first' }, set: { seen: 'a' } }),
      writes.update({ key: { PK: 'f', SK: 'x' }, setIfAbsent: { createdAt: 'second' }, set: { seen: 'b' } }),
      writes.update({ key: { PK: 'f', SK: 'x' }, remove: ['gone'], set: { seen: 'c' } }),
      writes.update({ key: { PK: 'f', SK: 'x' }, remove: ['gone'] }),
    ]);
    expect(calls.filter((c) => c === 'UpdateItemCommand')).toHaveLength(1);
    expect(await get('f')).toMatchObject({ createdAt: 'first', seen: 'c' });
  });

  it('gives an attribute named under two kinds in one update its last kind', async () => {
    const { db, calls, get } = await countingDb();
    const writes = createWriteCoalescer(db, 10);
    await Promise.all([
      writes.update({ key: { PK: 'k', SK: 'x' }, add: { n: 1 } }),
      // n is a SET here (set comes after add), so it cannot merge with the ADD before it.
      writes.update({ key: { PK: 'k', SK: 'x' }, add: { n: 100, m: 1 }, set: { n: 7 } }),
      writes.update({ key: { PK: 'k', SK: 'x' }, set: { n: 9 } }),
    ]);
    expect(calls.filter((c) => c === 'UpdateItemCommand')).toHaveLength(2);
    expect(await get('k')).toMatchObject({ n: 9, m: 1 });
  });

  it('writes one item update per merged run, in the order the updates came', async () => {
    const { db, calls, get } = await countingDb();
    const writes = createWriteCoalescer(db, 10);
    await Promise.all([
      writes.update({ key: { PK: 'r', SK: 'x' }, add: { n: 1 } }),
      writes.update({ key: { PK: 'r', SK: 'x' }, add: { n: 2 } }),
      writes.update({ key: { PK: 'r', SK: 'x' }, set: { n: 50 } }),
      writes.update({ key: { PK: 'r', SK: 'x' }, add: { n: 3 } }),
      writes.update({ key: { PK: 'r', SK: 'x' }, add: { n: 4 } }),
    ]);
    // ADD 3, then SET 50, then ADD 7.
    expect(calls.filter((c) => c === 'UpdateItemCommand')).toHaveLength(3);
    expect(await get('r')).toMatchObject({ n: 57 });
  });

  it('builds placeholders for attribute names with any characters', () => {
    const ops = new Map<string, { kind: 'add'; value: number } | { kind: 'remove' }>([
      ['q:req_1', { kind: 'remove' }],
      ['total', { kind: 'add', value: 3 }],
    ]);
    expect(updateExpression(ops)).toEqual({
      UpdateExpression: 'ADD #n1 :v1 REMOVE #n0',
      ExpressionAttributeNames: { '#n0': 'q:req_1', '#n1': 'total' },
      ExpressionAttributeValues: { ':v1': 3 },
    });
  });
});
