import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../../functions/shared/ids.js';
import type { RequestLog } from '../../../functions/shared/types.js';
import { createAdminHarness, KEY_BODY, USER_BODY, type AdminHarness } from './admin-harness.js';

const usd = (amount: number) => Math.round(amount * 1e9);

interface Holder {
  userId: string;
  keyId: string;
  secret: string;
}

async function keyHolder(h: AdminHarness, user = {}, key = {}): Promise<Holder> {
  const userId = (await h.call('POST', '/api/users', { ...USER_BODY, ...user })).body.id;
  const created = (await h.call('POST', `/api/users/${userId}/keys`, { ...KEY_BODY, ...key })).body;
  return { userId, keyId: created.id, secret: created.key };
}

/** One request through the limiter (admission, then settle with `costUsd`). */
async function spend(h: AdminHarness, holder: Holder, costUsd: number): Promise<void> {
  const key = (await h.services.apiKeys.get(holder.keyId))!;
  const user = (await h.services.users.get(holder.userId))!;
  const ticket = await h.services.limiter.admit({ key, user, sessionId: 'sess-1', requestId: newRequestId(h.clock.now), estimateNanos: 0 });
  await h.services.limiter.settle(ticket, { costNanos: usd(costUsd), providerId: 'prv_1', nowMs: h.clock.now });
}

function requestLog(holder: Holder, overrides: Partial<RequestLog> = {}): RequestLog {
  const id = newRequestId();
  return {
    id,
    createdAt: new Date().toISOString(),
    userId: holder.userId,
    keyId: holder.keyId,
    providerId: 'prv_1',
    providerName: 'anthropic-main',
    endpoint: 'messages',
    model: 'claude-sonnet-4-5',
    upstreamModel: 'claude-sonnet-4-5',
    stream: true,
    statusCode: 200,
    inputTokens: 10,
    outputTokens: 20,
    cacheCreationInputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.25,
    costBreakdown: null,
    priceVersion: 'manual',
    durationMs: 100,
    ttfbMs: 10,
    sessionId: 'sess-1',
    userAgent: 'claude-cli',
    error: null,
    chain: [{ providerId: 'prv_1', providerName: 'anthropic-main', attempt: 1, reason: 'initial_pick', statusCode: 200, error: null, durationMs: 90 }],
    filtered: { prv_2: 'circuit_open' },
    ...overrides,
  };
}

function sessionCookieOf(setCookie: string | null): string {
  const match = /(codehub_session=[^;]+)/.exec(setCookie ?? '');
  expect(match?.[1]).toBeTruthy();
  return match![1]!;
}

describe('GET /api/me', () => {
  it('shows a client key its own and its user’s limits, usage in every window, RPM, sessions and last requests', async () => {
    const h = await createAdminHarness();
    const holder = await keyHolder(h, { note: 'internal: contractor', dailyLimitUsd: 100, concurrentSessions: 2 }, { limit5hUsd: 10 });
    await spend(h, holder, 2.5);
    await h.services.logs.put(requestLog(holder), usd(0.25));

    const res = await h.call('GET', '/api/me', undefined, { auth: holder.secret });
    expect(res.status).toBe(200);
    expect(res.body.key).toMatchObject({ id: holder.keyId, name: 'laptop', limit5hUsd: 10 });
    expect(res.body.user).toMatchObject({ id: holder.userId, name: 'alice', dailyLimitUsd: 100, rpmLimit: 60 });
    expect(res.body.user).not.toHaveProperty('note');
    expect(res.body.windows).toHaveLength(10);
    expect(res.body.windows[0]).toMatchObject({ scope: 'key', window: '5h', limitUsd: 10, usedUsd: 2.5, reservedUsd: 0 });
    expect(Date.parse(res.body.windows[0].resetsAt)).toBeGreaterThan(Date.now());
    expect(res.body.windows.find((w: { scope: string; window: string }) => w.scope === 'user' && w.window === 'daily')).toMatchObject({
      limitUsd: 100,
      usedUsd: 2.5,
    });
    expect(res.body.rpm).toEqual({ limit: 60, used: 1 });
    expect(res.body.activeSessions).toEqual({ scope: 'user', limit: 2, used: 1 });
    expect(res.body.recent).toHaveLength(1);
    expect(res.body.recent[0]).toMatchObject({ statusCode: 200, costUsd: 0.25, model: 'claude-sonnet-4-5' });
    expect(res.body.recent[0]).not.toHaveProperty('chain');
    expect(res.body.recent[0]).not.toHaveProperty('filtered');
    expect(res.body.recent[0]).not.toHaveProperty('providerName');
  });

  it('answers a key-holder session cookie, and 401 once its key is disabled', async () => {
    const h = await createAdminHarness();
    const holder = await keyHolder(h);
    const login = await h.call('POST', '/api/auth/login', { token: holder.secret }, { auth: false });
    const cookie = sessionCookieOf(login.headers.get('set-cookie'));
    const me = await h.call('GET', '/api/me', undefined, { auth: false, headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.body.key.id).toBe(holder.keyId);
    await h.call('PATCH', `/api/keys/${holder.keyId}`, { enabled: false });
    const after = await h.call('GET', '/api/me', undefined, { auth: false, headers: { cookie } });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toBe('API key is disabled');
  });

  it('refuses the admin token with 403 and a missing key with 401', async () => {
    const h = await createAdminHarness();
    const admin = await h.call('GET', '/api/me');
    expect(admin.status).toBe(403);
    expect(admin.body.error.message).toMatch(/use a client key/);
    expect((await h.call('GET', '/api/me', undefined, { auth: false })).status).toBe(401);
  });
});

describe('GET /api/users/{id}/usage and /api/keys/{id}/usage', () => {
  it('reports one user or key to the admin', async () => {
    const h = await createAdminHarness();
    const holder = await keyHolder(h, { dailyLimitUsd: 5 });
    await spend(h, holder, 1);
    const user = await h.call('GET', `/api/users/${holder.userId}/usage`);
    expect(user.status).toBe(200);
    expect(user.body.windows.map((w: { scope: string; window: string; usedUsd: number }) => [w.scope, w.window, w.usedUsd])).toEqual([
      ['user', '5h', 1],
      ['user', 'daily', 1],
      ['user', 'weekly', 1],
      ['user', 'monthly', 1],
      ['user', 'total', 1],
    ]);
    expect(user.body.rpm).toEqual({ limit: 60, used: 1 });
    const key = await h.call('GET', `/api/keys/${holder.keyId}/usage`);
    expect(key.status).toBe(200);
    expect(key.body.windows[4]).toMatchObject({ scope: 'key', window: 'total', limitUsd: null, usedUsd: 1, resetsAt: null });
  });

  it('answers 404 for unknown ids, and keeps key holders out (403 for their session, 401 for a bare client key)', async () => {
    const h = await createAdminHarness();
    const holder = await keyHolder(h);
    expect((await h.call('GET', '/api/users/usr_missing/usage')).status).toBe(404);
    expect((await h.call('GET', '/api/keys/key_missing/usage')).status).toBe(404);
    const login = await h.call('POST', '/api/auth/login', { token: holder.secret }, { auth: false });
    const cookie = sessionCookieOf(login.headers.get('set-cookie'));
    expect((await h.call('GET', `/api/keys/${holder.keyId}/usage`, undefined, { auth: false, headers: { cookie } })).status).toBe(403);
    expect((await h.call('GET', `/api/users/${holder.userId}/usage`, undefined, { auth: holder.secret })).status).toBe(401);
  });
});
