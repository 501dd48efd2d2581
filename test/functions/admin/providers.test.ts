import { describe, expect, it } from 'vitest';
import { createAdminHarness, PROVIDER_BODY } from './admin-harness.js';

const UPSTREAM_SECRET = PROVIDER_BODY.apiKey;
const CLOSED = { state: 'closed', failures: 0, openUntil: null };

function expectNoSecret(body: unknown, secret = UPSTREAM_SECRET) {
  expect(JSON.stringify(body)).not.toContain(secret);
  const items = (body as { items?: unknown[] }).items ?? [body];
  for (const item of items) expect(item).not.toHaveProperty('apiKey');
}

describe('POST /api/providers', () => {
  it('answers 201 with the provider, apiKeyHint instead of apiKey, and a closed circuit', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/providers', PROVIDER_BODY);
    expect(res.status).toBe(201);
    const { apiKey: _secret, ...visible } = PROVIDER_BODY;
    expect(res.body).toMatchObject(visible);
    expect(res.body.id).toMatch(/^prv_/);
    expect(res.body.apiKeyHint).toBe('WXYZ');
    expect(res.body.circuit).toEqual(CLOSED);
    expect(res.body.createdAt).toBe(res.body.updatedAt);
    expectNoSecret(res.body);
    // The secret is kept for the proxy.
    expect((await h.services.providers.get(res.body.id))?.apiKey).toBe(UPSTREAM_SECRET);
  });

  it('fills defaults from name, type, baseUrl and apiKey only', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/providers', {
      name: 'codex',
      type: 'codex',
      baseUrl: 'https://api.openai.com/v1/',
      apiKey: 'sk-openai-0000',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      enabled: true,
      priority: 0,
      weight: 1,
      groupTag: 'default',
      modelRedirects: {},
      allowedModels: [],
      costMultiplier: 1,
      limit5hUsd: null,
      limitWeeklyUsd: null,
      limitMonthlyUsd: null,
      concurrentSessions: null,
      timeoutMs: 600000,
      baseUrl: 'https://api.openai.com/v1',
    });
  });

  it.each([
    ['a missing apiKey', { apiKey: undefined }, 'apiKey'],
    ['an unknown type', { type: 'gemini' }, 'type'],
    ['a baseUrl that is not a URL', { baseUrl: 'api.anthropic.com' }, 'baseUrl'],
    ['a non-http baseUrl', { baseUrl: 'ftp://api.anthropic.com' }, 'baseUrl'],
    ['a baseUrl with a query string', { baseUrl: 'https://api.anthropic.com/?x=1' }, 'baseUrl'],
    ['a negative weight', { weight: -1 }, 'weight'],
    ['a negative priority', { priority: -1 }, 'priority'],
    ['a negative limit', { limit5hUsd: -2 }, 'limit5hUsd'],
    ['a string priority', { priority: '1' }, 'priority'],
    ['modelRedirects as a list', { modelRedirects: ['a'] }, 'modelRedirects'],
    ['an unknown field', { region: 'us' }, 'region'],
    ['a circuit in the body', { circuit: CLOSED }, 'circuit'],
    ['an apiKeyHint in the body', { apiKeyHint: 'abcd' }, 'apiKeyHint'],
  ])('answers 400 with fields for %s', async (_case, patch, field) => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/providers', { ...PROVIDER_BODY, ...patch });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty([field]);
    expect(await h.services.providers.list()).toEqual([]);
  });

  it('answers 400 for malformed JSON', async () => {
    const h = await createAdminHarness();
    const res = await h.call('POST', '/api/providers', undefined, { raw: '{"name":"x"' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request_error');
  });
});

describe('GET /api/providers', () => {
  it('lists providers by priority with hints and circuits and never the upstream key', async () => {
    const h = await createAdminHarness();
    await h.call('POST', '/api/providers', { ...PROVIDER_BODY, name: 'backup', priority: 1, apiKey: 'sk-backup-secret-1111' });
    await h.call('POST', '/api/providers', PROVIDER_BODY);
    const res = await h.call('GET', '/api/providers');
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(['anthropic-main', 'backup']);
    expect(res.body.items.map((p: { apiKeyHint: string }) => p.apiKeyHint)).toEqual(['WXYZ', '1111']);
    for (const p of res.body.items) expect(p.circuit).toEqual(CLOSED);
    expectNoSecret(res.body);
    expectNoSecret(res.body, 'sk-backup-secret-1111');
  });
});

