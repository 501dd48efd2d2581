import { describe, expect, it } from 'vitest';
import type { Price } from '../../../functions/shared/types.js';
import { createAdminHarness, PRICE_BODY } from './admin-harness.js';

const SLASHED = 'anthropic/claude-sonnet-4-5';

function litellmPrice(model: string, input: number): Price {
  return {
    model,
    inputPerMTokUsd: input,
    outputPerMTokUsd: input * 5,
    cacheWrite5mPerMTokUsd: null,
    cacheWrite1hPerMTokUsd: null,
    cacheReadPerMTokUsd: null,
    source: 'litellm',
    version: 'abc123',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

describe('PUT /api/prices/{model}', () => {
  it('stores a price set by hand as manual and answers 200 with it', async () => {
    const h = await createAdminHarness();
    const res = await h.call('PUT', '/api/prices/claude-sonnet-4-5', PRICE_BODY);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...PRICE_BODY, model: 'claude-sonnet-4-5', source: 'manual' });
    expect(res.body.updatedAt).toBe(new Date(h.clock.now).toISOString());
    expect(await h.services.prices.get('claude-sonnet-4-5')).toMatchObject({ source: 'manual', inputPerMTokUsd: 3 });
  });

  it('marks a synced price manual once it is set by hand', async () => {
    const h = await createAdminHarness();
    await h.services.prices.put(litellmPrice('gpt-5', 1.25));
    const { source: _s, ...body } = PRICE_BODY;
    const res = await h.call('PUT', '/api/prices/gpt-5', { ...body, inputPerMTokUsd: 1 });
    expect(res.status).toBe(200);
    expect(await h.services.prices.get('gpt-5')).toMatchObject({ source: 'manual', version: 'manual', inputPerMTokUsd: 1 });
  });

  it('fills optional cache prices with null', async () => {
    const h = await createAdminHarness();
    const res = await h.call('PUT', '/api/prices/m1', { inputPerMTokUsd: 1, outputPerMTokUsd: 2 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cacheWrite5mPerMTokUsd: null, cacheWrite1hPerMTokUsd: null, cacheReadPerMTokUsd: null });
  });

  it.each([
    ['a missing output price', { inputPerMTokUsd: 1 }, 'outputPerMTokUsd'],
    ['a negative price', { ...PRICE_BODY, inputPerMTokUsd: -1 }, 'inputPerMTokUsd'],
    ['a string price', { ...PRICE_BODY, outputPerMTokUsd: '15' }, 'outputPerMTokUsd'],
    ['source litellm', { ...PRICE_BODY, source: 'litellm' }, 'source'],
    ['an unknown field', { ...PRICE_BODY, currency: 'EUR' }, 'currency'],
  ])('answers 400 with fields for %s', async (_case, body, field) => {
    const h = await createAdminHarness();
    const res = await h.call('PUT', '/api/prices/m1', body);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty([field]);
    expect(await h.services.prices.get('m1')).toBeNull();
  });

  it('answers 400 for malformed JSON', async () => {
    const h = await createAdminHarness();
    const res = await h.call('PUT', '/api/prices/m1', undefined, { raw: '{"inputPerMTokUsd": 3' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request_error');
  });

  it.each([['a space', 'bad%20model'], ['a percent sign', 'bad%25model'], ['a malformed escape', 'bad%zzmodel']])(
    'answers 400 for a model name with %s',
    async (_case, path) => {
      const h = await createAdminHarness();
      const res = await h.call('PUT', `/api/prices/${path}`, PRICE_BODY);
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toHaveProperty('model');
      expect(await h.services.prices.list()).toEqual([]);
    },
  );

  it('does not decode a model name twice (%2541 is "%41", not "A")', async () => {
    const h = await createAdminHarness();
    const res = await h.call('PUT', '/api/prices/model-%2541', PRICE_BODY);
    expect(res.status).toBe(400);
    expect(await h.services.prices.get('model-A')).toBeNull();
  });
});

describe('model names with a slash', () => {
  it.each([
    ['raw', `/api/prices/${SLASHED}`],
    ['URL-encoded', `/api/prices/${encodeURIComponent(SLASHED)}`],
  ])('PUT, GET and DELETE work with the name %s in the path', async (_case, path) => {
    const h = await createAdminHarness();
    const put = await h.call('PUT', path, PRICE_BODY);
    expect(put.status).toBe(200);
    expect(put.body.model).toBe(SLASHED);
    expect(await h.services.prices.get(SLASHED)).toMatchObject({ model: SLASHED, source: 'manual' });

    const get = await h.call('GET', path);
    expect(get.status).toBe(200);
    expect(get.body.model).toBe(SLASHED);

    // Written one way, addressed the other.
    const other = path.includes('%2F') ? `/api/prices/${SLASHED}` : `/api/prices/${encodeURIComponent(SLASHED)}`;
    expect((await h.call('GET', other)).body.model).toBe(SLASHED);

    const del = await h.call('DELETE', path);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ deleted: true, model: SLASHED });
    expect(await h.services.prices.get(SLASHED)).toBeNull();
  });

  it('keeps names with dots, colons and @ (bedrock and vertex style)', async () => {
    const h = await createAdminHarness();
    const model = 'bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0';
    expect((await h.call('PUT', `/api/prices/${model}`, PRICE_BODY)).status).toBe(200);
    expect((await h.call('PUT', `/api/prices/${encodeURIComponent('vertex_ai/claude-opus-4@20250514')}`, PRICE_BODY)).status).toBe(200);
    expect((await h.call('GET', '/api/prices')).body.items.map((p: Price) => p.model)).toEqual([
      model,
      'vertex_ai/claude-opus-4@20250514',
    ]);
  });
});

