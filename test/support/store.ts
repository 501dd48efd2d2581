// Test harness: one in-memory embedded store per test file, a fresh table per call, real services.
import { afterAll } from 'vitest';
import { loadConfig, type HubConfig } from '../../functions/shared/config.js';
import { createDb, type Db } from '../../functions/shared/db/client.js';
import { ensureTable } from '../../functions/shared/db/bootstrap.js';
import { createMemoryLogger } from '../../functions/shared/logger.js';
import { createServices, type Services } from '../../functions/shared/services.js';
import { startEmbeddedStore, type EmbeddedStore } from '../../functions/local/embedded-store.js';

let storePromise: Promise<EmbeddedStore> | null = null;
let tableCounter = 0;

/** The file's shared in-memory store (started on first use, closed after the file's tests). */
export function testStore(): Promise<EmbeddedStore> {
  if (!storePromise) {
    // On the test's own thread: these tests call the store directly, and a worker thread would
    // only add its start-up to every file. Hubs started with startHub run it in its worker.
    storePromise = startEmbeddedStore(null, { thread: 'inline' });
    afterAll(async () => {
      const store = await storePromise;
      storePromise = null;
      await store?.close();
    });
  }
  return storePromise;
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export function testConfig(overrides: Partial<HubConfig> = {}): HubConfig {
  // Price sync off: a hub started from this config must never reach for the real price source.
  // A short write window: tests wait for settles often, and the window only trades latency for batching.
  return { ...loadConfig({}), logLevel: 'SILENT', priceSyncIntervalMs: 0, writeCoalesceMs: 20, ...overrides };
}

export interface TestContext {
  db: Db;
  services: Services;
  logger: ReturnType<typeof createMemoryLogger>;
  /** Mutable clock: tests move `clock.now` forward. */
  clock: { now: number };
}

/** A fresh table on the shared store with real services; pass a clock to control time. */
export async function createTestContext(
  options: { config?: Partial<HubConfig>; now?: number; random?: () => number } = {},
): Promise<TestContext> {
  const store = await testStore();
  const tableName = `t${process.pid}_${++tableCounter}_${Date.now()}`;
  const config = testConfig({ tableName, ...options.config });
  const db = createDb({ tableName, region: 'us-east-1', endpoint: store.endpoint });
  await ensureTable(db);
  const logger = createMemoryLogger();
  const clock = { now: options.now ?? Date.now() };
  const services = createServices({ config, db, logger, now: () => clock.now, random: options.random });
  return { db, services, logger, clock };
}