describe('GET|PATCH|DELETE /api/providers/{id}', () => {
  it('reads one provider without its upstream key', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/providers', PROVIDER_BODY);
    const res = await h.call('GET', `/api/providers/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created.body);
    expectNoSecret(res.body);
  });

  it('patches fields and keeps the upstream key when none is sent', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/providers', PROVIDER_BODY);
    h.clock.now += 1000;
    const res = await h.call('PATCH', `/api/providers/${created.body.id}`, { enabled: false, weight: 3, baseUrl: 'https://proxy.example/v1/' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: false, weight: 3, baseUrl: 'https://proxy.example/v1', apiKeyHint: 'WXYZ' });
    expect(res.body.updatedAt).not.toBe(created.body.updatedAt);
    expect(res.body.createdAt).toBe(created.body.createdAt);
    expectNoSecret(res.body);
    expect((await h.services.providers.get(created.body.id))?.apiKey).toBe(UPSTREAM_SECRET);
  });

  it('replaces the upstream key on PATCH and shows only the new hint', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/providers', PROVIDER_BODY);
    const res = await h.call('PATCH', `/api/providers/${created.body.id}`, { apiKey: 'sk-ant-new-secret-9876' });
    expect(res.status).toBe(200);
    expect(res.body.apiKeyHint).toBe('9876');
    expectNoSecret(res.body, 'sk-ant-new-secret-9876');
    expect((await h.services.providers.get(created.body.id))?.apiKey).toBe('sk-ant-new-secret-9876');
  });

  it('answers 400 with fields for a bad patch', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/providers', PROVIDER_BODY);
    for (const [body, field] of [
      [{ baseUrl: 'not a url' }, 'baseUrl'],
      [{ timeoutMs: -1 }, 'timeoutMs'],
      [{ costMultiplier: -0.5 }, 'costMultiplier'],
      [{ id: 'prv_other' }, 'id'],
      [{ apiKey: '' }, 'apiKey'],
    ] as const) {
      const res = await h.call('PATCH', `/api/providers/${created.body.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.fields).toHaveProperty([field]);
    }
  });

  it.each([['GET'], ['PATCH'], ['DELETE'], ['POST reset-circuit']])('answers 404 to %s of an unknown id', async (op) => {
    const h = await createAdminHarness();
    const res =
      op === 'POST reset-circuit'
        ? await h.call('POST', '/api/providers/prv_missing/reset-circuit')
        : await h.call(op, '/api/providers/prv_missing', op === 'PATCH' ? { enabled: false } : undefined);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found_error');
  });

  it('deletes a provider and its circuit state', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/providers', PROVIDER_BODY);
    await h.services.circuits.put(created.body.id, { state: 'open', failures: 5, openedAt: h.clock.now, openUntil: h.clock.now + 60_000, probeStartedAt: null });
    const res = await h.call('DELETE', `/api/providers/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true, id: created.body.id });
    expect((await h.call('GET', `/api/providers/${created.body.id}`)).status).toBe(404);
    expect((await h.call('GET', '/api/providers')).body.items).toEqual([]);
    expect(await h.services.circuits.get(created.body.id)).toMatchObject({ state: 'closed', failures: 0 });
  });
});

describe('circuit state on reads', () => {
  it('shows an open circuit, half-open once its window passes, and closed after reset-circuit', async () => {
    const h = await createAdminHarness();
    const created = await h.call('POST', '/api/providers', PROVIDER_BODY);
    const openUntil = h.clock.now + 60_000;
    await h.services.circuits.put(created.body.id, { state: 'open', failures: 5, openedAt: h.clock.now, openUntil, probeStartedAt: null });

    const open = await h.call('GET', `/api/providers/${created.body.id}`);
    expect(open.body.circuit).toEqual({ state: 'open', failures: 5, openUntil: new Date(openUntil).toISOString() });

    h.clock.now = openUntil;
    expect((await h.call('GET', '/api/providers')).body.items[0].circuit.state).toBe('half-open');

    const reset = await h.call('POST', `/api/providers/${created.body.id}/reset-circuit`);
    expect(reset.status).toBe(200);
    expect(reset.body.circuit).toEqual(CLOSED);
    expectNoSecret(reset.body);
  });
});
