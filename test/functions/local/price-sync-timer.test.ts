import { describe, expect, it, vi } from 'vitest';
import { startPriceSyncTimer } from '../../../functions/local/price-sync-timer.js';
import { startHub } from '../../../functions/local/start.js';
import type { Price } from '../../../functions/shared/types.js';
import { createTestContext, TEST_ADMIN_TOKEN, testConfig } from '../../support/store.js';
import { fixtureDocument, startDocumentServer } from '../price-sync/document-server.js';

const server = await startDocumentServer();
server.serve('/prices.json', { body: fixtureDocument() });
const HOUR = 3_600_000;

const hitsOf = (path: string) => server.hits.filter((h) => h === path).length;

const anyPrice: Price = {
  model: 'already-here',
  inputPerMTokUsd: 1,
  outputPerMTokUsd: 2,
  cacheWrite5mPerMTokUsd: null,
  cacheWrite1hPerMTokUsd: null,
  cacheReadPerMTokUsd: null,
  source: 'manual',
  version: 'manual',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('startPriceSyncTimer', () => {
  it('syncs at start when the table has no prices', async () => {
    const ctx = await createTestContext({ config: { priceSourceUrl: server.url('/prices.json') } });
    const synced = vi.fn();
    const timer = startPriceSyncTimer(ctx.services, HOUR, { onSynced: synced });
    await timer.running;
    await timer.stop();
    expect((await ctx.services.prices.list()).length).toBe(13);
    expect(synced).toHaveBeenCalledWith(expect.objectContaining({ models: 13, updated: 13 }));
  });

  it('does not sync at start when prices are already there', async () => {
    const path = '/prices-unused.json';
    server.serve(path, { body: fixtureDocument() });
    const ctx = await createTestContext({ config: { priceSourceUrl: server.url(path) } });
    await ctx.services.prices.put(anyPrice);
    const timer = startPriceSyncTimer(ctx.services, HOUR);
    await timer.running;
    await timer.stop();
    expect(hitsOf(path)).toBe(0);
    expect(await ctx.services.prices.list()).toEqual([anyPrice]);
  });

  it('syncs again on every interval', async () => {
    const path = '/prices-interval.json';
    server.serve(path, { body: fixtureDocument() });
    const ctx = await createTestContext({ config: { priceSourceUrl: server.url(path) } });
    await ctx.services.prices.put(anyPrice);
    const timer = startPriceSyncTimer(ctx.services, 20);
    await vi.waitFor(() => expect(hitsOf(path)).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 10 });
    await timer.stop();
    expect((await ctx.services.prices.getSyncRecord())?.source).toBe(server.url(path));
  });

  it('logs a failed sync and keeps running', async () => {
    const ctx = await createTestContext({ config: { priceSourceUrl: server.url('/missing.json') } });
    const timer = startPriceSyncTimer(ctx.services, HOUR);
    await timer.running;
    await timer.stop();
    const warning = ctx.logger.entries.find((e) => e.message.startsWith('price sync failed'));
    expect(warning?.level).toBe('warn');
    expect(JSON.stringify(warning?.extra)).toContain('answered HTTP 404');
    expect(await ctx.services.prices.list()).toEqual([]);
  });
});

describe('startHub price sync', () => {
  const hubConfig = (path: string, priceSyncIntervalMs: number) =>
    testConfig({ port: 0, adminToken: TEST_ADMIN_TOKEN, priceSourceUrl: server.url(path), priceSyncIntervalMs });

  it('fills an empty table from PRICE_SOURCE_URL at start', async () => {
    const path = '/hub-prices.json';
    server.serve(path, { body: fixtureDocument() });
    const hub = await startHub({ config: hubConfig(path, HOUR), inMemory: true });
    try {
      await vi.waitFor(async () => expect(await hub.services.prices.getSyncRecord()).not.toBeNull(), { timeout: 5000, interval: 20 });
      expect((await hub.services.prices.list()).length).toBe(13);
    } finally {
      await hub.stop();
    }
  });

  it('never fetches prices when PRICE_SYNC_INTERVAL_MS is 0', async () => {
    const path = '/hub-off.json';
    server.serve(path, { body: fixtureDocument() });
    const hub = await startHub({ config: hubConfig(path, 0), inMemory: true });
    await hub.stop();
    expect(hitsOf(path)).toBe(0);
  });
});
