// The dependency container: repositories and domain services built once per process and passed to
// the apps (`createProxyApp(services)`, `createAdminApp(services)`), so tests run the real code on a
// real embedded store without module mocking.
import type { HubConfig } from './config.js';
import type { Db } from './db/client.js';
import { createApiKeysRepo } from './db/repos/api-keys.js';
import { createCircuitsRepo } from './db/repos/circuits.js';
import { createLogsRepo } from './db/repos/logs.js';
import { createSessionsRepo } from './db/repos/sessions.js';
import { createWriteCoalescer } from './db/write-coalescer.js';
import { createPricesRepo } from './db/repos/prices.js';
import { createProvidersRepo } from './db/repos/providers.js';
import { createUsersRepo } from './db/repos/users.js';
import { createLimiter } from './limits/limiter.js';
import { releaseOrphanedRequests } from './limits/limit-state.js';
import { createMirroredBackend } from './limits/state-backend.js';
import type { HubLogger } from './logger.js';
import { createStatsRecorder } from './stats/rollups.js';

export interface ServicesOptions {
  config: HubConfig;
  db: Db;
  logger: HubLogger;
  /** Injected clock (epoch ms) for window and TTL tests. */
  now?: () => number;
  /** Injected randomness for weighted routing tests. */
  random?: () => number;
}

export function createServices(options: ServicesOptions) {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const { db } = options;
  const writes = createWriteCoalescer(db, options.config.writeCoalesceMs);
  return {
    config: options.config,
    db,
    logger: options.logger,
    now,
    random: options.random ?? Math.random,
    users: createUsersRepo(db, now),
    apiKeys: createApiKeysRepo(db, now),
    providers: createProvidersRepo(db, now),
    prices: createPricesRepo(db),
    circuits: createCircuitsRepo(db),
    /** Key, user and provider limits: admission, provider checks for routing, counters at settle, usage. */
    limiter: createLimiter({
      config: options.config,
      db,
      logger: options.logger,
      now,
      store: options.config.singleWriter
        ? createMirroredBackend(db, Math.max(options.config.writeCoalesceMs, 20), options.logger, {
            // The only writer: requests in flight in the store ended with an earlier process, before this one started.
            adopt: (item) => releaseOrphanedRequests(item, startedAt, options.config.sessionTtlSec),
          })
        : undefined,
    }),
    /** Daily and hourly rollups; the settle step calls `stats.record(log, costNanos)` once per request. */
    stats: createStatsRecorder({ db, config: options.config, writes }),
    logs: createLogsRepo(db, options.config.logRetentionDays, now, writes),
    sessions: createSessionsRepo(db, now, options.config.sessionTtlSec, writes),
    /** Settle-time writes, merged per item (see write-coalescer.ts). */
    writes,
  };
}

export type Services = ReturnType<typeof createServices>;
