// OpenAI endpoints: /v1/chat/completions (openai-compatible providers as is, codex providers through
// translation to the Responses API and back) and /v1/responses (codex providers, byte for byte).
import { GatewayError, openaiErrorBody, ValidationError } from '../../shared/errors.js';
import { replaceTopLevelString } from '../../shared/json/top-level-field.js';
import { isRecord } from '../../shared/providers/json-fields.js';
import { createStripUsageChunkStream, forceIncludeUsage } from '../../shared/providers/openai-chat/include-usage.js';
import { createChatStreamTracker, usageFromChatBody } from '../../shared/providers/openai-chat/usage.js';
import { chatRequestToResponses } from '../../shared/providers/openai-responses/chat-to-responses-request.js';
import { responsesBodyToChat } from '../../shared/providers/openai-responses/responses-to-chat-response.js';
import { createResponsesToChatStream } from '../../shared/providers/openai-responses/responses-to-chat-stream.js';
import { TranslationError } from '../../shared/providers/openai-responses/translation-error.js';
import { createResponsesStreamTracker, usageFromResponsesBody } from '../../shared/providers/openai-responses/usage.js';
import { openAiError } from '../../shared/providers/openai-usage.js';
import type { StreamError } from '../../shared/providers/stream-outcome.js';
import type { ProviderWithSecret } from '../../shared/types.js';
import { createBodyTracker, errorObjectOf } from './body-tracker.js';
import type { EndpointSpec, ParsedRequest, PreparedUpstream, UsageTracker } from './types.js';

const encoder = new TextEncoder();

/** OpenAI error bodies; a translation refusal also names the offending Chat field, as OpenAI does. */
export function openaiGatewayErrorBody(err: GatewayError): Record<string, unknown> {
  const body = openaiErrorBody(err);
  if (err instanceof TranslationError && err.param !== null) body.error = { ...(body.error as object), param: err.param };
  return body;
}

/** The relay reports failures as `api_error` or `timeout_error`; their codes match the 502/504 answers. */
function inBandErrorObject(message: string, type: string): Record<string, unknown> {
  const err = type === 'timeout_error' ? new GatewayError(504, 'timeout_error', message) : new GatewayError(502, 'api_error', message);
  return openaiErrorBody(err).error as Record<string, unknown>;
}

/** OpenAI's convention for a Chat stream that fails once started: an error chunk, then the end marker. */
export function chatInBandError(message: string, type: string): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify({ error: inBandErrorObject(message, type) })}\n\ndata: [DONE]\n\n`);
}

/** The Responses stream's own `error` event (type, code, message, param). */
export function responsesInBandError(message: string, type: string): Uint8Array {
  const { code } = inBandErrorObject(message, type);
  const payload = { type: 'error', code, message, param: null };
  return encoder.encode(`event: error\ndata: ${JSON.stringify(payload)}\n\n`);
}

/** A non-streaming Responses body can answer 200 with `status: "failed"` and its error inside. */
function responsesBodyError(body: Record<string, unknown>): StreamError | null {
  if (body.status === 'failed') return openAiError(isRecord(body.error) ? body.error : { message: 'the upstream response failed' });
  return errorObjectOf(body);
}

/** A body re-serialised for upstream; one nested too deep for JSON.stringify's recursion is the client's error. */
function serialize(body: Record<string, unknown>): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    if (err instanceof RangeError) throw new ValidationError('request body is nested too deeply');
    throw err;
  }
}

function withModel(req: ParsedRequest, upstreamModel: string | null): string {
  return upstreamModel && upstreamModel !== req.model ? replaceTopLevelString(req.text, 'model', upstreamModel) : req.text;
}

function clientAskedForUsage(req: ParsedRequest): boolean {
  return isRecord(req.json.stream_options) && req.json.stream_options.include_usage === true;
}

/**
 * Hides the usage chunk the gateway asked for. Because this rewrites the stream, the relay leaves
 * in-band errors to it: it reads the tracker, which the relay ends before closing the stream, and
 * reports a stream that stopped before `[DONE]` the way the relay would have.
 */
function stripUsageChunk(tracker: UsageTracker): TransformStream<Uint8Array, Uint8Array> {
  const strip = createStripUsageChunkStream();
  let tail = '\n\n';
  const guard = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (chunk.byteLength > 0) tail = (tail + String.fromCharCode(...chunk.subarray(-2))).slice(-2);
      controller.enqueue(chunk);
    },
    flush(controller) {
      const outcome = tracker.result();
      if (outcome.completed || outcome.error !== null) return;
      // A stream cut inside an event gets that event ended first, so the error is an event of its own.
      if (tail !== '\n\n') controller.enqueue(encoder.encode('\n\n'));
      controller.enqueue(chatInBandError('upstream stream ended before completion', 'api_error'));
    },
  });
  return { writable: strip.writable, readable: strip.readable.pipeThrough(guard) };
}

/** openai-compatible: the client's body, except `model` under a redirect and usage asked for on streams. */
function prepareChatPassThrough(req: ParsedRequest, upstreamModel: string | null): PreparedUpstream {
  if (!req.stream || clientAskedForUsage(req)) {
    return {
      path: req.path,
      body: withModel(req, upstreamModel),
      tracker: req.stream ? createChatStreamTracker() : createBodyTracker(usageFromChatBody, errorObjectOf),
    };
  }
  const { body } = forceIncludeUsage(req.json);
  const tracker = createChatStreamTracker();
  return {
    path: req.path,
    body: serialize(upstreamModel ? { ...body, model: upstreamModel } : body),
    tracker,
    transform: () => stripUsageChunk(tracker),
  };
}

/** codex: Chat → Responses on the way up, Responses → Chat on the way back, naming the model the client asked for. */
function prepareChatForCodex(req: ParsedRequest, upstreamModel: string | null): PreparedUpstream {
  const translated = chatRequestToResponses(req.json);
  if (upstreamModel) translated.model = upstreamModel;
  const model = req.model ?? upstreamModel ?? '';
  const prepared = { path: '/v1/responses', body: serialize(translated) };
  if (req.stream) {
    const includeUsage = clientAskedForUsage(req);
    return { ...prepared, tracker: createResponsesStreamTracker(), transform: () => createResponsesToChatStream({ model, includeUsage }) };
  }
  return {
    ...prepared,
    tracker: createBodyTracker(usageFromResponsesBody, responsesBodyError),
    transformBody: (upstream) => responsesBodyToChat(upstream, model),
  };
}

const shared = {
  format: 'openai' as const,
  billable: true,
  errorBody: openaiGatewayErrorBody,
};

export const chatCompletionsEndpoint: EndpointSpec = {
  ...shared,
  endpoint: 'chat_completions',
  providerTypes: ['openai-compatible', 'codex'],
  prepare: (req: ParsedRequest, provider: ProviderWithSecret, upstreamModel: string | null) =>
    provider.type === 'codex' ? prepareChatForCodex(req, upstreamModel) : prepareChatPassThrough(req, upstreamModel),
  inBandError: chatInBandError,
};

export const responsesEndpoint: EndpointSpec = {
  ...shared,
  endpoint: 'responses',
  providerTypes: ['codex'],
  prepare: (req, _provider, upstreamModel) => ({
    path: req.path,
    body: withModel(req, upstreamModel),
    tracker: req.stream ? createResponsesStreamTracker() : createBodyTracker(usageFromResponsesBody, responsesBodyError),
  }),
  inBandError: responsesInBandError,
};
