import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../functions/local/start.js';
import { testConfig } from '../support/store.js';

let hub: RunningHub;
beforeAll(async () => {
  hub = await startHub({ config: testConfig({ port: 0, adminToken: 'system-admin-token-0123456789' }), inMemory: true });
});
afterAll(async () => {
  await hub.stop();
});

describe('the whole gateway on one port', () => {
  it('serves health, the admin API and the proxy from one process', async () => {
    expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${hub.url}/api/users`)).status).toBe(401);
    const res = await fetch(`${hub.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });
});
