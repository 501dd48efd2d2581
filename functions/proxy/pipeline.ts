// The request path of the proxy (DESIGN.md): authenticate → admit → route → forward with failover
// until the first byte → relay the stream → settle exactly once.
import type { Context } from 'hono';
import { extractClientKey, type AuthenticatedKey } from '../shared/auth/authenticate-key.js';
import { clientIpOf } from '../shared/auth/failure-throttle.js';
import { estimateCostNanos, maxOutputTokensOf } from '../shared/cost/price-cache.js';
import { isStoreUnavailable } from '../shared/db/client.js';
import { AuthError, ForbiddenError, GatewayError, StoreUnavailableError, ValidationError } from '../shared/errors.js';
import { newRequestId } from '../shared/ids.js';
import { modelAllowed } from '../shared/routing/candidates.js';
import { applyModelRedirect } from '../shared/routing/select.js';
import { deriveSessionId } from '../shared/routing/session-id.js';
import type { ChainEntry, ProviderWithSecret } from '../shared/types.js';
import type { EndpointSpec, ParsedRequest } from './endpoints/types.js';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { clientBody, clientSignal, nodeResponse } from './client-io.js';
import { parseJsonObject } from './read-body.js';
import { settleRequest } from './settle/settle-request.js';
import type { ProxyDeps, RequestContext } from './request-context.js';
import { relayTranslatedBody } from './upstream/translated-body.js';
import { attemptUpstream } from './upstream/attempt.js';
import { clientResponseHeaders, joinUpstreamUrl, upstreamRequestHeaders } from './upstream/build-request.js';
import { createRelayStream, relayToNodeResponse, type RelayResult } from './upstream/relay.js';

export type { ProxyDeps, ProxyTimeouts } from './request-context.js';

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
  const ctx: RequestContext = {
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

async function authenticate(c: Context, ctx: RequestContext): Promise<AuthenticatedKey> {
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

async function run(c: Context, ctx: RequestContext): Promise<Response> {
  const { deps, spec } = ctx;
  const { services } = deps;
  ctx.auth = await authenticate(c, ctx);
  const { key, user } = ctx.auth;

  const { text, bytes } = await clientBody(c);
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

  // The reads behind the caches (price, provider list, session binding) go out together, then
  // admission and provider limits together: with every cache cold, two rounds of store reads.
  deps.router.prefetch(ctx.sessionId, spec.providerTypes);
  const [price, providers] = await Promise.all([deps.prices.get(model), deps.router.providers()]);
  const estimate = spec.billable ? estimateCostNanos(bytes, maxOutputTokensOf(json), price, 1) : 0;
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
      clientSignal: clientSignal(c),
      transport: deps.transport,
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
    const relay = {
      reader: outcome.reader,
      firstChunk: outcome.firstChunk,
      tracker: prepared.tracker,
      idleTimeoutMs: deps.timeouts.idleMs,
      deadline: ctx.startedAt + provider.timeoutMs,
      now: services.now,
      abortUpstream: outcome.abort,
      inBandError: spec.inBandError,
      onFinish: finish,
      requireCompletion: parsed.stream,
    };
    const outgoing = nodeResponse(c);
    if (outgoing && !prepared.transform) {
      // npm start: straight to the socket, without a web stream and node-server's read-ahead timer.
      const length = outcome.headers.has('content-encoding') ? NaN : Number(outcome.headers.get('content-length') ?? NaN);
      const whole = parsed.stream ? null : { declaredLength: Number.isSafeInteger(length) ? length : null };
      relayToNodeResponse(relay, outgoing, outcome.status, Object.fromEntries(headers), whole).catch((err: unknown) => {
        services.logger.error('relay to the client failed', { requestId: ctx.requestId, error: String(err) });
        outgoing.destroy();
      });
      return RESPONSE_ALREADY_SENT;
    }
    return new Response(createRelayStream({ ...relay, transform: prepared.transform?.() }), { status: outcome.status, headers });
  }

  const allTimeouts = ctx.chain.length > 0 && ctx.chain.every((e) => e.reason === 'circuit_skip' || /no first byte/.test(e.error ?? ''));
  if (lastFailure === null) throw new GatewayError(503, 'overloaded_error', `no provider is available for model ${model}`);
  throw allTimeouts
    ? new GatewayError(504, 'timeout_error', `upstream timed out: ${lastFailure.message}`)
    : new GatewayError(502, 'upstream_error', `every provider failed; last error: ${lastFailure.message}`);
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
function recordCircuit(ctx: RequestContext, provider: ProviderWithSecret, ok: boolean): Promise<void> {
  const work = ok ? ctx.deps.router.recordSuccess(provider) : ctx.deps.router.recordFailure(provider);
  return work.catch((err) => ctx.deps.services.logger.warn('circuit update failed', { providerId: provider.id, error: String(err) }));
}
