import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDb, isStoreUnavailable } from '../../../../functions/shared/db/client.js';
import type { InProcessStore, StoreAnswer, StoreCall } from '../../../../functions/shared/db/in-process-handler.js';
import { StoreDownError } from '../../../../functions/shared/db/store-breaker.js';

function answer(statusCode: number, body: unknown): StoreAnswer {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    statusCode,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ1', 'content-length': String(bytes.length) },
    body: bytes,
  };
}

/** A store that records its calls and answers with `reply` (a promise that never settles hangs it). */
function fakeStore(reply: (call: StoreCall) => Promise<StoreAnswer>): InProcessStore & { calls: StoreCall[] } {
  const calls: StoreCall[] = [];
  return {
    calls,
    call(request) {
      calls.push(request);
      return reply(request);
    },
  };
}

const hang = () => new Promise<StoreAnswer>(() => {});
const settle = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);
const get = (db: ReturnType<typeof createDb>, options?: { abortSignal?: AbortSignal }) =>
  db.doc.send(new GetCommand({ TableName: 'tbl', Key: { PK: 'a', SK: 'b' } }), options);

describe('the in-process request handler', () => {
  it('hands the serialized call to the store and the store answer to the SDK', async () => {
    const store = fakeStore(async () => answer(200, { Item: { PK: { S: 'a' }, SK: { S: 'b' }, n: { N: '7' } } }));
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: store });
    const out = await get(db);
    expect(out.Item).toEqual({ PK: 'a', SK: 'b', n: 7 });
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, requestId: 'REQ1', attempts: 1 });
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]).toMatchObject({ method: 'POST', target: 'DynamoDB_20120810.GetItem', contentType: 'application/x-amz-json-1.0' });
    expect(JSON.parse(store.calls[0]!.body)).toEqual({ TableName: 'tbl', Key: { PK: { S: 'a' }, SK: { S: 'b' } } });
  });

  it('sends calls unsigned', async () => {
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: fakeStore(async () => answer(200, {})) });
    const seen: Record<string, string>[] = [];
    // The deserialize step runs after signing: it sees the request as the handler gets it.
    db.client.middlewareStack.add(
      (next) => (args) => {
        seen.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'deserialize', name: 'seeHeaders' },
    );
    await get(db);
    expect(seen).toHaveLength(1);
    expect(Object.keys(seen[0]!).map((h) => h.toLowerCase())).not.toContain('authorization');
    expect(seen[0]!['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
  });

  it('turns the store error answers into the SDK errors they name', async () => {
    const store = fakeStore(async () =>
      answer(400, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }),
    );
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: store });
    const err = (await settle(db.doc.send(new PutCommand({ TableName: 'tbl', Item: { PK: 'a', SK: 'b' }, ConditionExpression: 'attribute_not_exists(PK)' })))) as Error & {
      $metadata: { httpStatusCode: number };
    };
    expect(err.name).toBe('ConditionalCheckFailedException');
    expect(err.message).toBe('The conditional request failed');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(isStoreUnavailable(err)).toBe(false);
    expect(store.calls).toHaveLength(1);
  });

  it('retries a throttled store as the SDK does over HTTP, and reports it unavailable when it stays throttled', async () => {
    const store = fakeStore(async () =>
      answer(400, { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' }),
    );
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: store, maxAttempts: 2 });
    const err = await settle(get(db));
    expect((err as Error).name).toBe('ProvisionedThroughputExceededException');
    expect(isStoreUnavailable(err)).toBe(true);
    expect(store.calls).toHaveLength(2);
  });

  it('fails a call to a hung store with the HTTP handler\'s timeout error', async () => {
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: fakeStore(hang), requestTimeoutMs: 50, maxAttempts: 1 });
    const err = (await settle(get(db))) as Error & { code?: string };
    expect(err.name).toBe('TimeoutError');
    expect(err.code).toBe('ETIMEDOUT');
    expect(isStoreUnavailable(err)).toBe(true);
  });

  it('opens the breaker on a hung store, fails the next call at once, and closes it once the store answers', async () => {
    let answering = false;
    const store = fakeStore(() => (answering ? Promise.resolve(answer(200, {})) : hang()));
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: store, requestTimeoutMs: 50 });
    expect(isStoreUnavailable(await settle(get(db)))).toBe(true);
    // The SDK's retries stopped at the breaker: one attempt reached the store.
    expect(store.calls).toHaveLength(1);
    expect(await settle(get(db))).toBeInstanceOf(StoreDownError);
    expect(store.calls).toHaveLength(1);

    // Once the store answers the breaker's probe, calls go through again.
    answering = true;
    let last: unknown = new StoreDownError();
    for (let i = 0; i < 100 && last instanceof StoreDownError; i++) {
      await new Promise((r) => setTimeout(r, 20));
      last = await settle(get(db));
    }
    expect(last).toBeNull();
  });

  it('gives up on a call whose abort signal fires', async () => {
    const store = fakeStore(hang);
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: store, requestTimeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = settle(get(db, { abortSignal: controller.signal }));
    await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const err = (await pending) as Error;
    expect(err.name).toBe('AbortError');
    expect(isStoreUnavailable(err)).toBe(false);
    expect(store.calls).toHaveLength(1);
  });

  it('reports a store that throws instead of answering as a failed call', async () => {
    const store = fakeStore(() => {
      throw new TypeError('store bug');
    });
    const db = createDb({ tableName: 'tbl', region: 'us-east-1', inProcess: store, maxAttempts: 1 });
    const err = await settle(get(db));
    expect(err).toBeInstanceOf(TypeError);
    expect(isStoreUnavailable(err)).toBe(false);
  });
});
