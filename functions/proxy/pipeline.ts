// The request path of the proxy (DESIGN.md): authenticate → admit → route → forward with failover
// until the first byte → relay the stream → settle exactly once.
import type { Context } from 'hono';
import { extractClientKey, type AuthenticatedKey, type KeyAuthenticator } from '../shared/auth/authenticate-key.js';
import { clientIpOf, type FailureThrottle } from '../shared/auth/failure-throttle.js';
import { estimateCostNanos, maxOutputTokensOf, type PriceCache } from '../shared/cost/price-cache.js';
import { isStoreUnavailable } from '../shared/db/client.js';
import { AuthError, ForbiddenError, GatewayError, StoreUnavailableError, ValidationError } from '../shared/errors.js';
import { newRequestId } from '../shared/ids.js';
import { modelAllowed } from '../shared/routing/candidates.js';
import type { Router } from '../shared/routing/router.js';
import { applyModelRedirect } from '../shared/routing/select.js';
import { deriveSessionId } from '../shared/routing/session-id.js';
import type { Services } from '../shared/services.js';
import type { ChainEntry, Price, ProviderWithSecret } from '../shared/types.js';
import type { StreamOutcome } from '../shared/providers/stream-outcome.js';
import type { EndpointSpec, ParsedRequest } from './endpoints/types.js';
import type { AdmissionTicket, LimiterPort, StatsPort } from './ports.js';
import { parseJsonObject, readBodyText } from './read-body.js';
import { buildRequestLog, type RequestFacts } from './request-log.js';
import type { SettleQueue } from './settle/settle-queue.js';
import { attemptUpstream } from './upstream/attempt.js';
import { clientResponseHeaders, joinUpstreamUrl, upstreamRequestHeaders } from './upstream/build-request.js';
import { createRelayStream, type RelayResult } from './upstream/relay.js';

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
  fetchImpl?: typeof fetch;
}

