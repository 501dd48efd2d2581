import { describe, expect, it } from 'vitest';
import { createAdminHarness, KEY_BODY, USER_BODY } from './admin-harness.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /api/users', () => {
  it('creates a user with the contract body and answers 201 with id, createdAt, updatedAt', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/users', USER_BODY);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject(USER_BODY);
    expect(res.body.id).toMatch(/^usr_/);
    expect(res.body.createdAt).toMatch(ISO);
    expect(res.body.updatedAt).toBe(res.body.createdAt);
  });

  it('fills defaults from a body with only a name (null = no limit, [] = every model)', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/users', { name: 'bob' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'bob',
      note: '',
      enabled: true,
      providerGroup: 'default',
      allowedModels: [],
      rpmLimit: null,
      dailyLimitUsd: null,
      limit5hUsd: null,
      limitWeeklyUsd: null,
      limitMonthlyUsd: null,
      limitTotalUsd: null,
      concurrentSessions: null,
    });
  });

  it.each([
    ['a missing name', { note: 'x' }, 'name'],
    ['a wrong type', { ...USER_BODY, enabled: 'yes' }, 'enabled'],
    ['a negative spend limit', { ...USER_BODY, dailyLimitUsd: -1 }, 'dailyLimitUsd'],
    ['a negative rpm limit', { ...USER_BODY, rpmLimit: -5 }, 'rpmLimit'],
    ['a fractional session count', { ...USER_BODY, concurrentSessions: 1.5 }, 'concurrentSessions'],
    ['a non-array allowedModels', { ...USER_BODY, allowedModels: 'claude-*' }, 'allowedModels'],
    ['an empty model pattern', { ...USER_BODY, allowedModels: [''] }, 'allowedModels.0'],
  ])('answers 400 with fields for %s', async (_case, body, field) => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/users', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(res.body.error.fields).toHaveProperty([field]);
    expect(await h.services.users.list()).toEqual([]);
  });

  it('answers 400 naming an unknown field', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/users', { ...USER_BODY, isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ isAdmin: 'unknown field' });
  });

  it('answers 400 in the admin error format (not 500) for malformed JSON', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/users', undefined, { raw: '{"name": "alice",' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request_error');
    expect(res.body.error.message).toMatch(/json/i);
  });

  it('answers 400 for a JSON body that is not an object', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/users', undefined, { raw: '[1,2]' });
    expect(res.status).toBe(400);
    expect(res.body.error).toHaveProperty('fields');
  });
});

describe('GET /api/users', () => {
  it('lists every user', async () => {
    const h = await createAdminHarness();
    const a = await h.call('POST', '/api/users', { name: 'a' });
    const b = await h.call('POST', '/api/users', { name: 'b' });
    const res = await h.call('GET', '/api/users');
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { id: string }) => u.id).sort()).toEqual([a.body.id, b.body.id].sort());
    expect(res.body.items.find((u: { id: string }) => u.id === a.body.id)).toEqual(a.body);
  });

  it('shows no store key attributes', async () => {
    const h = await createAdminHarness();
    await h.call('POST', '/api/users', USER_BODY);
    const [user] = (await h.call('GET', '/api/users')).body.items;
    for (const attr of ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'entity']) expect(user).not.toHaveProperty(attr);
  });
});

describe('GET|PATCH|DELETE /api/users/{id}', () => {
  it('reads one user', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/users', USER_BODY);
    const res = await h.call('GET', `/api/users/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
  });

  it('patches only the given fields, keeps id and createdAt, and moves updatedAt', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/users', USER_BODY);
    h.clock.now += 5000;
    const res = await h.call('PATCH', `/api/users/${created.body.id}`, { enabled: false, dailyLimitUsd: null, note: 'paused' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...created.body,
      enabled: false,
      dailyLimitUsd: null,
      note: 'paused',
      updatedAt: new Date(h.clock.now).toISOString(),
    });
    expect((await h.call('GET', `/api/users/${created.body.id}`)).body).toEqual(res.body);
  });

  it('answers 400 with fields for a bad patch and leaves the user unchanged', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/users', USER_BODY);
    for (const [body, field] of [
      [{ rpmLimit: 0 }, 'rpmLimit'],
      [{ limitTotalUsd: -0.01 }, 'limitTotalUsd'],
      [{ name: 42 }, 'name'],
      [{ id: 'usr_other' }, 'id'],
      [{ createdAt: '2020-01-01T00:00:00.000Z' }, 'createdAt'],
    ] as const) {
      const res = await h.call('PATCH', `/api/users/${created.body.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.fields).toHaveProperty([field]);
    }
    expect((await h.call('GET', `/api/users/${created.body.id}`)).body).toEqual(created.body);
  });

  it('answers 400 for malformed JSON on PATCH', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/users', USER_BODY);
    const res = await h.call('PATCH', `/api/users/${created.body.id}`, undefined, { raw: 'enabled=false' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request_error');
  });

  it('refuses a patch sent as a form (curl -d) with 400 instead of answering 200 unchanged', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/users', USER_BODY);
    const res = await h.call('PATCH', `/api/users/${created.body.id}`, undefined, {
      raw: '{"enabled":false}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ 'content-type': 'must be application/json' });
    expect((await h.call('GET', `/api/users/${created.body.id}`)).body.enabled).toBe(true);
  });

  it('accepts application/json with a charset', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/users', USER_BODY);
    const res = await h.call('PATCH', `/api/users/${created.body.id}`, undefined, {
      raw: '{"enabled":false}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(false);
  });

  it.each([['GET'], ['PATCH'], ['DELETE']])('answers 404 to %s of an unknown id', async (method) => {
    const h = await createAdminHarness();
    const res = await h.call(method, '/api/users/usr_missing', method === 'PATCH' ? { note: 'x' } : undefined);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found_error');
    expect(res.body.error.message).toContain('usr_missing');
  });

  it('deletes a user and its keys: the keys stop authenticating at once', async () => {
    const h = await createAdminHarness();
    const user = await h.call('POST', '/api/users', USER_BODY);
    const k1 = await h.call('POST', `/api/users/${user.body.id}/keys`, KEY_BODY);
    const k2 = await h.call('POST', `/api/users/${user.body.id}/keys`, { name: 'ci' });
    const other = await h.call('POST', '/api/users', { name: 'other' });
    const k3 = await h.call('POST', `/api/users/${other.body.id}/keys`, { name: 'kept' });

    const res = await h.call('DELETE', `/api/users/${user.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true, id: user.body.id });

    expect((await h.call('GET', `/api/users/${user.body.id}`)).status).toBe(404);
    expect((await h.call('GET', `/api/users/${user.body.id}/keys`)).status).toBe(404);
    expect(await h.services.apiKeys.getBySecret(k1.body.key)).toBeNull();
    expect(await h.services.apiKeys.getBySecret(k2.body.key)).toBeNull();
    expect(await h.services.apiKeys.get(k1.body.id)).toBeNull();
    expect(await h.services.apiKeys.listByUser(user.body.id)).toEqual([]);
    expect((await h.call('PATCH', `/api/keys/${k2.body.id}`, { name: 'x' })).status).toBe(404);

    expect(await h.services.apiKeys.getBySecret(k3.body.key)).not.toBeNull();
    expect((await h.call('GET', '/api/users')).body.items.map((u: { id: string }) => u.id)).toEqual([other.body.id]);
  });
});
