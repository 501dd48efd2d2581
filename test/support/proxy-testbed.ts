// A proxy under test: real services on the embedded store, a fake upstream on 127.0.0.1, and the
// proxy app served by node-server on a loopback port (real sockets: streaming and aborts are real).
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createProxyApp, type ProxyAppOptions } from '../../functions/proxy/app.js';
import { createProxyDeps, type ProxyDepsOptions } from '../../functions/proxy/deps.js';
import type { ProxyDeps } from '../../functions/proxy/pipeline.js';
import type { AdmissionTicket, LimiterPort, StatsPort } from '../../functions/proxy/ports.js';
import type { ProviderInput } from '../../functions/shared/db/repos/providers.js';
import type { HubConfig } from '../../functions/shared/config.js';
import type { Price, RequestLog } from '../../functions/shared/types.js';
import { createTestContext, type TestContext } from './store.js';
import { keyInput, providerInput, userInput } from './inputs.js';

export { providerInput } from './inputs.js';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';

/** Test double: admits everything and records settles (the real limiter has its own tests). */
export function recordingLimiter(): LimiterPort & { settled: { ticket: AdmissionTicket; costNanos: number | null }[] } {
  const settled: { ticket: AdmissionTicket; costNanos: number | null }[] = [];
  return {
    settled,
    async admit(req) {
      return { requestId: req.requestId, sessionId: req.sessionId, keyId: req.key.id, userId: req.user.id, reservedNanos: 0, enforced: false };
    },
    async providersOverLimit() {
      return new Map();
    },
    async settle(ticket, outcome) {
      settled.push({ ticket, costNanos: outcome.costNanos });
    },
  };
}

export function recordingStats(): StatsPort & { records: RequestLog[] } {
  const records: RequestLog[] = [];
  return {
    records,
    async record(log) {
      records.push(log);
    },
  };
}

export interface ProxyTestbed extends TestContext {
  url: string;
  upstream: FakeUpstream;
  deps: ProxyDeps;
  secret: string;
  userId: string;
  keyId: string;
  addProvider(overrides?: Partial<ProviderInput>): Promise<string>;
  close(): Promise<void>;
}

export const SONNET_PRICE: Price = {
  model: 'claude-sonnet-4-5',
  inputPerMTokUsd: 3,
  outputPerMTokUsd: 15,
  cacheWrite5mPerMTokUsd: 3.75,
  cacheWrite1hPerMTokUsd: 6,
  cacheReadPerMTokUsd: 0.3,
  inputAbove200kPerMTokUsd: 6,
  outputAbove200kPerMTokUsd: 22.5,
  cacheWrite5mAbove200kPerMTokUsd: 7.5,
  cacheWrite1hAbove200kPerMTokUsd: null,
  cacheReadAbove200kPerMTokUsd: 0.6,
  source: 'litellm',
  version: 'sha-test',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

export async function startProxyTestbed(
  options: {
    config?: Partial<HubConfig>;
    deps?: Partial<ProxyDepsOptions>;
    app?: ProxyAppOptions;
    now?: number;
    random?: () => number;
    provider?: Partial<ProviderInput> | null;
  } = {},
): Promise<ProxyTestbed> {
  const ctx = await createTestContext({ config: options.config, now: options.now, random: options.random });
  const upstream = await startFakeUpstream();
  await ctx.services.prices.put(SONNET_PRICE);
  const user = await ctx.services.users.create(userInput({ name: 'alice' }));
  const key = await ctx.services.apiKeys.create(user.id, keyInput({ name: 'laptop' }));
  const deps = createProxyDeps(ctx.services, {
    limiter: recordingLimiter(),
    stats: recordingStats(),
    retryDelaysMs: [20],
    ...options.deps,
  });
  const app = createProxyApp(deps, options.app);
  const server: ServerType = await new Promise((ready) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const addProvider = async (overrides: Partial<ProviderInput> = {}) => {
    const p = await ctx.services.providers.create(providerInput(upstream.url, overrides));
    deps.router.invalidate();
    return p.id;
  };
  if (options.provider !== null) await addProvider(options.provider ?? {});
  return {
    ...ctx,
    url,
    upstream,
    deps,
    secret: key.key,
    userId: user.id,
    keyId: key.id,
    addProvider,
    async close() {
      await deps.settle.drain(5000);
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await upstream.close();
    },
  };
}
