// Translates a non-streaming Responses API body into a Chat Completions body.

import { isRecord } from '../json-fields.js';
import { REASONING_PART_SEPARATOR, chatIdOf, chatUsageOf, finishReasonOf } from './chat-completion-fields.js';
import { ResponseFailedError } from './translation-error.js';

type Json = Record<string, unknown>;

/**
 * `model` is the one the client asked for, so a redirect stays invisible to it. Throws
 * ResponseFailedError when the upstream reports `status: "failed"`: there is no completion to return.
 */
export function responsesBodyToChat(resp: Record<string, unknown>, requestedModel: string): Record<string, unknown> {
  if (resp.status === 'failed') {
    const error = isRecord(resp.error) ? resp.error : {};
    const message = typeof error.message === 'string' ? error.message : 'the upstream response failed';
    throw new ResponseFailedError(message, typeof error.code === 'string' ? error.code : null);
  }

  const text: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: Json[] = [];
  for (const item of Array.isArray(resp.output) ? resp.output : []) {
    if (!isRecord(item)) continue;
    if (item.type === 'message') collectMessage(item, text, refusals);
    else if (item.type === 'reasoning') collectSummary(item, reasoning);
    else if (item.type === 'function_call') toolCalls.push(toolCallOf(item));
  }

  const message: Json = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
    refusal: refusals.length > 0 ? refusals.join('') : null,
  };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join(REASONING_PART_SEPARATOR);
  if (toolCalls.length > 0) message.tool_calls = toolCalls;

  const chat: Json = {
    id: typeof resp.id === 'string' ? chatIdOf(resp.id) : `chatcmpl-${crypto.randomUUID()}`,
    object: 'chat.completion',
    created: typeof resp.created_at === 'number' ? Math.floor(resp.created_at) : Math.floor(Date.now() / 1000),
    model: requestedModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(resp, toolCalls.length > 0) }],
  };
  const usage = chatUsageOf(resp.usage);
  if (usage !== null) chat.usage = usage;
  if (typeof resp.service_tier === 'string') chat.service_tier = resp.service_tier;
  return chat;
}

function collectMessage(item: Json, text: string[], refusals: string[]): void {
  for (const part of Array.isArray(item.content) ? item.content : []) {
    if (!isRecord(part)) continue;
    if (part.type === 'output_text' && typeof part.text === 'string') text.push(part.text);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') refusals.push(part.refusal);
  }
}

function collectSummary(item: Json, reasoning: string[]): void {
  for (const part of Array.isArray(item.summary) ? item.summary : []) {
    if (isRecord(part) && typeof part.text === 'string' && part.text !== '') reasoning.push(part.text);
  }
}

function toolCallOf(item: Json): Json {
  return {
    id: item.call_id,
    type: 'function',
    function: { name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '' },
  };
}
