// Reads token usage, model and in-band errors from Anthropic Messages responses, streamed or not.

import type { Usage } from '../../types.js';
import { isRecord, parseJsonObject, tokenCount } from '../json-fields.js';
import { createSseParser, type SseEvent } from '../sse.js';
import { emptyUsage, type StreamError, type StreamOutcome, type UsageTracker } from '../stream-outcome.js';

/**
 * Overlays the counts present in an Anthropic `usage` object onto `target`. Anthropic counts are
 * already disjoint (input excludes cache reads and writes), so they are taken as they are.
 * Absent or null fields leave the earlier value: message_delta may repeat only some of them.
 */
function applyAnthropicUsage(target: Usage, usage: Record<string, unknown>): void {
  const input = tokenCount(usage.input_tokens);
  const output = tokenCount(usage.output_tokens);
  const cacheRead = tokenCount(usage.cache_read_input_tokens);
  const cacheWrite = tokenCount(usage.cache_creation_input_tokens);
  if (input !== null) target.inputTokens = input;
  if (output !== null) target.outputTokens = output;
  if (cacheRead !== null) target.cacheReadInputTokens = cacheRead;
  if (cacheWrite !== null) target.cacheCreationInputTokens = cacheWrite;
  if (isRecord(usage.cache_creation)) {
    const write5m = tokenCount(usage.cache_creation.ephemeral_5m_input_tokens);
    const write1h = tokenCount(usage.cache_creation.ephemeral_1h_input_tokens);
    if (write5m !== null) target.cacheWrite5mTokens = write5m;
    if (write1h !== null) target.cacheWrite1hTokens = write1h;
    if (cacheWrite === null && (write5m !== null || write1h !== null)) {
      target.cacheCreationInputTokens = target.cacheWrite5mTokens + target.cacheWrite1hTokens;
    }
  }
}

/** Usage of a non-streaming Messages response body, or null when it carries none. */
export function usageFromAnthropicBody(body: unknown): Usage | null {
  if (!isRecord(body) || !isRecord(body.usage)) return null;
  const usage = emptyUsage();
  applyAnthropicUsage(usage, body.usage);
  return usage;
}

/** `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}` → its type and message. */
export function anthropicError(payload: Record<string, unknown>): StreamError {
  const error = isRecord(payload.error) ? payload.error : {};
  return {
    type: typeof error.type === 'string' ? error.type : 'error',
    message: typeof error.message === 'string' ? error.message : '',
  };
}

/** Tracks one Messages stream; create one per request. */
export function createAnthropicStreamTracker(): UsageTracker {
  let usage: Usage | null = null;
  let completed = false;
  let error: StreamError | null = null;
  let model: string | null = null;

  function onEvent({ event, data }: SseEvent): void {
    const payload = parseJsonObject(data);
    if (payload === null) return;
    const type = typeof payload.type === 'string' ? payload.type : event;
    switch (type) {
      case 'message_start': {
        const message = isRecord(payload.message) ? payload.message : {};
        if (typeof message.model === 'string') model = message.model;
        if (isRecord(message.usage)) applyAnthropicUsage((usage ??= emptyUsage()), message.usage);
        break;
      }
      case 'message_delta':
        // Counts here are cumulative for the whole message, so they replace rather than add.
        if (isRecord(payload.usage)) applyAnthropicUsage((usage ??= emptyUsage()), payload.usage);
        break;
      case 'message_stop':
        completed = true;
        break;
      case 'error':
        error = anthropicError(payload);
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
