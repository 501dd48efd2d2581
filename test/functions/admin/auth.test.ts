import { describe, expect, it } from 'vitest';
import { createFailureThrottle } from '../../../functions/shared/auth/failure-throttle.js';
import { createAdminApp } from '../../../functions/admin/app.js';
import { createDb } from '../../../functions/shared/db/client.js';
import { createServices } from '../../../functions/shared/services.js';
import { TEST_ADMIN_TOKEN, testStore } from '../../support/store.js';
import { createAdminHarness, fromIp, KEY_BODY, USER_BODY, type AdminHarness } from './admin-harness.js';

function sessionCookieOf(setCookie: string | null): string {
  const match = /codehub_session=([^;]*)/.exec(setCookie ?? '');
  if (!match?.[1]) throw new Error(`no session cookie in ${setCookie}`);
  return `codehub_session=${match[1]}`;
}

async function login(h: AdminHarness, token: string, env?: unknown) {
  const res = await h.call('POST', '/api/auth/login', { token }, { auth: false, env });
  return { res, cookie: res.status === 200 ? sessionCookieOf(res.headers.get('set-cookie')) : null };
}

async function createKey(h: AdminHarness, keyBody: Record<string, unknown> = {}) {
  const user = await h.call('POST', '/api/users', { name: 'kim' });
  const key = await h.call('POST', `/api/users/${user.body.id}/keys`, { ...KEY_BODY, ...keyBody });
  return { userId: user.body.id as string, keyId: key.body.id as string, secret: key.body.key as string };
}

