// Reads token usage, model and in-band errors from OpenAI Chat Completions responses, streamed or not.

import type { Usage } from '../../types.js';
import { isRecord, parseJsonObject } from '../json-fields.js';
import { disjointOpenAiUsage, openAiError } from '../openai-usage.js';
import { createSseParser } from '../sse.js';
import type { StreamError, StreamOutcome, UsageTracker } from '../stream-outcome.js';

function chatUsage(usage: Record<string, unknown>): Usage {
  const promptDetails = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completionDetails = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  return disjointOpenAiUsage({
    prompt: usage.prompt_tokens,
    completion: usage.completion_tokens,
    // DeepSeek-style compatible providers report cache hits as prompt_cache_hit_tokens instead.
    cached: promptDetails.cached_tokens ?? usage.prompt_cache_hit_tokens,
    reasoning: completionDetails.reasoning_tokens,
  });
}

/** Usage of a non-streaming chat completion body, or null when it carries none. */
export function usageFromChatBody(body: unknown): Usage | null {
  if (!isRecord(body) || !isRecord(body.usage)) return null;
  return chatUsage(body.usage);
}

/** Tracks one chat completion stream (usage arrives in a final chunk with `stream_options.include_usage`). */
export function createChatStreamTracker(): UsageTracker {
  let usage: Usage | null = null;
  let completed = false;
  let error: StreamError | null = null;
  let model: string | null = null;

  const parser = createSseParser(({ data }) => {
    if (data.trim() === '[DONE]') {
      completed = true;
      return;
    }
    const chunk = parseJsonObject(data);
    if (chunk === null) return;
    if (chunk.error !== undefined && chunk.error !== null) {
      error = openAiError(chunk.error);
      return;
    }
    if (typeof chunk.model === 'string' && chunk.model !== '') model = chunk.model;
    if (isRecord(chunk.usage)) usage = chatUsage(chunk.usage);
  });

  return {
    push: (chunk) => parser.push(chunk),
    end: () => parser.end(),
    result: (): StreamOutcome => ({ usage: usage === null ? null : { ...usage }, completed, error, model }),
  };
}
