import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynalite, dispatchToDynalite } from '../../../functions/local/dynalite-dispatch.js';
import { startEmbeddedStore, type EmbeddedStore } from '../../../functions/local/embedded-store.js';
import { createDb, isStoreUnavailable } from '../../../functions/shared/db/client.js';
import { StoreClosedError, type StoreAnswer, type StoreCall } from '../../../functions/shared/db/in-process-handler.js';
import { StoreDownError } from '../../../functions/shared/db/store-breaker.js';

const TABLE = 'dispatch_parity';
const CREATE_TABLE = JSON.stringify({
  TableName: TABLE,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
});
const ITEM = { PK: { S: 'a' }, SK: { S: 'b' }, n: { N: '1' }, text: { S: 'héllo' } };
const JSON_TYPE = 'application/x-amz-json-1.0';

let store: EmbeddedStore;

/** The same call through dynalite's HTTP listener (which only checks that a signature is present). */
async function overHttp(call: StoreCall): Promise<StoreAnswer> {
  const res = await fetch(store.endpoint, {
    method: call.method,
    headers: {
      'content-type': call.contentType,
      'x-amz-target': call.target,
      'x-amz-date': '20260101T000000Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
    },
    body: call.method === 'GET' ? undefined : call.body,
  });
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: new Uint8Array(await res.arrayBuffer()) };
}

