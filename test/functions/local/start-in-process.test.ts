import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedStore } from '../../../functions/local/embedded-store.js';
import { startHub } from '../../../functions/local/start.js';
import { loadConfig } from '../../../functions/shared/config.js';
import * as client from '../../../functions/shared/db/client.js';
import { keys } from '../../../functions/shared/db/keys.js';
import { createMemoryLogger } from '../../../functions/shared/logger.js';

vi.mock('../../../functions/shared/db/client.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../functions/shared/db/client.js')>();
  return { ...original, createDb: vi.fn(original.createDb) };
});
const createDb = vi.mocked(client.createDb);

const dataDir = mkdtempSync(join(tmpdir(), 'codehub-in-process-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => createDb.mockClear());

function config(env: Record<string, string> = {}) {
  return loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'SILENT', PRICE_SYNC_INTERVAL_MS: '0', ...env });
}

async function createUser(url: string, token: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('startHub and the store', () => {
  it('calls the embedded store it started in process, and keeps serving it over HTTP', async () => {
    const hub = await startHub({ config: config(), logger: createMemoryLogger(), inMemory: true, projectRoot: dataDir });
    try {
      expect(createDb).toHaveBeenCalledTimes(1);
      const options = createDb.mock.calls[0]![0];
      expect(options.inProcess).toBeTruthy();
      expect(options.endpoint).toBe(hub.storeEndpoint);

      const id = await createUser(hub.url, hub.adminToken.token, 'in process');
      // Another client reaches the same data through the HTTP endpoint.
      const http = client.createDb({ tableName: options.tableName, region: options.region, endpoint: hub.storeEndpoint });
      const user = keys.user(id);
      const item = await http.doc.send(new GetCommand({ TableName: options.tableName, Key: { PK: user.PK, SK: user.SK } }));
      expect(item.Item?.name).toBe('in process');
    } finally {
      await hub.stop();
    }
  });

  it('talks HTTP to a store at DYNAMODB_ENDPOINT', async () => {
    const store = await startEmbeddedStore(null);
    try {
      const hub = await startHub({ config: config({ DYNAMODB_ENDPOINT: store.endpoint }), logger: createMemoryLogger(), projectRoot: dataDir });
      try {
        expect(createDb).toHaveBeenCalledTimes(1);
        expect(createDb.mock.calls[0]![0]).toMatchObject({ endpoint: store.endpoint });
        expect(createDb.mock.calls[0]![0].inProcess).toBeFalsy();
        await createUser(hub.url, hub.adminToken.token, 'over http');
      } finally {
        await hub.stop();
      }
    } finally {
      await store.close();
    }
  });
});