describe('GET /api/prices', () => {
  it('lists every price sorted by model, with ?model= as a case-insensitive substring search', async () => {
    const h = await createAdminHarness();
    await h.services.prices.putMany([
      litellmPrice('gpt-5', 1.25),
      litellmPrice('claude-sonnet-4-5', 3),
      litellmPrice(SLASHED, 3),
      litellmPrice('claude-haiku-4-5', 1),
    ]);
    const all = await h.call('GET', '/api/prices');
    expect(all.status).toBe(200);
    expect(all.body.items.map((p: Price) => p.model)).toEqual([SLASHED, 'claude-haiku-4-5', 'claude-sonnet-4-5', 'gpt-5']);
    expect(all.body.items[0]).toMatchObject({ source: 'litellm', inputPerMTokUsd: 3 });
    for (const attr of ['PK', 'SK', 'GSI1PK', 'entity']) expect(all.body.items[0]).not.toHaveProperty(attr);

    const search = await h.call('GET', '/api/prices?model=SONNET');
    expect(search.body.items.map((p: Price) => p.model)).toEqual([SLASHED, 'claude-sonnet-4-5']);

    const exact = await h.call('GET', `/api/prices?model=${encodeURIComponent('gpt-5')}`);
    expect(exact.body.items.map((p: Price) => p.model)).toEqual(['gpt-5']);

    expect((await h.call('GET', '/api/prices?model=llama')).body.items).toEqual([]);
    expect((await h.call('GET', '/api/prices?model=')).body.items).toHaveLength(4);
  });

  it('lists more prices than one store page holds', async () => {
    const h = await createAdminHarness();
    const many = Array.from({ length: 60 }, (_, i) => ({ ...litellmPrice(`m-${String(i).padStart(3, '0')}`, 1), note: 'x'.repeat(20_000) }));
    await h.services.prices.putMany(many as Price[]);
    const res = await h.call('GET', '/api/prices');
    expect(res.body.items).toHaveLength(60);
  });
});

describe('GET|DELETE /api/prices/{model}', () => {
  it('answers 404 for a model without a price', async () => {
    const h = await createAdminHarness();
    for (const method of ['GET', 'DELETE']) {
      const res = await h.call(method, '/api/prices/no-such-model');
      expect(res.status, method).toBe(404);
      expect(res.body.error.code).toBe('not_found_error');
    }
  });

  it('deletes a price, which then answers 404', async () => {
    const h = await createAdminHarness();
    await h.call('PUT', '/api/prices/claude-haiku-4-5', PRICE_BODY);
    await h.call('PUT', '/api/prices/claude-sonnet-4-5', PRICE_BODY);
    expect((await h.call('DELETE', '/api/prices/claude-haiku-4-5')).status).toBe(200);
    expect((await h.call('GET', '/api/prices/claude-haiku-4-5')).status).toBe(404);
    expect((await h.call('DELETE', '/api/prices/claude-haiku-4-5')).status).toBe(404);
    expect((await h.call('GET', '/api/prices')).body.items.map((p: Price) => p.model)).toEqual(['claude-sonnet-4-5']);
  });
});
