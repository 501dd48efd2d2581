// Normalises OpenAI-format usage (cached tokens inside the prompt count) to disjoint Anthropic-style counts.

import type { Usage } from '../types.js';
import { isRecord, tokenCount } from './json-fields.js';
import { emptyUsage, type StreamError } from './stream-outcome.js';

export interface OpenAiUsageFields {
  prompt: unknown;
  completion: unknown;
  cached: unknown;
  reasoning: unknown;
}

/**
 * OpenAI reports cached tokens inside the prompt count, so they are subtracted to get the uncached
 * input (CONTRACT.md §4). Reasoning tokens are already part of the completion count and are kept
 * separately only for information.
 */
export function disjointOpenAiUsage(fields: OpenAiUsageFields): Usage {
  const prompt = tokenCount(fields.prompt) ?? 0;
  const cached = Math.min(tokenCount(fields.cached) ?? 0, prompt);
  return {
    ...emptyUsage(),
    inputTokens: prompt - cached,
    cacheReadInputTokens: cached,
    outputTokens: tokenCount(fields.completion) ?? 0,
    reasoningTokens: tokenCount(fields.reasoning) ?? 0,
  };
}

/** `{"error":{"message","type","code"}}` (or a bare string) → its type and message. */
export function openAiError(error: unknown): StreamError {
  if (typeof error === 'string') return { type: 'error', message: error };
  const fields = isRecord(error) ? error : {};
  const type = [fields.type, fields.code].find((value): value is string => typeof value === 'string' && value !== '');
  return { type: type ?? 'error', message: typeof fields.message === 'string' ? fields.message : '' };
}
