// Starts the whole gateway in one process: embedded store (or DYNAMODB_ENDPOINT), table bootstrap,
// admin API + proxy + dashboard on one node-server. Used by `npm start` and by system tests.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { HubConfig } from '../shared/config.js';
import { createDb } from '../shared/db/client.js';
import { ensureTable } from '../shared/db/bootstrap.js';
import { createKeyAuthenticator } from '../shared/auth/authenticate-key.js';
import { createLogger, type HubLogger } from '../shared/logger.js';
import { createServices, type Services } from '../shared/services.js';
import { createProxyApp } from '../proxy/app.js';
import { createProxyDeps } from '../proxy/deps.js';
import type { ProxyDeps } from '../proxy/pipeline.js';
import { resolveAdminToken, type ResolvedAdminToken } from './admin-token.js';
import { startEmbeddedStore, type EmbeddedStore } from './embedded-store.js';
import { createHubApp } from './hub-app.js';
import { startPriceSyncTimer } from './price-sync-timer.js';
import { startTtlSweeper } from './ttl-sweeper.js';

export interface RunningHub {
  url: string;
  port: number;
  adminToken: ResolvedAdminToken;
  services: Services;
  storeEndpoint: string;
  proxy: ProxyDeps;
  /** Stop accepting, finish in-flight work, flush and close the store. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: HubConfig;
  logger?: HubLogger;
  /** Keep the embedded store in memory instead of under DATA_DIR (tests). */
  inMemory?: boolean;
  now?: () => number;
  random?: () => number;
  projectRoot?: string;
  /**
   * Treat this process as the only writer of the embedded store (limit state mirrored in memory,
   * written behind). Default true; false keeps the direct store path Lambda uses (benchmarks).
   */
  singleWriter?: boolean;
  /** Where the embedded store runs: its own worker thread (default) or this thread (see embedded-store.ts). */
  storeThread?: 'worker' | 'inline';
  /**
   * Called if the embedded store stops by itself (an uncaught error in its thread); the hub then
   * answers as with a store outage. `npm start` exits, as it would had the store crashed in-process.
   */
  onStoreFailed?: (err: Error) => void;
}

export async function startHub(options: StartOptions): Promise<RunningHub> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const projectRoot = options.projectRoot ?? process.cwd();

  let store: EmbeddedStore | null = null;
  if (!config.dynamodbEndpoint) {
    store = await startEmbeddedStore(options.inMemory ? null : resolve(config.dataDir), { thread: options.storeThread });
    void store.failed.then((err) => {
      logger.error('the embedded store stopped', { error: err.message });
      options.onStoreFailed?.(err);
    });
  }
  const endpoint = config.dynamodbEndpoint ?? store!.endpoint;
  // A store this process started is called directly (no socket, no signing); its HTTP port stays
  // open for other processes and tools.
  const db = createDb({ tableName: config.tableName, region: config.region, endpoint, inProcess: store?.inProcess });
  await ensureTable(db);

  const adminToken = resolveAdminToken(config.adminToken, resolve(config.dataDir));
  // With the embedded store this process is the table's only writer: limit state can live in memory.
  const singleWriter = store !== null && (options.singleWriter ?? true);
  const services = createServices({ config: { ...config, singleWriter }, db, logger, now: options.now, random: options.random });
  const keyAuthenticator = createKeyAuthenticator(services, 3000);
  const proxyDeps = createProxyDeps(services, { keys: keyAuthenticator });
  const app = createHubApp(services, {
    adminToken: adminToken.token,
    keyAuthenticator,
    // Admin changes reach the proxy in this process at once (other instances: within the cache TTLs).
    onChange: () => {
      proxyDeps.router.invalidate();
      proxyDeps.prices.invalidate();
    },
    frontendDir: resolve(projectRoot, 'frontend', 'dist'),
    mounts: [createProxyApp(proxyDeps)],
  });
  const stopSweeper = store ? startTtlSweeper(db, (err) => logger.warn('ttl sweep failed', { error: err })) : async () => {};

  let server: ServerType;
  try {
    server = await new Promise<ServerType>((ready, fail) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => ready(s));
      // A taken port is an 'error' event, not a throw: without this the promise never settles.
      s.once('error', fail);
    });
  } catch (err) {
    await stopSweeper();
    if (store) await store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // Like the EventBridge schedule on AWS; PRICE_SYNC_INTERVAL_MS=0 turns it off (tests, offline use).
  const priceSync =
    config.priceSyncIntervalMs > 0
      ? startPriceSyncTimer(services, config.priceSyncIntervalMs, { onSynced: () => proxyDeps.prices.invalidate() })
      : null;

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    adminToken,
    services,
    storeEndpoint: endpoint,
    proxy: proxyDeps,
    stop() {
      stopping ??= (async () => {
        await stopSweeper();
        await new Promise<void>((done) => server.close(() => done()));
        // Every request that was answered is settled (logged, counted) before the store closes.
        const drained = await proxyDeps.settle.drain(15_000);
        if (!drained) logger.error('shutdown: some request settles could not be written', { pending: proxyDeps.settle.pending() });
        await services.limiter.flush().catch((err) => logger.error('shutdown: limit state not written', { error: String(err) }));
        await priceSync?.stop();
        if (store) await store.close();
      })();
      return stopping;
    },
  };
}
