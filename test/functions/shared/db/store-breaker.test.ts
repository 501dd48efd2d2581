import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, isStoreUnavailable } from '../../../../functions/shared/db/client.js';
import { createStoreBreaker, isConnectionFailure, StoreDownError } from '../../../../functions/shared/db/store-breaker.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
const timedOut = Object.assign(new Error('a request has exceeded the configured 5000 ms requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const serverError = Object.assign(new Error('internal'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
const conditionFailed = Object.assign(new Error('The conditional request failed'), {
  name: 'ConditionalCheckFailedException',
  $metadata: { httpStatusCode: 400 },
});
const validation = Object.assign(new Error('bad key'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

describe('store error classification', () => {
  it.each([
    ['connection refused', refused, true, true],
    ['request timeout', timedOut, true, true],
    ['breaker open', new StoreDownError(), true, false],
    ['throttled', throttled, true, false],
    ['store 500', serverError, true, false],
    ['condition failed', conditionFailed, false, false],
    ['validation error', validation, false, false],
    ['a plain bug', new TypeError('x is undefined'), false, false],
    ['not an error', 'boom', false, false],
  ])('%s: unavailable %s, opens the breaker %s', (_name, err, unavailable, opens) => {
    expect(isStoreUnavailable(err)).toBe(unavailable);
    expect(isConnectionFailure(err)).toBe(opens);
  });
});

describe('store breaker', () => {
  it('opens on a connection failure, fails fast, and closes once a probe gets an answer', async () => {
    let storeUp = false;
    const changes: boolean[] = [];
    const breaker = createStoreBreaker({
      probe: async () => {
        if (!storeUp) throw refused;
      },
      probeIntervalMs: 10,
      onChange: (open) => changes.push(open),
    });
    breaker.record(throttled);
    breaker.record(null);
    expect(breaker.isOpen()).toBe(false);
    breaker.record(refused);
    expect(breaker.isOpen()).toBe(true);
    expect(() => breaker.check()).toThrow(StoreDownError);
    await new Promise((r) => setTimeout(r, 50));
    expect(breaker.isOpen()).toBe(true);
    storeUp = true;
    for (let i = 0; i < 100 && breaker.isOpen(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(breaker.isOpen()).toBe(false);
    expect(() => breaker.check()).not.toThrow();
    expect(changes).toEqual([true, false]);
  });
});

describe('the store client against a store that accepts connections but never answers', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.close();
    server = null;
  });

  it('times out instead of waiting forever, then fails every call at once', async () => {
    const sockets: Socket[] = [];
    let received = '';
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (d: Buffer) => (received += d.toString()));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const db = createDb({ tableName: 't', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, requestTimeoutMs: 200 });
    const get = () => db.doc.send(new GetCommand({ TableName: 't', Key: { PK: 'a', SK: 'b' } }));
    const attempts = () => received.split('"PK":{"S":"a"}').length - 1;

    const first = await get().then(
      () => null,
      (e: unknown) => e,
    );
    expect(isStoreUnavailable(first)).toBe(true);
    // The SDK's own retries stopped at the breaker: one attempt reached the store.
    expect(attempts()).toBe(1);
    const second = await get().then(
      () => null,
      (e: unknown) => e,
    );
    expect(second).toBeInstanceOf(StoreDownError);
    expect(attempts()).toBe(1);
    for (const s of sockets) s.destroy();
  });
});
