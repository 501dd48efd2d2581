import { describe, expect, it } from 'vitest';
import { createAdminHarness, KEY_BODY, USER_BODY, type AdminHarness } from './admin-harness.js';

const SECRET = /^sk-[A-Za-z0-9_-]{32,}$/;

async function userOf(h: AdminHarness): Promise<string> {
  return (await h.call('POST', '/api/users', USER_BODY)).body.id;
}

describe('POST /api/users/{userId}/keys', () => {
  it('answers 201 with the secret once, its display prefix and the contract fields', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const res = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...KEY_BODY, userId, enabled: true });
    expect(res.body.id).toMatch(/^key_/);
    expect(res.body.key).toMatch(SECRET);
    expect(res.body.keyPrefix).toBe(res.body.key.slice(0, 7));
    expect(res.body.keyPrefix).toMatch(/^sk-.{4}$/);
    expect(res.body).not.toHaveProperty('hash');
    expect(await h.services.apiKeys.getBySecret(res.body.key)).toMatchObject({ id: res.body.id, userId });
  });

  it('gives every key a different secret', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const a = await h.call('POST', `/api/users/${userId}/keys`, { name: 'a' });
    const b = await h.call('POST', `/api/users/${userId}/keys`, { name: 'b' });
    expect(a.body.key).not.toBe(b.body.key);
  });

  it('normalises expiresAt to UTC ISO-8601', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const res = await h.call('POST', `/api/users/${userId}/keys`, { ...KEY_BODY, expiresAt: '2030-01-01T09:00:00+09:00' });
    expect(res.status).toBe(201);
    expect(res.body.expiresAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it.each([
    ['an expiresAt that is not a date', { expiresAt: 'next tuesday' }, 'expiresAt'],
    ['an expiresAt without a time', { expiresAt: '2030-01-01' }, 'expiresAt'],
    ['an expiresAt as epoch number', { expiresAt: 1893456000 }, 'expiresAt'],
    ['a negative limit', { dailyLimitUsd: -3 }, 'dailyLimitUsd'],
    ['a zero session count', { concurrentSessions: 0 }, 'concurrentSessions'],
    ['a wrong-typed name', { name: ['x'] }, 'name'],
    ['an unknown field', { key: 'sk-chosen-by-caller-0123456789abcdef0123' }, 'key'],
  ])('answers 400 with fields for %s', async (_case, body, field) => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const res = await h.call('POST', `/api/users/${userId}/keys`, { ...KEY_BODY, ...body });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty([field]);
    expect(await h.services.apiKeys.listByUser(userId)).toEqual([]);
  });

  it('answers 404 for an unknown user', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/users/usr_missing/keys', KEY_BODY);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found_error');
  });

  it('answers 400 for malformed JSON', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const res = await h.call('POST', `/api/users/${userId}/keys`, undefined, { raw: '{name:laptop}' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request_error');
  });
});

describe('GET /api/users/{userId}/keys', () => {
  it('lists the user\'s keys without ever returning the secret', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const other = await userOf(h);
    const a = await h.call('POST', `/api/users/${userId}/keys`, { name: 'a' });
    await h.call('POST', `/api/users/${other}/keys`, { name: 'elsewhere' });
    const res = await h.call('GET', `/api/users/${userId}/keys`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const { key: _secret, ...withoutSecret } = a.body;
    expect(res.body.items[0]).toEqual(withoutSecret);
    expect(JSON.stringify(res.body)).not.toContain(a.body.key);
    for (const attr of ['key', 'hash', 'PK', 'GSI1PK']) expect(res.body.items[0]).not.toHaveProperty(attr);
  });

  it('never returns the secret from GET /api/keys/{id} either', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    const res = await h.call('GET', `/api/keys/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('key');
    expect(res.body).not.toHaveProperty('hash');
    expect(res.body.keyPrefix).toBe(created.body.keyPrefix);
  });

  it('answers 404 for an unknown user', async () => {
    const h = await createAdminHarness();
    expect((await h.call('GET', '/api/users/usr_missing/keys')).status).toBe(404);
  });
});

describe('PATCH /api/keys/{id}', () => {
  it('updates enabled, name, expiresAt and limits, and never returns the secret', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    const patch = {
      enabled: false,
      name: 'old laptop',
      expiresAt: '2031-05-06T07:08:09.000Z',
      dailyLimitUsd: 5,
      limit5hUsd: 1.5,
      limitWeeklyUsd: 20,
      limitMonthlyUsd: 50,
      limitTotalUsd: 500,
      concurrentSessions: 2,
    };
    const res = await h.call('PATCH', `/api/keys/${created.body.id}`, patch);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...patch, id: created.body.id, userId, keyPrefix: created.body.keyPrefix });
    expect(res.body).not.toHaveProperty('key');
    // The secret is unchanged by a patch and its hash item carries the new fields.
    expect(await h.services.apiKeys.getBySecret(created.body.key)).toMatchObject(patch);
  });

  it('answers 400 with fields for a bad expiresAt, a negative limit and an unknown field', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    for (const [body, field] of [
      [{ expiresAt: '2031-13-45T00:00:00Z' }, 'expiresAt'],
      [{ limitMonthlyUsd: -1 }, 'limitMonthlyUsd'],
      [{ userId: 'usr_other' }, 'userId'],
      [{ keyPrefix: 'sk-zzzz' }, 'keyPrefix'],
      [{ enabled: 'false' }, 'enabled'],
    ] as const) {
      const res = await h.call('PATCH', `/api/keys/${created.body.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.fields).toHaveProperty([field]);
    }
  });

  it('answers 404 for an unknown id', async () => {
    const h = await createAdminHarness();
    expect((await h.call('PATCH', '/api/keys/key_missing', { enabled: false })).status).toBe(404);
  });
});

