// Builds the proxy's dependencies from the services container (shared by npm start and Lambda).
import type { KeyAuthenticator } from '../shared/auth/authenticate-key.js';
import { createKeyAuthenticator } from '../shared/auth/authenticate-key.js';
import { createFailureThrottle } from '../shared/auth/failure-throttle.js';
import { createPriceCache } from '../shared/cost/price-cache.js';
import { createRouter } from '../shared/routing/router.js';
import type { Services } from '../shared/services.js';
import type { ProxyDeps, ProxyTimeouts } from './pipeline.js';
import type { LimiterPort, StatsPort } from './ports.js';
import { createSettleQueue } from './settle/settle-queue.js';
import { createNodeTransport, type UpstreamTransport } from './upstream/transport.js';

export const DEFAULT_TIMEOUTS: ProxyTimeouts = { streamFirstByteMs: 120_000, idleMs: 180_000 };

export interface ProxyDepsOptions {
  /** Defaults: the services' limiter and statistics recorder. */
  limiter?: LimiterPort;
  stats?: StatsPort;
  keys?: KeyAuthenticator;
  timeouts?: Partial<ProxyTimeouts>;
  awaitSettle?: boolean;
  retryDelaysMs?: number[];
  /** How upstream requests go out (default: node:http/https with keep-alive). */
  transport?: UpstreamTransport;
}

export function createProxyDeps(services: Services, options: ProxyDepsOptions = {}): ProxyDeps {
  return {
    services,
    keys: options.keys ?? createKeyAuthenticator(services, 3000),
    throttle: createFailureThrottle(services.config.authFailuresPerMinute, services.now),
    router: createRouter(services),
    limiter: options.limiter ?? services.limiter,
    stats: options.stats ?? services.stats,
    prices: createPriceCache((name) => services.prices.get(name), services.now),
    settle: createSettleQueue({ logger: services.logger, retryDelaysMs: options.retryDelaysMs }),
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    awaitSettle: options.awaitSettle,
    transport: options.transport ?? createNodeTransport(),
  };
}
