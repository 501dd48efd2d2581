// Per-request state machine turning Responses API stream events into Chat Completions chunk payloads.

import { isRecord } from '../json-fields.js';
import { REASONING_PART_SEPARATOR, chatIdOf, chatUsageOf, finishReasonOf } from './chat-completion-fields.js';
import { chatErrorOf, type ChatStreamError } from './translation-error.js';

type Json = Record<string, unknown>;

export interface ChatStreamOptions {
  /** The model the client asked for; every chunk names it. */
  model: string;
  /** The client sent `stream_options.include_usage: true`: add the usage chunk (and `usage: null` elsewhere). */
  includeUsage: boolean;
  /** Chunk id; by default derived from the upstream response id. */
  id?: string;
  /** Unix seconds; by default the upstream response's `created_at`. */
  created?: number;
}

export interface ResponsesStreamTranslator {
  /** The Chat SSE `data:` payloads one upstream event turns into (often none). */
  onEvent(type: string | null, payload: Json): string[];
  /** Called once when the upstream ends; reports a stream that stopped before its terminal event. */
  onEnd(): string[];
}

export const STREAM_CUT_OFF_ERROR: ChatStreamError = {
  message: 'stream ended before completion',
  type: 'server_error',
  code: 'stream_incomplete',
};

/**
 * Deltas are forwarded as they come. The `.done` events and the final output carry the full text of
 * each part, so whatever an upstream sent only there (some send no deltas at all) is emitted as a
 * catch-up delta; what was already streamed is never repeated.
 */