describe('DELETE /api/keys/{id}', () => {
  it('deletes the key: its secret stops authenticating and it leaves the list', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    const res = await h.call('DELETE', `/api/keys/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(await h.services.apiKeys.getBySecret(created.body.key)).toBeNull();
    expect((await h.call('GET', `/api/users/${userId}/keys`)).body.items).toEqual([]);
    expect((await h.call('GET', `/api/keys/${created.body.id}`)).status).toBe(404);
    expect((await h.call('DELETE', `/api/keys/${created.body.id}`)).status).toBe(404);
  });
});

describe('POST /api/keys/{id}/rotate', () => {
  it('answers 200 with a new secret; the old secret is dead at once and the new one works', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, { ...KEY_BODY, dailyLimitUsd: 7 });
    const res = await h.call('POST', `/api/keys/${created.body.id}/rotate`);
    expect(res.status).toBe(200);
    expect(res.body.key).toMatch(SECRET);
    expect(res.body.key).not.toBe(created.body.key);
    expect(res.body).toMatchObject({ id: created.body.id, userId, name: 'laptop', dailyLimitUsd: 7 });
    expect(res.body.keyPrefix).toBe(res.body.key.slice(0, 7));

    expect(await h.services.apiKeys.getBySecret(created.body.key)).toBeNull();
    expect(await h.services.apiKeys.getBySecret(res.body.key)).toMatchObject({ id: created.body.id });

    const listed = (await h.call('GET', `/api/users/${userId}/keys`)).body.items;
    expect(listed).toHaveLength(1);
    expect(listed[0].keyPrefix).toBe(res.body.keyPrefix);
    expect(listed[0]).not.toHaveProperty('key');
  });

  it('keeps later admin operations working on the rotated key', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    const rotated = await h.call('POST', `/api/keys/${created.body.id}/rotate`);
    const patched = await h.call('PATCH', `/api/keys/${created.body.id}`, { enabled: false });
    expect(patched.status).toBe(200);
    expect(await h.services.apiKeys.getBySecret(rotated.body.key)).toMatchObject({ enabled: false });
    expect((await h.call('DELETE', `/api/keys/${created.body.id}`)).status).toBe(200);
    expect(await h.services.apiKeys.getBySecret(rotated.body.key)).toBeNull();
  });

  it('answers 404 for an unknown id', async () => {
    const h = await createAdminHarness();
    expect((await h.call('POST', '/api/keys/key_missing/rotate')).status).toBe(404);
  });

  it('makes the old secret fail login at once even after it was used to log in', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    expect((await h.call('POST', '/api/auth/login', { token: created.body.key }, { auth: false })).status).toBe(200);
    await h.call('POST', `/api/keys/${created.body.id}/rotate`);
    const res = await h.call('POST', '/api/auth/login', { token: created.body.key }, { auth: false });
    expect(res.status).toBe(401);
  });
});

describe('stored form of a key', () => {
  it('keeps only the SHA-256 of the secret, never the secret itself', async () => {
    const h = await createAdminHarness();
    const userId = await userOf(h);
    const created = await h.call('POST', `/api/users/${userId}/keys`, KEY_BODY);
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const { sha256Hex } = await import('../../../functions/shared/ids.js');
    const scan = await h.db.doc.send(new ScanCommand({ TableName: h.db.tableName }));
    const dump = JSON.stringify(scan.Items);
    expect(dump).not.toContain(created.body.key);
    expect(dump).toContain(sha256Hex(created.body.key));
  });
});
