import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../functions/shared/routing/router.js';
import { createAdminHarness, KEY_BODY, type AdminHarness } from './admin-harness.js';

const T0 = Date.parse('2026-03-04T05:06:07.000Z');

async function harness(): Promise<AdminHarness> {
  const h = await createAdminHarness({ config: { sessionTtlSec: 300 } });
  h.clock.now = T0;
  return h;
}

const binding = (sessionId: string, providerId = 'prv_a') => ({ sessionId, providerId, keyId: 'key_1', userId: 'usr_1' });

describe('GET /api/sessions', () => {
  it('answers an empty list when nothing was bound', async () => {
    const h = await harness();
    const res = await h.call('GET', '/api/sessions');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });

  it('requires the admin token (401) and refuses a key holder (403)', async () => {
    const h = await harness();
    expect((await h.call('GET', '/api/sessions', undefined, { auth: false })).status).toBe(401);
    expect((await h.call('GET', '/api/sessions', undefined, { auth: 'wrong-token-0123456789' })).status).toBe(401);

    const user = await h.call('POST', '/api/users', { name: 'kim' });
    const key = await h.call('POST', `/api/users/${user.body.id}/keys`, KEY_BODY);
    const login = await h.call('POST', '/api/auth/login', { token: key.body.key }, { auth: false });
    const cookie = /codehub_session=[^;]*/.exec(login.headers.get('set-cookie') ?? '')![0];
    const denied = await h.call('GET', '/api/sessions', undefined, { auth: false, headers: { cookie } });
    expect(denied.status).toBe(403);
  });

  it('lists each bound session with its key, user, provider, last activity and request count, newest first', async () => {
    const h = await harness();
    const router = createRouter(h.services);
    await router.bindSession(binding('sess-old', 'prv_a'));
    h.clock.now += 10_000;
    await router.bindSession(binding('sess-new', 'prv_b'));
    await router.bindSession(binding('sess-new', 'prv_b'));
    await router.bindSession(binding('sess-new', 'prv_b'));

    const res = await h.call('GET', '/api/sessions');
    expect(res.body.items).toEqual([
      { sessionId: 'sess-new', keyId: 'key_1', userId: 'usr_1', providerId: 'prv_b', lastSeenAt: '2026-03-04T05:06:17.000Z', requests: 3 },
      { sessionId: 'sess-old', keyId: 'key_1', userId: 'usr_1', providerId: 'prv_a', lastSeenAt: '2026-03-04T05:06:07.000Z', requests: 1 },
    ]);
  });

  it('counts every binding of parallel requests of one session', async () => {
    const h = await harness();
    const router = createRouter(h.services);
    await Promise.all(Array.from({ length: 8 }, () => router.bindSession(binding('sess-par'))));
    const res = await h.call('GET', '/api/sessions');
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0].requests).toBe(8);
  });

  it('shows a rebinding to another provider', async () => {
    const h = await harness();
    const router = createRouter(h.services);
    await router.bindSession(binding('sess-1', 'prv_a'));
    h.clock.now += 1000;
    await router.bindSession(binding('sess-1', 'prv_b'));
    const res = await h.call('GET', '/api/sessions');
    expect(res.body.items).toEqual([expect.objectContaining({ sessionId: 'sess-1', providerId: 'prv_b', requests: 2 })]);
    expect(await router.activeSessions()).toEqual(res.body.items);
  });

  it('drops a session SESSION_TTL after its last request, and keeps one whose traffic slides the window', async () => {
    const h = await harness();
    const router = createRouter(h.services);
    await router.bindSession(binding('sess-idle'));
    await router.bindSession(binding('sess-busy'));
    h.clock.now += 200_000;
    await router.bindSession(binding('sess-busy'));

    h.clock.now = T0 + 299_000;
    expect((await h.call('GET', '/api/sessions')).body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual([
      'sess-busy',
      'sess-idle',
    ]);
    h.clock.now = T0 + 301_000;
    expect((await h.call('GET', '/api/sessions')).body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['sess-busy']);
    h.clock.now = T0 + 501_000;
    expect((await h.call('GET', '/api/sessions')).body.items).toEqual([]);
  });
});
