import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedStore } from '../../../functions/local/embedded-store.js';
import { startStoreThread } from '../../../functions/local/store-thread.js';
import { ensureTable } from '../../../functions/shared/db/bootstrap.js';
import { createDb } from '../../../functions/shared/db/client.js';
import { StoreClosedError, type StoreCall } from '../../../functions/shared/db/in-process-handler.js';

const fixture = (name: string) => new URL(`../../fixtures/store-thread/${name}`, import.meta.url);
const LIST_TABLES: StoreCall = { method: 'POST', target: 'DynamoDB_20120810.ListTables', contentType: 'application/x-amz-json-1.0', body: '{}' };

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the embedded store in its worker thread', () => {
  it('keeps on disk what it acknowledged, once closed, for the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'code-hub-store-thread-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startEmbeddedStore(dataDir);
    const db = createDb({ tableName: 'thread_disk', region: 'us-east-1', endpoint: first.endpoint, inProcess: first.inProcess });
    await ensureTable(db);
    // Written and closed at once: the close waits for the write, then flushes the database.
    const writes = Array.from({ length: 20 }, (_, i) => db.doc.send(new PutCommand({ TableName: db.tableName, Item: { PK: 'p', SK: `s${i}`, i } })));
    await Promise.all(writes);
    await first.close();

    const second = await startEmbeddedStore(dataDir);
    cleanups.push(() => second.close());
    const again = createDb({ tableName: 'thread_disk', region: 'us-east-1', endpoint: second.endpoint, inProcess: second.inProcess });
    const items = await Promise.all(
      Array.from({ length: 20 }, (_, i) => again.doc.send(new GetCommand({ TableName: again.tableName, Key: { PK: 'p', SK: `s${i}` } }))),
    );
    expect(items.map((out) => out.Item?.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('answers calls made before close, then refuses like a closed port', async () => {
    const store = await startEmbeddedStore(null);
    const before = store.inProcess.call(LIST_TABLES);
    const closing = store.close();
    await expect(store.inProcess.call(LIST_TABLES)).rejects.toBeInstanceOf(StoreClosedError);
    expect((await before).statusCode).toBe(200);
    await closing;
    await expect(store.inProcess.call(LIST_TABLES)).rejects.toBeInstanceOf(StoreClosedError);
    // Closing twice is one close.
    await store.close();
  });

  it('fails to start with the reason when its port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => taken.close(r)));
    const port = (taken.address() as AddressInfo).port;
    await expect(startEmbeddedStore(null, { port })).rejects.toThrow(/could not start: .*EADDRINUSE/);
  });

  it('serves answers larger than a pooled buffer whole', async () => {
    const store = await startEmbeddedStore(null);
    cleanups.push(() => store.close());
    const db = createDb({ tableName: 'thread_large', region: 'us-east-1', endpoint: store.endpoint, inProcess: store.inProcess });
    await ensureTable(db);
    const big = 'x'.repeat(200_000);
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { PK: 'big', SK: '1', big } }));
    const small = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK: 'missing', SK: '1' } }));
    const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK: 'big', SK: '1' } }));
    expect(small.Item).toBeUndefined();
    expect(out.Item?.big).toBe(big);
  });
});

describe('a store thread that stops by itself', () => {
  it('fails the call it was answering and every later call as unavailable, and reports why', async () => {
    const thread = await startStoreThread({ entry: fixture('dies-on-first-call.mjs'), workerData: null });
    cleanups.push(() => thread.close());
    await expect(thread.store.call(LIST_TABLES)).rejects.toBeInstanceOf(StoreClosedError);
    expect((await thread.failed).message).toBe('the store broke');
    await expect(thread.store.call(LIST_TABLES)).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('does not start when its worker says it cannot', async () => {
    await expect(startStoreThread({ entry: fixture('fails-to-start.mjs'), workerData: null })).rejects.toThrow(
      'the store worker could not start: listen EADDRINUSE: address already in use 127.0.0.1:1',
    );
  });

  it('reports nothing when it was closed', async () => {
    const store = await startEmbeddedStore(null);
    await store.close();
    const outcome = await Promise.race([store.failed.then(() => 'failed'), new Promise((r) => setTimeout(r, 50, 'quiet'))]);
    expect(outcome).toBe('quiet');
  });
});