export function createResponsesStreamTranslator(opts: ChatStreamOptions): ResponsesStreamTranslator {
  let id = opts.id ?? null;
  let created = opts.created ?? null;
  let started = false;
  let finished = false;
  let toolCount = 0;
  let reasoningParts = 0;
  /** Tool call index by output item id and by `#<output_index>`. */
  const toolIndex = new Map<string, number>();
  /** Text already streamed per part (`text:`, `refusal:`, `reasoning:`, `args:` keys). */
  const streamed = new Map<string, string>();
  let out: string[] = [];

  function envelope(): Json {
    return { id, object: 'chat.completion.chunk', created, model: opts.model };
  }

  function start(response: unknown): void {
    if (started) return;
    started = true;
    const upstream = isRecord(response) ? response : {};
    id ??= typeof upstream.id === 'string' ? chatIdOf(upstream.id) : `chatcmpl-${crypto.randomUUID()}`;
    created ??= typeof upstream.created_at === 'number' ? Math.floor(upstream.created_at) : Math.floor(Date.now() / 1000);
    chunk({ role: 'assistant', content: '' });
  }

  function chunk(delta: Json, finishReason: string | null = null): void {
    if (!started) start(null);
    const choice = { index: 0, delta, logprobs: null, finish_reason: finishReason };
    out.push(JSON.stringify({ ...envelope(), choices: [choice], ...(opts.includeUsage ? { usage: null } : {}) }));
  }

  function advance(key: string, delta: unknown, emit: (text: string, firstOfPart: boolean) => void): void {
    if (typeof delta !== 'string' || delta === '') return;
    const before = streamed.get(key);
    streamed.set(key, (before ?? '') + delta);
    emit(delta, before === undefined);
  }

  function catchUp(key: string, full: unknown, emit: (text: string, firstOfPart: boolean) => void): void {
    if (typeof full !== 'string') return;
    const before = streamed.get(key) ?? '';
    if (full.length > before.length && full.startsWith(before)) advance(key, full.slice(before.length), emit);
  }

  const emitText = (text: string): void => chunk({ content: text });
  const emitRefusal = (text: string): void => chunk({ refusal: text });
  function emitReasoning(text: string, firstOfPart: boolean): void {
    if (firstOfPart && reasoningParts++ > 0) text = REASONING_PART_SEPARATOR + text;
    chunk({ reasoning_content: text });
  }

  function toolIndexOf(itemId: unknown, outputIndex: unknown): number | undefined {
    return (typeof itemId === 'string' ? toolIndex.get(itemId) : undefined) ?? toolIndex.get(`#${String(outputIndex)}`);
  }

  function startToolCall(item: Json, outputIndex: unknown): number {
    const known = toolIndexOf(item.id, outputIndex);
    if (known !== undefined) return known;
    const index = toolCount++;
    if (typeof item.id === 'string') toolIndex.set(item.id, index);
    if (typeof outputIndex === 'number') toolIndex.set(`#${outputIndex}`, index);
    const call = { index, id: item.call_id, type: 'function', function: { name: item.name, arguments: '' } };
    chunk({ tool_calls: [call] });
    catchUp(`args:${index}`, item.arguments, emitArguments(index));
    return index;
  }

  function emitArguments(index: number): (text: string) => void {
    return (text) => chunk({ tool_calls: [{ index, function: { arguments: text } }] });
  }

  /** A finished output item: emit whatever of it was not streamed yet. */
  function settleItem(item: Json, outputIndex: unknown): void {
    const key = typeof item.id === 'string' ? item.id : `#${String(outputIndex)}`;
    const parts = Array.isArray(item.content) ? item.content : [];
    if (item.type === 'function_call') {
      const index = startToolCall(item, outputIndex);
      catchUp(`args:${index}`, item.arguments, emitArguments(index));
    } else if (item.type === 'message') {
      parts.forEach((part: unknown, i) => {
        if (!isRecord(part)) return;
        if (part.type === 'output_text') catchUp(`text:${key}:${i}`, part.text, emitText);
        else if (part.type === 'refusal') catchUp(`refusal:${key}:${i}`, part.refusal, emitRefusal);
      });
    } else if (item.type === 'reasoning' && Array.isArray(item.summary)) {
      item.summary.forEach((part: unknown, i) => {
        if (isRecord(part)) catchUp(`reasoning:${key}:${i}`, part.text, emitReasoning);
      });
    }
  }

  function finish(response: Json): void {
    for (const [i, item] of (Array.isArray(response.output) ? response.output : []).entries()) {
      if (isRecord(item)) settleItem(item, i);
    }
    chunk({}, finishReasonOf(response, toolCount > 0));
    const usage = chatUsageOf(response.usage);
    if (opts.includeUsage && usage !== null) out.push(JSON.stringify({ ...envelope(), choices: [], usage }));
    out.push('[DONE]');
    finished = true;
  }

  function fail(error: ChatStreamError): void {
    out.push(JSON.stringify({ error }));
    out.push('[DONE]');
    finished = true;
  }

  function errorOf(source: Json): ChatStreamError {
    const message = typeof source.message === 'string' && source.message !== '' ? source.message : 'the upstream response failed';
    return chatErrorOf(typeof source.code === 'string' ? source.code : null, message);
  }

  function handle(type: string | null, p: Json): void {
    const part = typeof p.item_id === 'string' ? p.item_id : `#${String(p.output_index)}`;
    const item = isRecord(p.item) ? p.item : null;
    const response = isRecord(p.response) ? p.response : {};
    switch (type) {
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
        return start(response);
      case 'response.output_item.added':
        if (item?.type === 'function_call') startToolCall(item, p.output_index);
        return;
      case 'response.output_item.done':
        if (item !== null) settleItem(item, p.output_index);
        return;
      case 'response.output_text.delta':
        return advance(`text:${part}:${String(p.content_index ?? 0)}`, p.delta, emitText);
      case 'response.output_text.done':
        return catchUp(`text:${part}:${String(p.content_index ?? 0)}`, p.text, emitText);
      case 'response.refusal.delta':
        return advance(`refusal:${part}:${String(p.content_index ?? 0)}`, p.delta, emitRefusal);
      case 'response.refusal.done':
        return catchUp(`refusal:${part}:${String(p.content_index ?? 0)}`, p.refusal, emitRefusal);
      case 'response.reasoning_summary_text.delta':
        return advance(`reasoning:${part}:${String(p.summary_index ?? 0)}`, p.delta, emitReasoning);
      case 'response.reasoning_summary_text.done':
        return catchUp(`reasoning:${part}:${String(p.summary_index ?? 0)}`, p.text, emitReasoning);
      case 'response.function_call_arguments.delta':
      case 'response.function_call_arguments.done': {
        const index = toolIndexOf(p.item_id, p.output_index);
        // Arguments of a call never announced have no id or name to go with; output_item.done brings all three.
        if (index === undefined) return;
        if (type.endsWith('.delta')) advance(`args:${index}`, p.delta, emitArguments(index));
        else catchUp(`args:${index}`, p.arguments, emitArguments(index));
        return;
      }
      case 'response.completed':
      case 'response.incomplete':
        return finish(response);
      case 'response.failed':
        return fail(errorOf(isRecord(response.error) ? response.error : {}));
      case 'error':
        return fail(errorOf(isRecord(p.error) ? p.error : p));
    }
  }

  function drain(): string[] {
    const payloads = out;
    out = [];
    return payloads;
  }

  return {
    onEvent(type, payload) {
      if (!finished) handle(type, payload);
      return drain();
    },
    onEnd() {
      if (!finished) fail(STREAM_CUT_OFF_ERROR);
      return drain();
    },
  };
}
