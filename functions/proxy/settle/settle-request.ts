// Turns what the pipeline learned about a request into its settle steps (log item, rollups, limit
// counters, session binding), exactly once per request.
import type { StreamOutcome } from '../../shared/providers/stream-outcome.js';
import type { Price, ProviderWithSecret } from '../../shared/types.js';
import type { RequestContext } from '../request-context.js';
import { buildRequestLog, type RequestFacts } from '../request-log.js';

export interface SettleFacts {
  statusCode: number;
  error: string | null;
  provider?: ProviderWithSecret;
  upstreamModel?: string;
  outcome?: StreamOutcome;
  ttfbMs?: number;
  price?: Price | null;
  bindSession?: boolean;
}

/**
 * Queues the request's settle steps; runs exactly once per request. Resolves at once unless the
 * deployment waits for settles (Lambda), then when the first try of every step is over.
 */
export function settleRequest(ctx: RequestContext, facts: SettleFacts): Promise<void> {
  if (ctx.settled) return Promise.resolve();
  ctx.settled = true;
  const { deps, spec } = ctx;
  const { services } = deps;
  const facts2: RequestFacts = {
    id: ctx.requestId,
    startedAt: ctx.startedAt,
    endedAt: services.now(),
    endpoint: spec.endpoint,
    stream: ctx.parsed?.stream ?? false,
    userId: ctx.auth?.user.id ?? null,
    keyId: ctx.auth?.key.id ?? null,
    providerId: facts.provider?.id ?? null,
    providerName: facts.provider?.name ?? null,
    model: ctx.parsed?.model ?? null,
    upstreamModel: facts.upstreamModel ?? null,
    statusCode: facts.statusCode,
    ttfbMs: facts.ttfbMs ?? null,
    sessionId: ctx.sessionId,
    userAgent: ctx.userAgent,
    error: facts.error,
    chain: ctx.chain,
    filtered: ctx.filtered,
    outcome: facts.outcome ?? null,
    billable: spec.billable,
    price: facts.price ?? null,
    costMultiplier: facts.provider?.costMultiplier ?? 1,
  };
  const { log, costNanos, warning } = buildRequestLog(facts2);
  if (warning) services.logger.warn(warning, { requestId: ctx.requestId });
  const ticket = ctx.ticket;
  const steps = [
    { name: 'log', run: () => services.logs.put(log, costNanos) },
    { name: 'stats', run: () => deps.stats.record(log, costNanos) },
  ];
  if (ticket) {
    steps.push({
      name: 'limits',
      run: () => deps.limiter.settle(ticket, { costNanos, providerId: log.providerId, nowMs: services.now() }),
    });
  }
  if (facts.bindSession && ctx.sessionId && facts.provider && ctx.auth) {
    const binding = { sessionId: ctx.sessionId, providerId: facts.provider.id, keyId: ctx.auth.key.id, userId: ctx.auth.user.id };
    steps.push({ name: 'session', run: () => deps.router.bindSession(binding) });
  }
  const submitted = deps.settle.submit(ctx.requestId, steps);
  return deps.awaitSettle ? submitted : Promise.resolve();
}