interface Ctx {
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

export const MAX_MODEL_LENGTH = 256;

/** Renders a gateway error in the client's format, with x-request-id and any limit headers. */
export function errorResponse(spec: EndpointSpec, err: GatewayError, requestId: string): Response {
  const headers = new Headers({ 'content-type': 'application/json', 'x-request-id': requestId });
  for (const [name, value] of Object.entries(err.extra.headers ?? {})) headers.set(name, value);
  return new Response(JSON.stringify(spec.errorBody(err)), { status: err.status, headers });
}

export async function handleProxyRequest(c: Context, spec: EndpointSpec, deps: ProxyDeps): Promise<Response> {
  const { services } = deps;
  // One reading of the clock: the log item's key is derived from the time inside the request id.
  const startedAt = services.now();
  const ctx: Ctx = {
    deps,
    spec,
    requestId: newRequestId(startedAt),
    startedAt,
    userAgent: c.req.header('user-agent') ?? null,
    auth: null,
    parsed: null,
    sessionId: null,
    ticket: null,
    chain: [],
    filtered: {},
    settled: false,
  };
  try {
    return await run(c, ctx);
  } catch (err) {
    const gatewayError =
      err instanceof GatewayError
        ? err
        : isStoreUnavailable(err)
          ? new StoreUnavailableError()
          : new GatewayError(500, 'api_error', 'internal gateway error; the request was not forwarded');
    if (!(err instanceof GatewayError)) services.logger.error('proxy request failed', { requestId: ctx.requestId, error: String(err) });
    // Requests refused before a key was known are not logged (they would let anyone fill the table).
    if (ctx.auth) await settleRequest(ctx, { statusCode: gatewayError.status, error: gatewayError.message });
    return errorResponse(spec, gatewayError, ctx.requestId);
  }
}

async function authenticate(c: Context, ctx: Ctx): Promise<AuthenticatedKey> {
  const { deps } = ctx;
  const ip = clientIpOf(c.env);
  const wait = deps.throttle.retryAfterSec(ip);
  if (wait > 0) {
    throw new GatewayError(429, 'rate_limit_error', `too many requests with invalid API keys from this address; retry in ${wait}s`, {
      headers: { 'Retry-After': String(wait) },
    });
  }
  try {
    return await deps.keys.authenticate(extractClientKey(c.req.raw.headers));
  } catch (err) {
    if (err instanceof AuthError) deps.throttle.recordFailure(ip);
    throw err;
  }
}

async function run(c: Context, ctx: Ctx): Promise<Response> {
  const { deps, spec } = ctx;
  const { services } = deps;
  ctx.auth = await authenticate(c, ctx);
  const { key, user } = ctx.auth;

  const { text, bytes } = await readBodyText(c.req.raw);
  const json = parseJsonObject(text);
  const model = json.model;
  if (typeof model !== 'string' || model.trim() === '') throw new ValidationError('model: a model name is required');
  // The model name becomes part of store keys (prices, rollups), which DynamoDB caps at 1-2 KB.
  if (model.length > MAX_MODEL_LENGTH) throw new ValidationError(`model: a model name is at most ${MAX_MODEL_LENGTH} characters`);
  if ('stream' in json && typeof json.stream !== 'boolean') throw new ValidationError('stream: must be a boolean');
  const url = new URL(c.req.url);
  const parsed: ParsedRequest = {
    text,
    json,
    model,
    stream: json.stream === true && spec.endpoint !== 'count_tokens',
    path: url.pathname,
    search: url.search,
    headers: c.req.raw.headers,
  };
  ctx.parsed = parsed;
  ctx.sessionId = deriveSessionId({ body: json, headers: c.req.raw.headers, keyId: key.id }).sessionId;
  if (!modelAllowed(user.allowedModels, model)) {
    throw new ForbiddenError(`model ${model} is not allowed for this user`);
  }

  // Admission, provider limits and routing reads go out together: one round of store reads.
  deps.router.prefetchSession(ctx.sessionId);
  const price = await deps.prices.get(model);
  const estimate = spec.billable ? estimateCostNanos(bytes, maxOutputTokensOf(json), price, 1) : 0;
  const providers = await deps.router.providers();
  const [ticket, overLimit] = await Promise.all([
    deps.limiter.admit({ key, user, sessionId: ctx.sessionId, requestId: ctx.requestId, estimateNanos: estimate }),
    deps.limiter.providersOverLimit(
      providers.filter((p) => p.enabled && spec.providerTypes.includes(p.type)),
      ctx.sessionId,
    ),
  ]);
  ctx.ticket = ticket;
  const plan = await deps.router.plan({ types: spec.providerTypes, user, model, sessionId: ctx.sessionId, overLimit });
  ctx.filtered = plan.filtered;
  if (plan.attempts.length === 0) {
    throw new GatewayError(503, 'overloaded_error', `no provider is available for model ${model}`);
  }

  let lastFailure: { status: number | null; timeout: boolean; message: string } | null = null;
  let attemptNo = 0;
  for (const planned of plan.attempts) {
    if (attemptNo >= services.config.maxAttempts) break;
    const provider = planned.provider;
    if (planned.reason === 'circuit_probe' && !(await deps.router.claimProbe(provider))) {
      ctx.chain.push(chainEntry(provider, ctx.chain.length + 1, 'circuit_skip', null, 'another request is probing this provider', 0));
      continue;
    }
    attemptNo++;
    const reason = attemptNo > 1 && planned.reason !== 'circuit_probe' ? 'failover' : planned.reason;
    const upstreamModel = applyModelRedirect(provider, model);
    const prepared = spec.prepare(parsed, provider, upstreamModel);
    const attemptStart = services.now();
    const outcome = await attemptUpstream({
      url: joinUpstreamUrl(provider.baseUrl, prepared.path, parsed.search),
      headers: upstreamRequestHeaders(c.req.raw.headers, provider),
      body: prepared.body,
      firstByteTimeoutMs: Math.min(provider.timeoutMs, parsed.stream ? deps.timeouts.streamFirstByteMs : provider.timeoutMs),
      clientSignal: c.req.raw.signal,
      fetchImpl: deps.fetchImpl,
    });
    const elapsed = services.now() - attemptStart;

    if (outcome.kind === 'client_abort') {
      ctx.chain.push(chainEntry(provider, attemptNo, reason, null, 'client aborted', elapsed));
      await settleRequest(ctx, { statusCode: 499, error: 'client aborted the request', provider, upstreamModel });
      return new Response(null, { status: 499, headers: { 'x-request-id': ctx.requestId } });
    }
    if (outcome.kind === 'failure') {
      ctx.chain.push(chainEntry(provider, attemptNo, reason, outcome.status, outcome.message, elapsed));
      lastFailure = { status: outcome.status, timeout: outcome.reason === 'timeout', message: outcome.message };
      await recordCircuit(ctx, provider, false);
      continue;
    }
    if (outcome.kind === 'client_error') {
      ctx.chain.push(chainEntry(provider, attemptNo, reason, outcome.status, outcome.message, elapsed));
      await settleRequest(ctx, { statusCode: outcome.status, error: outcome.message, provider, upstreamModel });
      return new Response(outcome.body as BodyInit, { status: outcome.status, headers: clientResponseHeaders(outcome.headers, ctx.requestId) });
    }

    ctx.chain.push(chainEntry(provider, attemptNo, reason, outcome.status, null, elapsed));
    await recordCircuit(ctx, provider, true);
    // The provider bills the model it ran: price the request by the upstream model.
    const upstreamPrice = upstreamModel === model ? price : await deps.prices.get(upstreamModel);
    const ttfbMs = services.now() - ctx.startedAt;
    const headers = clientResponseHeaders(outcome.headers, ctx.requestId);
    const finish = (result: RelayResult): Promise<void> => {
      const trackerOutcome = prepared.tracker.result();
      const failed = result.end !== 'completed' || trackerOutcome.error !== null;
      const statusCode =
        result.end === 'client_abort'
          ? 499
          : result.end === 'idle_timeout' || result.end === 'total_timeout'
            ? 504
            : failed
              ? 502
              : outcome.status;
      const error = result.error ?? (trackerOutcome.error ? `${trackerOutcome.error.type}: ${trackerOutcome.error.message}` : null);
      // A stream the provider broke after its first byte counts against it (success was recorded at
      // the first byte; this is still one failure for this request).
      const circuit = failed && result.end !== 'client_abort' ? recordCircuit(ctx, provider, false) : Promise.resolve();
      const settled = settleRequest(ctx, {
        statusCode,
        error,
        provider,
        upstreamModel,
        outcome: trackerOutcome,
        ttfbMs,
        price: upstreamPrice,
        bindSession: !failed,
      });
      return Promise.all([circuit, settled]).then(() => undefined);
    };

    if (prepared.transformBody) {
      return relayTranslatedBody(ctx, outcome, prepared, headers, ctx.startedAt + provider.timeoutMs, finish);
    }
    const body = createRelayStream({
      reader: outcome.reader,
      firstChunk: outcome.firstChunk,
      tracker: prepared.tracker,
      transform: prepared.transform?.(),
      idleTimeoutMs: deps.timeouts.idleMs,
      deadline: ctx.startedAt + provider.timeoutMs,
      now: services.now,
      abortUpstream: outcome.abort,
      inBandError: spec.inBandError,
      onFinish: finish,
      requireCompletion: parsed.stream,
    });
    return new Response(body, { status: outcome.status, headers });
  }

  const allTimeouts = ctx.chain.length > 0 && ctx.chain.every((e) => e.reason === 'circuit_skip' || /no first byte/.test(e.error ?? ''));
  if (lastFailure === null) throw new GatewayError(503, 'overloaded_error', `no provider is available for model ${model}`);
  throw allTimeouts
    ? new GatewayError(504, 'timeout_error', `upstream timed out: ${lastFailure.message}`)
    : new GatewayError(502, 'upstream_error', `every provider failed; last error: ${lastFailure.message}`);
}

/** Non-streaming translated answers are read whole, translated, and sent as one JSON body. */
async function relayTranslatedBody(
  ctx: Ctx,
  outcome: Extract<Awaited<ReturnType<typeof attemptUpstream>>, { kind: 'success' }>,
  prepared: ReturnType<EndpointSpec['prepare']>,
  headers: Headers,
  deadline: number,
  finish: (r: RelayResult) => Promise<void>,
): Promise<Response> {
  const parts: Uint8Array[] = [];
  const collector = new WritableStream<Uint8Array>({ write: (chunk) => void parts.push(chunk) });
  const ended = new Promise<RelayResult>((resolve) => {
    const relay = createRelayStream({
      reader: outcome.reader,
      firstChunk: outcome.firstChunk,
      tracker: prepared.tracker,
      idleTimeoutMs: ctx.deps.timeouts.idleMs,
      deadline,
      now: ctx.deps.services.now,
      abortUpstream: outcome.abort,
      inBandError: () => new Uint8Array(),
      onFinish: resolve,
      requireCompletion: false,
    });
    relay.pipeTo(collector).catch(() => {});
  });
  const result = await ended;
  if (result.end !== 'completed') {
    await finish(result);
    throw new GatewayError(result.end.includes('timeout') ? 504 : 502, 'upstream_error', result.error ?? 'upstream failed');
  }
  let upstream: Record<string, unknown>;
  try {
    upstream = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
  } catch {
    await finish({ ...result, end: 'upstream_error', error: 'upstream body is not valid JSON' });
    throw new GatewayError(502, 'upstream_error', 'upstream answered with a body that is not valid JSON');
  }
  let translated: Record<string, unknown>;
  try {
    translated = prepared.transformBody!(upstream);
  } catch (err) {
    await finish({ ...result, end: 'upstream_error', error: (err as Error).message });
    throw err;
  }
  await finish(result);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(translated), { status: 200, headers });
}

function chainEntry(
  provider: ProviderWithSecret,
  attempt: number,
  reason: string,
  statusCode: number | null,
  error: string | null,
  durationMs: number,
): ChainEntry {
  return { providerId: provider.id, providerName: provider.name, attempt, reason, statusCode, error, durationMs };
}

/**
 * Awaited, so the next request (and this one's next attempt) sees the state: a success costs
 * nothing while the circuit is clean; a failure is already on the slow path. Never throws.
 */
function recordCircuit(ctx: Ctx, provider: ProviderWithSecret, ok: boolean): Promise<void> {
  const work = ok ? ctx.deps.router.recordSuccess(provider) : ctx.deps.router.recordFailure(provider);
  return work.catch((err) => ctx.deps.services.logger.warn('circuit update failed', { providerId: provider.id, error: String(err) }));
}

interface SettleFacts {
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
function settleRequest(ctx: Ctx, facts: SettleFacts): Promise<void> {
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
