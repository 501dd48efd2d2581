// Translates Chat Completions `messages` into Responses `instructions` and `input` items.

import { isRecord } from '../json-fields.js';
import { describeValue, TranslationError } from './translation-error.js';

type Item = Record<string, unknown>;

export interface ResponsesConversation {
  /** The first message's text when that message is a system or developer message. */
  instructions: string | null;
  input: Item[];
}

/**
 * One rule for system prompts: when the conversation opens with a `system` or `developer` message,
 * its text becomes `instructions`; every other `system` or `developer` message becomes a `developer`
 * input item in its place, the way Codex sends its own prompts. OpenAI itself treats `system` as
 * `developer` for the models codex providers serve, so the two roles are not told apart.
 */
export function messagesToConversation(messages: unknown): ResponsesConversation {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new TranslationError('messages must be a non-empty array', 'messages');
  }
  let instructions: string | null = null;
  const input: Item[] = [];
  messages.forEach((message: unknown, index) => {
    const at = `messages[${index}]`;
    if (!isRecord(message)) throw new TranslationError(`${at} must be an object`, at);
    const role = message.role;
    // `name` has no Responses counterpart; OpenAI's models ignore it for the roles codex serves.
    if (role === 'system' || role === 'developer') {
      const parts = textParts(message.content, 'input_text', `${at}.content`);
      if (index === 0) instructions = parts.map((part) => part.text).join('\n');
      else input.push({ type: 'message', role: 'developer', content: parts });
    } else if (role === 'user') {
      input.push({ type: 'message', role: 'user', content: userParts(message.content, `${at}.content`) });
    } else if (role === 'assistant') {
      input.push(...assistantItems(message, at));
    } else if (role === 'tool') {
      input.push(toolOutputItem(message, at));
    } else if (role === 'function') {
      throw new TranslationError(`${at}: the deprecated "function" role is not supported here; use tool messages`, `${at}.role`);
    } else {
      throw new TranslationError(`${at}.role ${describeValue(role)} is not a Chat Completions role`, `${at}.role`);
    }
  });
  return { instructions, input };
}

interface TextPart {
  type: string;
  text: string;
}

/** String or text-part content as Responses text parts; other part kinds are not allowed in this role. */
function textParts(content: unknown, type: 'input_text' | 'output_text', at: string): TextPart[] {
  if (typeof content === 'string') return [{ type, text: content }];
  if (!Array.isArray(content)) throw new TranslationError(`${at} must be a string or an array of text parts`, at);
  return content.map((part: unknown, i) => {
    if (!isRecord(part) || part.type !== 'text' || typeof part.text !== 'string') {
      throw new TranslationError(`${at}[${i}] must be a text part`, `${at}[${i}]`);
    }
    return { type, text: part.text };
  });
}

function userParts(content: unknown, at: string): Item[] {
  if (typeof content === 'string') return [{ type: 'input_text', text: content }];
  if (!Array.isArray(content)) throw new TranslationError(`${at} must be a string or an array of content parts`, at);
  return content.map((part: unknown, i) => userPart(part, `${at}[${i}]`));
}

function userPart(part: unknown, at: string): Item {
  if (!isRecord(part)) throw new TranslationError(`${at} must be an object`, at);
  if (part.type === 'text' && typeof part.text === 'string') return { type: 'input_text', text: part.text };
  if (part.type === 'image_url') {
    const image = isRecord(part.image_url) ? part.image_url : {};
    if (typeof image.url !== 'string') throw new TranslationError(`${at}.image_url.url must be a string`, `${at}.image_url.url`);
    // Data URLs and http(s) URLs are both valid Responses `image_url` values; `detail` is required there.
    return { type: 'input_image', image_url: image.url, detail: typeof image.detail === 'string' ? image.detail : 'auto' };
  }
  if (part.type === 'file' && isRecord(part.file)) {
    const file: Item = { type: 'input_file' };
    for (const field of ['file_id', 'file_data', 'filename']) {
      if (typeof part.file[field] === 'string') file[field] = part.file[field];
    }
    return file;
  }
  if (part.type === 'input_audio') {
    throw new TranslationError(`${at}: audio input cannot be sent to a Responses API provider`, at);
  }
  throw new TranslationError(`${at}.type ${describeValue(part.type)} is not a supported content part`, `${at}.type`);
}

/** An assistant turn: its text (if any) as one message item, then one function_call item per tool call. */
function assistantItems(message: Record<string, unknown>, at: string): Item[] {
  if (message.audio !== undefined && message.audio !== null) {
    throw new TranslationError(`${at}.audio: audio turns cannot be sent to a Responses API provider`, `${at}.audio`);
  }
  if (message.function_call !== undefined && message.function_call !== null) {
    throw new TranslationError(`${at}.function_call is deprecated and not supported here; use tool_calls`, `${at}.function_call`);
  }
  const content: Item[] = [];
  if (typeof message.content === 'string') {
    if (message.content !== '') content.push({ type: 'output_text', text: message.content });
  } else if (Array.isArray(message.content)) {
    message.content.forEach((part: unknown, i) => content.push(assistantPart(part, `${at}.content[${i}]`)));
  } else if (message.content !== undefined && message.content !== null) {
    throw new TranslationError(`${at}.content must be a string, an array of parts or null`, `${at}.content`);
  }
  if (content.length === 0 && typeof message.refusal === 'string' && message.refusal !== '') {
    content.push({ type: 'refusal', refusal: message.refusal });
  }
  const items: Item[] = content.length > 0 ? [{ type: 'message', role: 'assistant', content }] : [];
  const toolCalls = message.tool_calls ?? [];
  if (!Array.isArray(toolCalls)) throw new TranslationError(`${at}.tool_calls must be an array`, `${at}.tool_calls`);
  toolCalls.forEach((call: unknown, i) => items.push(functionCallItem(call, `${at}.tool_calls[${i}]`)));
  return items;
}

function assistantPart(part: unknown, at: string): Item {
  if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return { type: 'output_text', text: part.text };
  if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') {
    return { type: 'refusal', refusal: part.refusal };
  }
  throw new TranslationError(`${at} must be a text or refusal part`, at);
}

function functionCallItem(call: unknown, at: string): Item {
  if (!isRecord(call)) throw new TranslationError(`${at} must be an object`, at);
  if (call.type !== undefined && call.type !== 'function') {
    throw new TranslationError(`${at}.type ${describeValue(call.type)}: only function tool calls can be translated`, `${at}.type`);
  }
  const fn = isRecord(call.function) ? call.function : {};
  if (typeof call.id !== 'string' || typeof fn.name !== 'string') {
    throw new TranslationError(`${at} needs an id and a function name`, at);
  }
  const args = typeof fn.arguments === 'string' ? fn.arguments : '';
  return { type: 'function_call', call_id: call.id, name: fn.name, arguments: args };
}

function toolOutputItem(message: Record<string, unknown>, at: string): Item {
  if (typeof message.tool_call_id !== 'string') {
    throw new TranslationError(`${at}.tool_call_id must be a string`, `${at}.tool_call_id`);
  }
  // Responses accepts a string or a list of input parts, so text parts keep their boundaries.
  const output = typeof message.content === 'string' ? message.content : textParts(message.content, 'input_text', `${at}.content`);
  return { type: 'function_call_output', call_id: message.tool_call_id, output };
}
