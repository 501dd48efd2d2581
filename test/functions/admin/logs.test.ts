import { describe, expect, it } from 'vitest';
import { createAdminApp } from '../../../functions/admin/app.js';
import { newRequestId } from '../../../functions/shared/ids.js';
import type { RequestLog } from '../../../functions/shared/types.js';
import { createTestContext, TEST_ADMIN_TOKEN } from '../../support/store.js';

function makeLog(ms: number, overrides: Partial<RequestLog> = {}): RequestLog {
  return {
    id: newRequestId(ms),
    createdAt: new Date(ms).toISOString(),
    userId: 'usr_a',
    keyId: 'key_a',
    providerId: 'prv_a',
    providerName: 'a',
    endpoint: 'messages',
    model: 'claude-sonnet-4-5',
    upstreamModel: 'claude-sonnet-4-5',
    stream: true,
    statusCode: 200,
    inputTokens: 1,
    outputTokens: 2,
    cacheCreationInputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.001,
    costBreakdown: null,
    priceVersion: 'manual',
    durationMs: 10,
    ttfbMs: 5,
    sessionId: 's1',
    userAgent: 'test',
    error: null,
    chain: [{ providerId: 'prv_a', providerName: 'a', attempt: 1, reason: 'initial_pick', statusCode: 200, error: null, durationMs: 9 }],
    filtered: {},
    ...overrides,
  };
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-20T12:00:00.000Z');

async function setup() {
  const ctx = await createTestContext({ now: T0 + 3 * DAY });
  const logs: RequestLog[] = [];
  // 3 days × 10 requests; alternating users/keys/providers; some errors.
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 10; i++) {
      const log = makeLog(T0 + d * DAY + i * 60_000, {
        userId: i % 2 ? 'usr_b' : 'usr_a',
        keyId: i % 2 ? 'key_b' : 'key_a',
        providerId: i % 3 ? 'prv_a' : 'prv_b',
        statusCode: i === 9 ? 502 : 200,
        model: i % 4 === 0 ? 'gpt-5' : 'claude-sonnet-4-5',
        sessionId: `s${i % 5}`,
      });
      logs.push(log);
      await ctx.services.logs.put(log, 1_000_000);
    }
  }
  const app = createAdminApp(ctx.services, { adminToken: TEST_ADMIN_TOKEN });
  const get = async (query: string) => {
    const res = await app.request(`/api/logs${query}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    return { status: res.status, body: (await res.json()) as { items: RequestLog[]; nextCursor: string | null; error?: unknown } };
  };
  const newestFirst = [...logs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { ctx, app, get, logs, newestFirst };
}

async function collectPages(get: (q: string) => Promise<{ body: { items: RequestLog[]; nextCursor: string | null } }>, base: string) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const sep = base.includes('?') ? '&' : '?';
    const { body } = await get(`${base}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    ids.push(...body.items.map((l) => l.id));
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return ids;
}

describe('GET /api/logs', () => {
  it('returns every log newest first across day partitions, page by page, without repeats', async () => {
    const { get, newestFirst } = await setup();
    const ids = await collectPages(get, '?limit=7');
    expect(ids).toEqual(newestFirst.map((l) => l.id));
  });

  it.each([
    ['userId=usr_b', (l: RequestLog) => l.userId === 'usr_b'],
    ['keyId=key_a', (l: RequestLog) => l.keyId === 'key_a'],
    ['providerId=prv_b', (l: RequestLog) => l.providerId === 'prv_b'],
    ['model=gpt-5', (l: RequestLog) => l.model === 'gpt-5'],
    ['status=502', (l: RequestLog) => l.statusCode === 502],
    ['sessionId=s3', (l: RequestLog) => l.sessionId === 's3'],
    ['userId=usr_a&providerId=prv_a', (l: RequestLog) => l.userId === 'usr_a' && l.providerId === 'prv_a'],
  ])('filters by %s with paging', async (query, keep) => {
    const { get, newestFirst } = await setup();
    const ids = await collectPages(get, `?${query}&limit=4`);
    expect(ids).toEqual(newestFirst.filter(keep).map((l) => l.id));
  });

  it('limits to a time range', async () => {
    const { get, newestFirst } = await setup();
    const from = new Date(T0 + DAY).toISOString();
    const to = new Date(T0 + DAY + 5 * 60_000).toISOString();
    const ids = await collectPages(get, `?from=${from}&to=${to}&limit=3`);
    expect(ids).toEqual(newestFirst.filter((l) => l.createdAt >= from && l.createdAt <= to).map((l) => l.id));
    expect(ids).toHaveLength(6);
  });

  it('returns one log with its decision chain by id, 404 for unknown ids', async () => {
    const { app, logs } = await setup();
    const res = await app.request(`/api/logs/${logs[3]!.id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(logs[3]);
    const missing = await app.request(`/api/logs/${newRequestId(T0)}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(missing.status).toBe(404);
    const junk = await app.request('/api/logs/not-a-request-id', { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(junk.status).toBe(404);
  });

  it('refuses bad query parameters with 400 fields and requires auth', async () => {
    const { app, get } = await setup();
    expect((await get('?limit=0')).status).toBe(400);
    expect((await get('?status=abc')).body.error).toMatchObject({ fields: { status: expect.any(String) } });
    expect((await get('?from=yesterday')).status).toBe(400);
    expect((await get('?cursor=garbage')).status).toBe(400);
    expect((await get('?bogus=1')).status).toBe(400);
    expect((await app.request('/api/logs')).status).toBe(401);
  });

  it('writes a request log only once for the same request id', async () => {
    const { ctx, logs, get } = await setup();
    await ctx.services.logs.put(logs[0]!, 1);
    const ids = await collectPages(get, '?limit=100');
    expect(ids).toHaveLength(30);
  });
});
