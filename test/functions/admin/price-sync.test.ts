import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { fixtureDocument, startDocumentServer } from '../price-sync/document-server.js';
import { createAdminHarness, PRICE_BODY } from './admin-harness.js';

const server = await startDocumentServer();
const FIXTURE = fixtureDocument();
const SHA = createHash('sha256').update(FIXTURE).digest('hex');
server.serve('/prices.json', { body: FIXTURE });
server.serve('/other.json', { body: JSON.stringify({ 'only-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } }) });
server.serve('/html', { body: '<html>blocked</html>', headers: { 'content-type': 'text/html' } });

const harness = (onChange = vi.fn()) =>
  createAdminHarness({ config: { priceSourceUrl: server.url('/prices.json') }, app: { onChange } });

describe('POST /api/prices/sync', () => {
  it('syncs from PRICE_SOURCE_URL with no body and answers models, updated, source and sha256', async () => {
    const onChange = vi.fn();
    const h = await harness(onChange);
    const res = await h.call('POST', '/api/prices/sync');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ models: 13, updated: 13, source: server.url('/prices.json'), sha256: SHA, skippedManual: 0 });
    expect(res.body.syncedAt).toBe(new Date(h.clock.now).toISOString());
    expect(onChange).toHaveBeenCalledTimes(1);
    const list = await h.call('GET', '/api/prices?model=claude-sonnet-4-5');
    expect(list.body.items.find((p: { model: string }) => p.model === 'claude-sonnet-4-5')).toMatchObject({
      inputPerMTokUsd: 3,
      outputPerMTokUsd: 15,
      cacheReadPerMTokUsd: 0.3,
      cacheWrite5mPerMTokUsd: 3.75,
      cacheWrite1hPerMTokUsd: 6,
      source: 'litellm',
      version: SHA,
    });
  });

  it.each([
    ['an empty JSON body', '', { 'content-type': 'application/json' }],
    ['an empty object', '{}', { 'content-type': 'application/json' }],
    ['a whitespace body', '  \n', { 'content-type': 'application/json' }],
  ])('accepts %s', async (_case, raw, headers) => {
    const h = await harness();
    const res = await h.call('POST', '/api/prices/sync', undefined, { raw, headers });
    expect(res.status).toBe(200);
    expect(res.body.models).toBe(13);
  });

  it('syncs from the url in the body', async () => {
    const h = await harness();
    const res = await h.call('POST', '/api/prices/sync', { url: server.url('/other.json') });
    expect(res.body).toMatchObject({ models: 1, updated: 1, source: server.url('/other.json') });
    expect(await h.services.prices.get('only-model')).toMatchObject({ inputPerMTokUsd: 1, outputPerMTokUsd: 2 });
  });

  it('keeps a price set by hand and writes nothing on a second sync', async () => {
    const onChange = vi.fn();
    const h = await harness(onChange);
    expect((await h.call('PUT', '/api/prices/gpt-5', { ...PRICE_BODY, inputPerMTokUsd: 9 })).status).toBe(200);
    onChange.mockClear();
    const first = await h.call('POST', '/api/prices/sync');
    expect(first.body).toMatchObject({ updated: 12, skippedManual: 1 });
    const second = await h.call('POST', '/api/prices/sync');
    expect(second.body).toMatchObject({ updated: 0, skippedManual: 1, sha256: SHA });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect((await h.call('GET', '/api/prices/gpt-5')).body).toMatchObject({ inputPerMTokUsd: 9, source: 'manual', version: 'manual' });
  });

  it.each([
    ['an unknown field', { url: server.url('/prices.json'), force: true }, 'force'],
    ['a url that is not http', { url: 'file:///etc/passwd' }, 'url'],
    ['a url that is not a url', { url: 'prices' }, 'url'],
  ])('answers 400 with fields for %s', async (_case, body, field) => {
    const h = await harness();
    const res = await h.call('POST', '/api/prices/sync', body);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty([field]);
    expect(await h.services.prices.list()).toEqual([]);
  });

  it('answers 502 naming the problem when the source sends a broken document, and changes nothing', async () => {
    const h = await harness();
    await h.call('POST', '/api/prices/sync');
    const before = await h.services.prices.list();
    const res = await h.call('POST', '/api/prices/sync', { url: server.url('/html') });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/is not JSON/);
    expect(await h.services.prices.list()).toEqual(before);
    expect((await h.call('GET', '/api/prices/sync')).body.source).toBe(server.url('/prices.json'));
  });

  it('answers 502 when the source is unreachable', async () => {
    const h = await harness();
    const res = await h.call('POST', '/api/prices/sync', { url: server.url('/missing.json') });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/answered HTTP 404/);
  });

  it('needs the admin token', async () => {
    const h = await harness();
    const fetchesBefore = server.hits.length;
    expect((await h.call('POST', '/api/prices/sync', undefined, { auth: false })).status).toBe(401);
    expect((await h.call('GET', '/api/prices/sync', undefined, { auth: false })).status).toBe(401);
    expect(server.hits.length).toBe(fetchesBefore);
  });
});

describe('GET /api/prices/sync', () => {
  it('is null before the first sync', async () => {
    const h = await harness();
    const res = await h.call('GET', '/api/prices/sync');
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });

  it('returns the last sync record', async () => {
    const h = await harness();
    await h.call('POST', '/api/prices/sync');
    const res = await h.call('GET', '/api/prices/sync');
    expect(res.body).toEqual({
      source: server.url('/prices.json'),
      sha256: SHA,
      syncedAt: new Date(h.clock.now).toISOString(),
      models: 13,
      updated: 13,
      skippedManual: 0,
    });
  });

  it('is routed before /api/prices/{model}, so it is never read as a model named sync', async () => {
    const h = await harness();
    expect((await h.call('PUT', '/api/prices/sync', PRICE_BODY)).status).toBe(200);
    const res = await h.call('GET', '/api/prices/sync');
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });
});
