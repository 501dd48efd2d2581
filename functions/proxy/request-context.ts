// The dependencies of the proxy and the state of one request as it moves through the pipeline.
import type { UpstreamTransport } from './upstream/transport.js';
import type { AuthenticatedKey, KeyAuthenticator } from '../shared/auth/authenticate-key.js';
import type { FailureThrottle } from '../shared/auth/failure-throttle.js';
import type { PriceCache } from '../shared/cost/price-cache.js';
import type { Router } from '../shared/routing/router.js';
import type { Services } from '../shared/services.js';
import type { ChainEntry } from '../shared/types.js';
import type { EndpointSpec, ParsedRequest } from './endpoints/types.js';
import type { AdmissionTicket, LimiterPort, StatsPort } from './ports.js';
import type { SettleQueue } from './settle/settle-queue.js';

export interface ProxyTimeouts {
  /** Until the first byte of a streaming answer (covers connect and headers). */
  streamFirstByteMs: number;
  /** Between two chunks of an answer. */
  idleMs: number;
}

export interface ProxyDeps {
  services: Services;
  keys: KeyAuthenticator;
  throttle: FailureThrottle;
  router: Router;
  limiter: LimiterPort;
  stats: StatsPort;
  prices: PriceCache;
  settle: SettleQueue;
  timeouts: ProxyTimeouts;
  /** Wait for each request's settle before its response ends (Lambda freezes after returning). */
  awaitSettle?: boolean;
  transport: UpstreamTransport;
}

export interface RequestContext {
  deps: ProxyDeps;
  spec: EndpointSpec;
  requestId: string;
  startedAt: number;
  userAgent: string | null;
  auth: AuthenticatedKey | null;
  parsed: ParsedRequest | null;
  sessionId: string | null;
  ticket: AdmissionTicket | null;
  chain: ChainEntry[];
  filtered: Record<string, string>;
  /** Settling twice would bill twice: the first settle wins. */
  settled: boolean;
}
