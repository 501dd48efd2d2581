// Reads token usage, model and in-band errors from OpenAI Responses API responses, streamed or not.

import type { Usage } from '../../types.js';
import { isRecord, parseJsonObject } from '../json-fields.js';
import { disjointOpenAiUsage, openAiError } from '../openai-usage.js';
import { createSseParser, type SseEvent } from '../sse.js';
import type { StreamError, StreamOutcome, UsageTracker } from '../stream-outcome.js';

function responsesUsage(usage: Record<string, unknown>): Usage {
  const inputDetails = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outputDetails = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return disjointOpenAiUsage({
    prompt: usage.input_tokens,
    completion: usage.output_tokens,
    cached: inputDetails.cached_tokens,
    reasoning: outputDetails.reasoning_tokens,
  });
}

/** Usage of a Responses API response object (a non-streaming body), or null when it carries none. */
export function usageFromResponsesBody(body: unknown): Usage | null {
  if (!isRecord(body) || !isRecord(body.usage)) return null;
  return responsesUsage(body.usage);
}

/** `response.failed` carries `response.error: {code, message}`; the `error` event has them at the top level or nested. */
function responsesError(payload: Record<string, unknown>, fallbackType: string): StreamError {
  if (isRecord(payload.error)) return openAiError(payload.error);
  const error = openAiError({ code: payload.code, message: payload.message });
  return error.type === 'error' ? { ...error, type: fallbackType } : error;
}

/** Tracks one Responses stream; usage arrives on its terminal response.* event. */
export function createResponsesStreamTracker(): UsageTracker {
  let usage: Usage | null = null;
  let completed = false;
  let error: StreamError | null = null;
  let model: string | null = null;

  function onEvent({ event, data }: SseEvent): void {
    const payload = parseJsonObject(data);
    if (payload === null) return;
    const type = typeof payload.type === 'string' ? payload.type : event;
    const response = isRecord(payload.response) ? payload.response : null;
    if (response !== null) {
      if (typeof response.model === 'string' && response.model !== '') model = response.model;
      if (isRecord(response.usage)) usage = responsesUsage(response.usage);
    }
    switch (type) {
      case 'response.completed':
      case 'response.incomplete':
        // An incomplete response (e.g. max_output_tokens reached) still ended normally, with final usage.
        completed = true;
        break;
      case 'response.failed':
        error = responsesError(response ?? {}, 'response_failed');
        break;
      case 'error':
        error = responsesError(payload, 'error');
        break;
    }
  }

  const parser = createSseParser(onEvent);
  return {
    push: (chunk) => parser.push(chunk),
    end: () => parser.end(),
    result: (): StreamOutcome => ({ usage: usage === null ? null : { ...usage }, completed, error, model }),
  };
}
