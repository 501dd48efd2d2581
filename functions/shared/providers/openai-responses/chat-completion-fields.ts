// Chat Completions fields derived from a Responses object, shared by the body and stream translators.

import { isRecord, tokenCount } from '../json-fields.js';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** `resp_abc` → `chatcmpl-abc`, so a Chat id can still be traced to the upstream response. */
export function chatIdOf(responseId: string): string {
  return `chatcmpl-${responseId.replace(/^resp_/, '')}`;
}

/**
 * A cut-off response says why (`length` or `content_filter`) even when it was mid tool call, as
 * Chat does; otherwise any function call makes it `tool_calls`.
 */
export function finishReasonOf(response: Record<string, unknown>, hasToolCalls: boolean): ChatFinishReason {
  if (response.status === 'incomplete') {
    const details = isRecord(response.incomplete_details) ? response.incomplete_details : {};
    return details.reason === 'content_filter' ? 'content_filter' : 'length';
  }
  return hasToolCalls ? 'tool_calls' : 'stop';
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** Responses usage → Chat usage; both count cached tokens inside the prompt and reasoning inside the completion. */
export function chatUsageOf(usage: unknown): ChatUsage | null {
  if (!isRecord(usage)) return null;
  const prompt = tokenCount(usage.input_tokens) ?? 0;
  const completion = tokenCount(usage.output_tokens) ?? 0;
  const inputDetails = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outputDetails = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: tokenCount(usage.total_tokens) ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: tokenCount(inputDetails.cached_tokens) ?? 0 },
    completion_tokens_details: { reasoning_tokens: tokenCount(outputDetails.reasoning_tokens) ?? 0 },
  };
}

/** Reasoning summary parts are separate paragraphs; both translators join them the same way. */
export const REASONING_PART_SEPARATOR = '\n\n';