describe('GET /api/health', () => {
  it('answers 200 {"status":"ok"} without auth once the store answers', async () => {
    const h = await createAdminHarness();
    const res = await h.call('GET', '/api/health', undefined, { auth: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the store cannot serve the table', async () => {
    const h = await createAdminHarness();
    const store = await testStore();
    const db = createDb({ tableName: 'no-such-table', region: 'us-east-1', endpoint: store.endpoint, maxAttempts: 1 });
    const services = createServices({ config: h.services.config, db, logger: h.logger });
    const app = createAdminApp(services, { adminToken: TEST_ADMIN_TOKEN });
    const res = await app.request('/api/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });
});

describe('bearer auth', () => {
  it('admits the admin token', async () => {
    const h = await createAdminHarness();
    expect((await h.call('GET', '/api/users')).status).toBe(200);
  });

  it.each([
    ['/api/users'],
    ['/api/users/usr_x'],
    ['/api/users/usr_x/keys'],
    ['/api/keys/key_x'],
    ['/api/providers'],
    ['/api/providers/prv_x'],
    ['/api/prices'],
    ['/api/prices/claude-sonnet-4-5'],
  ])('refuses %s with 401 without auth and with a wrong token', async (path) => {
    const h = await createAdminHarness();
    const none = await h.call('GET', path, undefined, { auth: false });
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/authentication required/);
    const wrong = await h.call('GET', path, undefined, { auth: 'not-the-admin-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('authentication_error');
  });

  it('protects the bare collection paths for writes too', async () => {
    const h = await createAdminHarness();
    expect((await h.call('POST', '/api/users', USER_BODY, { auth: false })).status).toBe(401);
    expect((await h.call('POST', '/api/providers', {}, { auth: false })).status).toBe(401);
    expect((await h.call('GET', '/api/users', undefined, { auth: false })).status).toBe(401);
    expect(await h.services.users.list()).toEqual([]);
  });

  it('refuses a client key as bearer on an admin route with 401 (only the admin token is a bearer there)', async () => {
    const h = await createAdminHarness();
    const { secret } = await createKey(h);
    const res = await h.call('GET', '/api/users', undefined, { auth: secret });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('invalid admin token');
  });

  it('accepts the bearer scheme case-insensitively', async () => {
    const h = await createAdminHarness();
    const res = await h.call('GET', '/api/users', undefined, { auth: false, headers: { authorization: `bearer ${TEST_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
  });
});

describe('POST /api/auth/login', () => {
  it('sets an httpOnly SameSite=Strict session cookie for the admin token and returns role admin', async () => {
    const h = await createAdminHarness();
    const { res, cookie } = await login(h, TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ role: 'admin' });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toContain(TEST_ADMIN_TOKEN);

    const users = await h.call('GET', '/api/users', undefined, { auth: false, headers: { cookie: cookie! } });
    expect(users.status).toBe(200);
    const session = await h.call('GET', '/api/auth/session', undefined, { auth: false, headers: { cookie: cookie! } });
    expect(session.body).toEqual({ role: 'admin' });
  });

  it('logs a client key in as keyholder, whose session gets 403 on admin routes', async () => {
    const h = await createAdminHarness();
    const { secret } = await createKey(h);
    const { res, cookie } = await login(h, secret);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ role: 'keyholder' });
    const headers = { cookie: cookie! };
    expect((await h.call('GET', '/api/auth/session', undefined, { auth: false, headers })).body).toEqual({ role: 'keyholder' });
    for (const path of ['/api/users', '/api/providers', '/api/prices', '/api/keys/key_x']) {
      const denied = await h.call('GET', path, undefined, { auth: false, headers });
      expect(denied.status, path).toBe(403);
      expect(denied.body.error.code).toBe('permission_error');
    }
    const write = await h.call('POST', '/api/users', USER_BODY, { auth: false, headers });
    expect(write.status).toBe(403);
  });

  it('refuses a wrong token, a disabled key and an expired key with 401 and no cookie', async () => {
    const h = await createAdminHarness();
    const wrong = await login(h, 'definitely-not-the-token');
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.headers.get('set-cookie')).toBeNull();

    const disabled = await createKey(h, { enabled: false });
    const d = await login(h, disabled.secret);
    expect(d.res.status).toBe(401);
    expect(d.res.body.error.message).toMatch(/disabled/);

    const expired = await createKey(h, { expiresAt: new Date(h.clock.now - 1000).toISOString() });
    const e = await login(h, expired.secret);
    expect(e.res.status).toBe(401);
    expect(e.res.body.error.message).toMatch(/expired/);
  });

  it('answers 400 with fields for a body without token or with unknown fields', async () => {
    const h = await createAdminHarness();
    const missing = await h.call('POST', '/api/auth/login', {}, { auth: false });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toHaveProperty('token');
    const extra = await h.call('POST', '/api/auth/login', { token: TEST_ADMIN_TOKEN, admin: true }, { auth: false });
    expect(extra.status).toBe(400);
    expect(extra.body.error.fields).toEqual({ admin: 'unknown field' });
  });

  it('answers 400 in the admin error format for malformed JSON', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/auth/login', undefined, { auth: false, raw: '{"token": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request_error');
    expect(res.body.error.message).toMatch(/json/i);
  });
});

describe('session cookies', () => {
  it('ends the session on logout (the cookie is cleared)', async () => {
    const h = await createAdminHarness();
    const { cookie } = await login(h, TEST_ADMIN_TOKEN);
    const out = await h.call('POST', '/api/auth/logout', undefined, { auth: false, headers: { cookie: cookie! } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/codehub_session=;.*Max-Age=0/i);
  });

  it('refuses a tampered cookie, an expired cookie and one signed under another admin token', async () => {
    const h = await createAdminHarness();
    const { cookie } = await login(h, TEST_ADMIN_TOKEN);
    const tampered = cookie!.replace('admin.admin', 'admin.root');
    expect((await h.call('GET', '/api/users', undefined, { auth: false, headers: { cookie: tampered } })).status).toBe(401);

    h.clock.now += 13 * 3600 * 1000;
    expect((await h.call('GET', '/api/users', undefined, { auth: false, headers: { cookie: cookie! } })).status).toBe(401);

    const other = await createAdminHarness({ app: { adminToken: 'another-admin-token-abcdef' } });
    const { cookie: foreign } = await login(other, 'another-admin-token-abcdef');
    expect((await h.call('GET', '/api/users', undefined, { auth: false, headers: { cookie: foreign! } })).status).toBe(401);
  });

  it('refuses a cookie-authenticated write whose Origin is another site, and admits a same-origin one', async () => {
    const h = await createAdminHarness();
    const { cookie } = await login(h, TEST_ADMIN_TOKEN);
    const cross = await h.call('POST', '/api/users', USER_BODY, {
      auth: false,
      headers: { cookie: cookie!, host: 'hub.example', origin: 'https://evil.example' },
    });
    expect(cross.status).toBe(403);
    const fetchSite = await h.call('POST', '/api/users', USER_BODY, {
      auth: false,
      headers: { cookie: cookie!, 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchSite.status).toBe(403);
    expect(await h.services.users.list()).toEqual([]);

    const same = await h.call('POST', '/api/users', USER_BODY, {
      auth: false,
      headers: { cookie: cookie!, host: 'hub.example', origin: 'https://hub.example', 'sec-fetch-site': 'same-origin' },
    });
    expect(same.status).toBe(201);
  });

  it('allows cross-site reads with a cookie (SameSite=Strict keeps browsers from sending it)', async () => {
    const h = await createAdminHarness();
    const { cookie } = await login(h, TEST_ADMIN_TOKEN);
    const res = await h.call('GET', '/api/users', undefined, {
      auth: false,
      headers: { cookie: cookie!, host: 'hub.example', origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
  });
});

describe('failed-login throttle', () => {
  it('answers 429 with Retry-After after N failures from one IP, per IP, until the minute passes', async () => {
    const h = await createAdminHarness();
    const throttledApp = await createAdminHarness({
      app: { throttle: createFailureThrottle(3, () => h.clock.now) },
    });
    const a = fromIp('10.0.0.1');
    for (let i = 0; i < 3; i++) {
      expect((await login(throttledApp, `wrong-token-number-${i}`, a)).res.status).toBe(401);
    }
    const blocked = await login(throttledApp, TEST_ADMIN_TOKEN, a);
    expect(blocked.res.status).toBe(429);
    expect(blocked.res.body.error.code).toBe('rate_limit_error');
    expect(Number(blocked.res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Bearer calls from the blocked IP are throttled too.
    expect((await throttledApp.call('GET', '/api/users', undefined, { env: a })).status).toBe(429);

    expect((await login(throttledApp, TEST_ADMIN_TOKEN, fromIp('10.0.0.2'))).res.status).toBe(200);

    h.clock.now += 61_000;
    expect((await login(throttledApp, TEST_ADMIN_TOKEN, a)).res.status).toBe(200);
  });

  it('counts wrong bearer tokens as failures (authFailuresPerMinute from config)', async () => {
    const h = await createAdminHarness({ config: { authFailuresPerMinute: 2 } });
    const ip = fromIp('10.0.0.9');
    expect((await h.call('GET', '/api/users', undefined, { auth: 'wrong-token-aaaaaaaaaaaa', env: ip })).status).toBe(401);
    expect((await h.call('GET', '/api/users', undefined, { auth: 'wrong-token-bbbbbbbbbbbb', env: ip })).status).toBe(401);
    expect((await h.call('GET', '/api/users', undefined, { env: ip })).status).toBe(429);
  });
});

describe('unknown routes', () => {
  it('answers 404 in the admin error format', async () => {
    const h = await createAdminHarness();
    const res = await h.call('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found_error');
  });
});