function call(target: string, body: unknown, contentType = JSON_TYPE): StoreCall {
  return { method: 'POST', target: `DynamoDB_20120810.${target}`, contentType, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

beforeAll(async () => {
  store = await startEmbeddedStore(null);
  expect((await store.inProcess.call(call('CreateTable', CREATE_TABLE))).statusCode).toBe(200);
  // dynalite makes a new table ACTIVE on a timer, even with createTableMs 0.
  const status = async () => JSON.parse(Buffer.from((await store.inProcess.call(call('DescribeTable', { TableName: TABLE }))).body).toString()).Table.TableStatus;
  for (let i = 0; i < 100 && (await status()) !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 5));
  expect((await store.inProcess.call(call('PutItem', { TableName: TABLE, Item: ITEM }))).statusCode).toBe(200);
});
afterAll(() => store.close());

describe('the in-process store answers like dynalite over HTTP', () => {
  it.each<[string, StoreCall]>([
    ['a read', call('GetItem', { TableName: TABLE, Key: { PK: { S: 'a' }, SK: { S: 'b' } } })],
    ['a read of a missing item', call('GetItem', { TableName: TABLE, Key: { PK: { S: 'zz' }, SK: { S: 'b' } } })],
    ['a query', call('Query', { TableName: TABLE, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': { S: 'a' } } })],
    [
      'a failed condition',
      call('PutItem', { TableName: TABLE, Item: ITEM, ConditionExpression: 'attribute_not_exists(PK)' }),
    ],
    ['a validation error', call('GetItem', { TableName: 'ab', Key: { PK: { S: 'a' } } })],
    ['a key that does not match the schema', call('GetItem', { TableName: TABLE, Key: { PK: { S: 'a' } } })],
    ['a missing table', call('GetItem', { TableName: 'no_such_table', Key: { PK: { S: 'a' }, SK: { S: 'b' } } })],
    ['a wrongly typed member', call('GetItem', { TableName: TABLE, Key: 'not a map' })],
    ['a body that is not JSON', call('GetItem', '{"TableName":')],
    ['an empty body', call('GetItem', '')],
    ['an unknown operation', call('FlyAway', { TableName: TABLE })],
    ['an unknown API version', { ...call('GetItem', {}), target: 'DynamoDB_19990101.GetItem' }],
    ['a body of another media type', call('GetItem', { TableName: TABLE }, 'text/plain')],
    ['the plain JSON media type', call('GetItem', { TableName: TABLE, Key: { PK: { S: 'a' }, SK: { S: 'b' } } }, 'application/json; charset=utf-8')],
    ['a health check', { method: 'GET', target: '', contentType: '', body: '' }],
  ])('%s', async (_name, request) => {
    const [direct, http] = await Promise.all([store.inProcess.call(request), overHttp(request)]);
    expect(direct.statusCode).toBe(http.statusCode);
    expect(Buffer.from(direct.body).toString('utf8')).toBe(Buffer.from(http.body).toString('utf8'));
    for (const name of ['content-type', 'x-amz-crc32', 'content-length']) expect([name, direct.headers[name]]).toEqual([name, http.headers[name]]);
    expect(direct.headers['x-amzn-requestid']).toMatch(/^[A-Z0-9]{52}$/);
    expect(http.headers['x-amzn-requestid']).toMatch(/^[A-Z0-9]{52}$/);
  });

  it('gives every answer its own request id', async () => {
    const request = call('GetItem', { TableName: TABLE, Key: { PK: { S: 'a' }, SK: { S: 'b' } } });
    const answers = await Promise.all(Array.from({ length: 300 }, () => store.inProcess.call(request)));
    expect(new Set(answers.map((a) => a.headers['x-amzn-requestid'])).size).toBe(300);
  });

  it('serves the same data as its HTTP endpoint', async () => {
    const item = { PK: { S: 'shared' }, SK: { S: 'x' }, v: { S: 'written in process' } };
    await store.inProcess.call(call('PutItem', { TableName: TABLE, Item: item }));
    const overTheWire = await overHttp(call('GetItem', { TableName: TABLE, Key: { PK: item.PK, SK: item.SK } }));
    expect(JSON.parse(Buffer.from(overTheWire.body).toString('utf8'))).toMatchObject({ Item: item });
  });
});

describe('a closed in-process store', () => {
  it('refuses calls like a closed port, so the client counts it unavailable and opens its breaker', async () => {
    const closing = await startEmbeddedStore(null);
    const db = createDb({ tableName: TABLE, region: 'us-east-1', endpoint: closing.endpoint, inProcess: closing.inProcess });
    await closing.close();
    await expect(closing.inProcess.call(call('ListTables', {}))).rejects.toBeInstanceOf(StoreClosedError);
    const get = () => db.doc.send(new GetCommand({ TableName: TABLE, Key: { PK: 'a', SK: 'b' } })).then(() => null, (e: unknown) => e);
    const first = await get();
    expect(isStoreUnavailable(first)).toBe(true);
    expect(await get()).toBeInstanceOf(StoreDownError);
  });
});

describe('the in-memory store', () => {
  const SORTED = 'sorted';
  const sortTable = (type: 'S' | 'N') => ({
    TableName: `${SORTED}_${type}`,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: type },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
  });
  const answer = (a: StoreAnswer) => JSON.parse(Buffer.from(a.body).toString('utf8'));

  it('keeps strings (as the on-disk store does), not Buffers', () => {
    const { store: raw, server } = createDynalite({ createTableMs: 0 });
    server.close();
    const db = (raw as { db: { supports: { encodings: Record<string, boolean> } } }).db;
    expect(db.supports.encodings).toMatchObject({ utf8: true });
    expect(db.supports.encodings.buffer).toBeUndefined();
  });

  describe.each([
    ['in memory', false],
    ['on disk', true],
  ])('items written to a table and its indexes (%s)', (_where, onDisk) => {
    const indexed = {
      TableName: 'indexed',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['PK', 'SK', 'G1', 'G2'].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: ['G1', 'G2'].map((name) => ({
        IndexName: `${name}-index`,
        KeySchema: [
          { AttributeName: name, KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    };
    const dirs: string[] = [];
    afterAll(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    const item = (v: string) => ({ PK: { S: 'p' }, SK: { S: 's' }, G1: { S: 'g1' }, G2: { S: 'g2' }, v: { S: v } });

    async function indexedStore() {
      const { store: raw, server } = createDynalite({ createTableMs: 0, ...(onDisk ? { path: dirs[dirs.push(mkdtempSync(join(tmpdir(), 'dispatch-indexed-'))) - 1] } : {}) });
      server.close();
      const run = (target: string, body: unknown) => dispatchToDynalite(raw, call(target, body)).then(answer);
      const created = await run('CreateTable', indexed);
      expect(created.TableDescription?.TableStatus, JSON.stringify(created)).toBe('CREATING');
      // The description written again (same object, changed) is read back changed.
      for (let i = 0; i < 100 && (await run('DescribeTable', { TableName: 'indexed' })).Table.TableStatus !== 'ACTIVE'; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect((await run('DescribeTable', { TableName: 'indexed' })).Table).toMatchObject({
        TableStatus: 'ACTIVE',
        GlobalSecondaryIndexes: [{ IndexStatus: 'ACTIVE' }, { IndexStatus: 'ACTIVE' }],
      });
      return run;
    }
    const readAll = async (run: (target: string, body: unknown) => Promise<any>) => [
      (await run('GetItem', { TableName: 'indexed', Key: { PK: { S: 'p' }, SK: { S: 's' } } })).Item,
      ...(await Promise.all(
        ['G1', 'G2'].map(async (g) =>
          (await run('Query', { TableName: 'indexed', IndexName: `${g}-index`, KeyConditionExpression: `${g} = :g`, ExpressionAttributeValues: { ':g': { S: g.toLowerCase() } } })).Items,
        ),
      )).flat(),
    ];

    it('are JSON-encoded once for the table and every index, not once per copy', async () => {
      const run = await indexedStore();
      const stringify = vi.spyOn(JSON, 'stringify');
      try {
        await run('PutItem', { TableName: 'indexed', Item: item('one') });
        const itemEncodings = stringify.mock.calls.filter(([value]) => (value as { PK?: unknown } | null)?.PK !== undefined);
        expect(itemEncodings).toHaveLength(1);
      } finally {
        stringify.mockRestore();
      }
      expect(await readAll(run)).toEqual([item('one'), item('one'), item('one')]);
    });

    it('are encoded again when written again: updates, overwrites and removals read back everywhere', async () => {
      const run = await indexedStore();
      await run('PutItem', { TableName: 'indexed', Item: item('one') });
      await run('UpdateItem', {
        TableName: 'indexed',
        Key: { PK: { S: 'p' }, SK: { S: 's' } },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': { S: 'two' } },
      });
      expect(await readAll(run)).toEqual([item('two'), item('two'), item('two')]);
      await run('BatchWriteItem', { RequestItems: { indexed: [{ PutRequest: { Item: item('three') } }] } });
      expect(await readAll(run)).toEqual([item('three'), item('three'), item('three')]);
      await run('UpdateItem', { TableName: 'indexed', Key: { PK: { S: 'p' }, SK: { S: 's' } }, UpdateExpression: 'REMOVE G2' });
      const { G2: _g2, ...withoutG2 } = item('three');
      expect(await readAll(run)).toEqual([withoutG2, withoutG2]);
    });
  });

  it.each<['S' | 'N', string[]]>([
    // DynamoDB orders strings by their UTF-8 bytes: U+E000 (EE 80 80) before U+1F600 (F0 9F 98 80),
    // though JavaScript's UTF-16 comparison puts the emoji (D83D …) first.
    ['S', ['', 'A', 'a', 'a#1', 'a#2', 'b', 'é', '\uE000', '😀']],
    ['N', ['-100', '-1.5', '-1', '0', '0.25', '1', '2', '10', '1000']],
  ])('returns %s sort keys in DynamoDB order, forwards and backwards', async (type, ordered) => {
    const { store: raw, server } = createDynalite({ createTableMs: 0 });
    server.close();
    const run = (target: string, body: unknown) => dispatchToDynalite(raw, call(target, body)).then(answer);
    const table = sortTable(type);
    await run('CreateTable', table);
    for (let i = 0; i < 100 && (await run('DescribeTable', { TableName: table.TableName })).Table.TableStatus !== 'ACTIVE'; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const keys = type === 'S' ? ordered.filter((k) => k !== '') : ordered;
    for (const k of [...keys].reverse()) await run('PutItem', { TableName: table.TableName, Item: { PK: { S: 'p' }, SK: { [type]: k } } });
    const query = (forward: boolean) =>
      run('Query', {
        TableName: table.TableName,
        KeyConditionExpression: 'PK = :p',
        ExpressionAttributeValues: { ':p': { S: 'p' } },
        ScanIndexForward: forward,
      }).then((r: { Items: { SK: Record<string, string> }[] }) => r.Items.map((item) => item.SK[type]));
    expect(await query(true)).toEqual(keys);
    expect(await query(false)).toEqual([...keys].reverse());
  });
});
