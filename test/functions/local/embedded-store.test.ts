import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../../functions/local/embedded-store.js';
import { ensureTable } from '../../../functions/shared/db/bootstrap.js';
import { batchPut, createDb, queryGsi1Partition, type Db } from '../../../functions/shared/db/client.js';


type Outcome = { ok: unknown } | { error: { name: string; message: string; fault: unknown; status: unknown; type: unknown } };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    const out = (await run()) as Record<string, unknown>;
    if (out && typeof out === 'object' && '$metadata' in out) {
      const { $metadata, ...rest } = out as { $metadata: Record<string, unknown> };
      return { ok: { ...rest, status: $metadata.httpStatusCode, attempts: $metadata.attempts } };
    }
    return { ok: out };
  } catch (err) {
    const e = err as Error & { $fault?: unknown; $metadata?: { httpStatusCode?: number }; __type?: unknown };
    return { error: { name: e.name, message: e.message, fault: e.$fault, status: e.$metadata?.httpStatusCode, type: e.__type } };
  }
}

/** A run of the data layer's kinds of calls, on keys of its own (`p`) so both paths start alike. */
async function scenario(db: Db, p: string): Promise<Outcome[]> {
  const t = db.tableName;
  const key = { PK: `${p}#u`, SK: 'profile' };
  const steps: (() => Promise<unknown>)[] = [
    () => db.doc.send(new PutCommand({ TableName: t, Item: { ...key, GSI1PK: `${p}#users`, GSI1SK: 'a', name: 'ann', n: 1, tags: new Set(['x']) } })),
    () => db.doc.send(new GetCommand({ TableName: t, Key: key })),
    () => db.doc.send(new GetCommand({ TableName: t, Key: { PK: `${p}#missing`, SK: 'profile' } })),
    () =>
      db.doc.send(
        new UpdateCommand({
          TableName: t,
          Key: key,
          UpdateExpression: 'SET n = n + :one',
          ConditionExpression: 'n = :n',
          ExpressionAttributeValues: { ':one': 1, ':n': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    () =>
      db.doc.send(
        new UpdateCommand({
          TableName: t,
          Key: key,
          UpdateExpression: 'SET n = :v',
          ConditionExpression: 'n = :n',
          ExpressionAttributeValues: { ':v': 9, ':n': 1 },
        }),
      ),
    () => db.doc.send(new PutCommand({ TableName: t, Item: key, ConditionExpression: 'attribute_not_exists(PK)' })),
    () => batchPut(db, Array.from({ length: 25 }, (_, i) => ({ PK: `${p}#b`, SK: `item-${String(i).padStart(2, '0')}`, i }))),
    () => db.doc.send(new QueryCommand({ TableName: t, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `${p}#b` }, Limit: 10 })),
    () => queryGsi1Partition(db, `${p}#users`),
    // BatchGetItem answers in the store's key order, which differs with the prefix.
    () =>
      db.doc
        .send(new BatchGetCommand({ RequestItems: { [t]: { Keys: [key, { PK: `${p}#b`, SK: 'item-03' }] } } }))
        .then((out) => out.Responses?.[t]?.map((item) => item.SK as string).sort()),
    // Rejected before reaching a table: a key that does not match the schema, a bad expression, no such table.
    () => db.doc.send(new GetCommand({ TableName: t, Key: { PK: key.PK } })),
    () => db.doc.send(new UpdateCommand({ TableName: t, Key: key, UpdateExpression: 'SET = :v', ExpressionAttributeValues: { ':v': 1 } })),
    () => db.doc.send(new GetCommand({ TableName: 'no_such_table', Key: key })),
    () => db.doc.send(new DeleteCommand({ TableName: t, Key: key, ReturnValues: 'ALL_OLD' })),
  ];
  const outcomes: Outcome[] = [];
  for (const step of steps) outcomes.push(await outcome(step));
  return JSON.parse(JSON.stringify(outcomes, (_k, v: unknown) => (v instanceof Set ? [...v] : v)).replaceAll(p, 'P')) as Outcome[];
}

describe.each(['worker', 'inline'] as const)('the SDK through the in-process store (%s thread)', (thread) => {
  let store: EmbeddedStore;
  let overHttp: Db;
  let inProcess: Db;

  beforeAll(async () => {
    store = await startEmbeddedStore(null, { thread });
    overHttp = createDb({ tableName: 'embedded_parity', region: 'us-east-1', endpoint: store.endpoint });
    inProcess = createDb({ tableName: 'embedded_parity', region: 'us-east-1', endpoint: store.endpoint, inProcess: store.inProcess });
    await ensureTable(inProcess);
  });
  afterAll(() => store.close());

  it('gets the same results and the same errors as through HTTP', async () => {
    const viaHttp = await scenario(overHttp, 'http');
    const direct = await scenario(inProcess, 'direct');
    expect(direct).toEqual(viaHttp);
    // The run covers answers and rejections, so the comparison is not vacuous.
    expect(viaHttp.map((o) => ('error' in o ? o.error.name : 'ok'))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ConditionalCheckFailedException',
      'ConditionalCheckFailedException',
      'ok',
      'ok',
      'ok',
      'ok',
      'ValidationException',
      'ValidationException',
      'ResourceNotFoundException',
      'ok',
    ]);
  });

  it('sees what was written over HTTP and the other way round', async () => {
    await overHttp.doc.send(new PutCommand({ TableName: overHttp.tableName, Item: { PK: 'cross', SK: 'one', v: 'from http' } }));
    await inProcess.doc.send(new PutCommand({ TableName: inProcess.tableName, Item: { PK: 'cross', SK: 'two', v: 'in process' } }));
    const read = (db: Db, SK: string) => db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK: 'cross', SK } })).then((o) => o.Item?.v);
    expect(await read(inProcess, 'one')).toBe('from http');
    expect(await read(overHttp, 'two')).toBe('in process');
  });
});
