// Non-streaming answers that need translation (Chat ← Responses) are read whole, then rewritten.
import { GatewayError } from '../../shared/errors.js';
import type { EndpointSpec } from '../endpoints/types.js';
import type { RequestContext } from '../request-context.js';
import type { AttemptOutcome } from './attempt.js';
import { createRelayStream, type RelayResult } from './relay.js';

/** Non-streaming translated answers are read whole, translated, and sent as one JSON body. */
export async function relayTranslatedBody(
  ctx: RequestContext,
  outcome: Extract<AttemptOutcome, { kind: 'success' }>,
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
