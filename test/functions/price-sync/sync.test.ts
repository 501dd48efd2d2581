import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffPrices, syncPrices } from '../../../functions/price-sync/sync.js';
import type { Price } from '../../../functions/shared/types.js';
import { createTestContext, type TestContext } from '../../support/store.js';
import { fixtureDocument, REAL_TABLE_PATH, startDocumentServer } from './document-server.js';

const server = await startDocumentServer();
const FIXTURE = fixtureDocument();
const FIXTURE_SHA = createHash('sha256').update(FIXTURE).digest('hex');
/** Priced entries of the fixture: 14 entries less sample_spec and gpt-image-1 (no output price). */
const FIXTURE_MODELS = 13;
server.serve('/fixture.json', { body: FIXTURE });

const T0 = Date.parse('2025-06-01T12:00:00Z');

function manualPrice(model: string, input: number): Price {
  return {
    model,
    inputPerMTokUsd: input,
    outputPerMTokUsd: input * 4,
    cacheWrite5mPerMTokUsd: null,
    cacheWrite1hPerMTokUsd: null,
    cacheReadPerMTokUsd: null,
    source: 'manual',
    version: 'manual',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

async function snapshot(ctx: TestContext) {
  return { prices: await ctx.services.prices.list(), record: await ctx.services.prices.getSyncRecord() };
}

describe('syncPrices with the fixture document', () => {
  it('stores every priced model with per-million rates, the document hash as version and a sync record', async () => {
    const ctx = await createTestContext({ now: T0 });
    const result = await syncPrices(ctx.services, { url: server.url('/fixture.json') });
    expect(result).toEqual({
      source: server.url('/fixture.json'),
      sha256: FIXTURE_SHA,
      syncedAt: '2025-06-01T12:00:00.000Z',
      models: FIXTURE_MODELS,
      updated: FIXTURE_MODELS,
      skippedManual: 0,
      skippedEntries: 2,
      unchanged: 0,
    });
    const prices = await ctx.services.prices.list();
    expect(prices).toHaveLength(FIXTURE_MODELS);
    expect(prices.map((p) => p.model)).not.toContain('sample_spec');
    expect(prices.map((p) => p.model)).not.toContain('gpt-image-1');
    expect(await ctx.services.prices.get('claude-haiku-4-5')).toMatchObject({
      inputPerMTokUsd: 1,
      outputPerMTokUsd: 5,
      cacheWrite5mPerMTokUsd: 1.25,
      cacheWrite1hPerMTokUsd: 2,
      cacheReadPerMTokUsd: 0.1,
      source: 'litellm',
      version: FIXTURE_SHA,
    });
    expect(await ctx.services.prices.get('gemini-2.5-pro')).toMatchObject({
      inputPerMTokUsd: 1.25,
      inputAbove200kPerMTokUsd: 2.5,
      outputAbove200kPerMTokUsd: 15,
      cacheReadAbove200kPerMTokUsd: 0.25,
      cacheWrite5mAbove200kPerMTokUsd: 0.25,
    });
    expect(await ctx.services.prices.get('deepseek-chat')).toMatchObject({ inputPerMTokUsd: 0.28, outputPerMTokUsd: 0.42, cacheReadPerMTokUsd: 0.028 });
    expect(await ctx.services.prices.getSyncRecord()).toEqual({
      source: server.url('/fixture.json'),
      sha256: FIXTURE_SHA,
      syncedAt: '2025-06-01T12:00:00.000Z',
      models: FIXTURE_MODELS,
      updated: FIXTURE_MODELS,
      skippedManual: 0,
    });
  });

  it('syncs from PRICE_SOURCE_URL when no url is given', async () => {
    const ctx = await createTestContext({ now: T0, config: { priceSourceUrl: server.url('/fixture.json') } });
    expect((await syncPrices(ctx.services)).models).toBe(FIXTURE_MODELS);
  });

  it('never overwrites a manual price, and counts it', async () => {
    const ctx = await createTestContext({ now: T0 });
    await ctx.services.prices.put(manualPrice('gpt-4.1', 1));
    const result = await syncPrices(ctx.services, { url: server.url('/fixture.json') });
    expect(result).toMatchObject({ models: FIXTURE_MODELS, updated: FIXTURE_MODELS - 1, skippedManual: 1 });
    expect(await ctx.services.prices.get('gpt-4.1')).toEqual(manualPrice('gpt-4.1', 1));
  });

  it('writes nothing when the same document is synced again', async () => {
    const ctx = await createTestContext({ now: T0 });
    await syncPrices(ctx.services, { url: server.url('/fixture.json') });
    const before = await ctx.services.prices.list();
    ctx.clock.now += 3_600_000;
    const again = await syncPrices(ctx.services, { url: server.url('/fixture.json') });
    expect(again).toMatchObject({ updated: 0, unchanged: FIXTURE_MODELS, syncedAt: '2025-06-01T13:00:00.000Z' });
    expect(await ctx.services.prices.list()).toEqual(before);
    expect((await ctx.services.prices.getSyncRecord())?.syncedAt).toBe('2025-06-01T13:00:00.000Z');
  });

  it('writes only the changed prices of a new document, with the new version', async () => {
    const ctx = await createTestContext({ now: T0 });
    await syncPrices(ctx.services, { url: server.url('/fixture.json') });
    const doc = JSON.parse(FIXTURE.toString('utf8'));
    doc['claude-haiku-4-5'].output_cost_per_token = 6e-6;
    doc['brand-new-model'] = { input_cost_per_token: 2e-6, output_cost_per_token: 8e-6 };
    const body = JSON.stringify(doc);
    server.serve('/changed.json', { body });
    const result = await syncPrices(ctx.services, { url: server.url('/changed.json') });
    const sha = createHash('sha256').update(body).digest('hex');
    expect(result).toMatchObject({ models: FIXTURE_MODELS + 1, updated: 2, unchanged: FIXTURE_MODELS - 1, sha256: sha });
    expect(await ctx.services.prices.get('claude-haiku-4-5')).toMatchObject({ outputPerMTokUsd: 6, version: sha });
    expect(await ctx.services.prices.get('brand-new-model')).toMatchObject({ inputPerMTokUsd: 2, version: sha });
    expect(await ctx.services.prices.get('claude-opus-4-5')).toMatchObject({ version: FIXTURE_SHA });
  });

  it('keeps a synced model the new document no longer lists', async () => {
    const ctx = await createTestContext({ now: T0 });
    await syncPrices(ctx.services, { url: server.url('/fixture.json') });
    server.serve('/one.json', { body: JSON.stringify({ 'gpt-5': { input_cost_per_token: 1.25e-6, output_cost_per_token: 1e-5 } }) });
    await syncPrices(ctx.services, { url: server.url('/one.json') });
    expect(await ctx.services.prices.list()).toHaveLength(FIXTURE_MODELS);
  });

  describe('a broken document changes nothing', () => {
    const broken: [string, string][] = [
      ['not JSON', 'this is not json'],
      ['an HTML page', '<!doctype html><html><body>rate limited</body></html>'],
      ['truncated JSON', FIXTURE.toString('utf8').slice(0, 1500)],
      ['an empty body', ''],
      ['an array', '[]'],
      ['an empty object', '{}'],
      ['null', 'null'],
      ['entries without any price', JSON.stringify({ sample_spec: {}, 'gpt-image-1': { input_cost_per_token: 5e-6 } })],
    ];

    it.each(broken)('%s', async (name, body) => {
      const ctx = await createTestContext({ now: T0 });
      await syncPrices(ctx.services, { url: server.url('/fixture.json') });
      await ctx.services.prices.put(manualPrice('gpt-4.1', 1));
      const before = await snapshot(ctx);
      const path = `/broken-${encodeURIComponent(name)}.json`;
      server.serve(path, { body });
      const err = await syncPrices(ctx.services, { url: server.url(path) }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 502, code: 'upstream_error' });
      expect((err as Error).message).toMatch(/price document/);
      expect(await snapshot(ctx)).toEqual(before);
    });

    it('names the problem: not JSON and how the body starts', async () => {
      const ctx = await createTestContext({ now: T0 });
      server.serve('/html.json', { body: '<!doctype html><html>' });
      await expect(syncPrices(ctx.services, { url: server.url('/html.json') })).rejects.toThrow(/is not JSON .*starts with "<!doctype html><html>"/);
    });

    it('an unreachable source changes nothing either', async () => {
      const ctx = await createTestContext({ now: T0 });
      await syncPrices(ctx.services, { url: server.url('/fixture.json') });
      const before = await snapshot(ctx);
      await expect(syncPrices(ctx.services, { url: server.url('/missing.json') })).rejects.toMatchObject({ status: 502 });
      expect(await snapshot(ctx)).toEqual(before);
    });
  });
});

describe('diffPrices', () => {
  const synced = (model: string, input: number): Price => ({ ...manualPrice(model, input), source: 'litellm', version: 'v1' });

  it.each([
    ['a new model is written', [synced('a', 1)], [], { writes: ['a'], skippedManual: 0, unchanged: 0 }],
    ['an unchanged synced price is not', [synced('a', 1)], [{ ...synced('a', 1), version: 'v0' }], { writes: [], skippedManual: 0, unchanged: 1 }],
    ['a changed synced price is', [synced('a', 2)], [synced('a', 1)], { writes: ['a'], skippedManual: 0, unchanged: 0 }],
    ['a manual price is never', [synced('a', 2)], [manualPrice('a', 1)], { writes: [], skippedManual: 1, unchanged: 0 }],
    ['a manual price equal to the synced one is still counted as manual', [synced('a', 1)], [manualPrice('a', 1)], { writes: [], skippedManual: 1, unchanged: 0 }],
  ])('%s', (_case, incoming, existing, expected) => {
    const diff = diffPrices(incoming, existing);
    expect({ ...diff, writes: diff.writes.map((p) => p.model) }).toEqual(expected);
  });
});

describe.skipIf(!existsSync(REAL_TABLE_PATH))('syncPrices with the real LiteLLM table (../shared/data/litellm-prices.json)', () => {
  if (!existsSync(REAL_TABLE_PATH)) {
    it.skip(`skipped: ${REAL_TABLE_PATH} is absent (only present beside the repo in the team workspace)`, () => {});
    return;
  }
  const real = readFileSync(REAL_TABLE_PATH);
  server.serve('/real.json', { body: real });

  it('stores at least 200 models with exact Claude Sonnet 4.5 rates, keeps a manual price and a resync writes nothing', async () => {
    const ctx = await createTestContext({ now: T0 });
    await ctx.services.prices.put(manualPrice('gpt-5', 1));
    const first = await syncPrices(ctx.services, { url: server.url('/real.json') });
    expect(first.models).toBeGreaterThanOrEqual(200);
    expect(first.sha256).toBe(createHash('sha256').update(real).digest('hex'));
    expect(first.skippedManual).toBe(1);
    expect(first.updated).toBe(first.models - 1);
    expect((await ctx.services.prices.list()).length).toBeGreaterThanOrEqual(200);
    expect(await ctx.services.prices.get('claude-sonnet-4-5')).toMatchObject({
      inputPerMTokUsd: 3,
      outputPerMTokUsd: 15,
      cacheReadPerMTokUsd: 0.3,
      cacheWrite5mPerMTokUsd: 3.75,
      cacheWrite1hPerMTokUsd: 6,
      source: 'litellm',
      version: first.sha256,
    });
    expect(await ctx.services.prices.get('gpt-5')).toEqual(manualPrice('gpt-5', 1));

    const second = await syncPrices(ctx.services, { url: server.url('/real.json') });
    expect(second).toMatchObject({ updated: 0, models: first.models, unchanged: first.models - 1, skippedManual: 1 });
  });

  it('a broken copy of the real table changes nothing', async () => {
    const ctx = await createTestContext({ now: T0 });
    await syncPrices(ctx.services, { url: server.url('/real.json') });
    const before = await snapshot(ctx);
    server.serve('/real-truncated.json', { body: real.subarray(0, Math.floor(real.length / 2)) });
    await expect(syncPrices(ctx.services, { url: server.url('/real-truncated.json') })).rejects.toThrow(/not JSON/);
    expect(await snapshot(ctx)).toEqual(before);
  });
});
