// Translates a Chat Completions request body into a Responses API request body for codex providers.

import { isRecord } from '../json-fields.js';
import { messagesToConversation } from './chat-messages-to-input.js';
import { responseFormatToTextFormat, toolChoiceToResponses, toolsToResponses } from './chat-tools-to-responses.js';
import { TranslationError } from './translation-error.js';

export { TranslationError } from './translation-error.js';

type Json = Record<string, unknown>;

/** Chat fields the Responses API takes under the same name with the same meaning. */
const CARRIED = [
  'model', 'stream', 'temperature', 'top_p', 'user', 'metadata', 'parallel_tool_calls', 'service_tier',
  'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'safety_identifier', 'moderation',
] as const;

/** Chat fields dropped on the way: none of them can change what the client receives. */
const DROPPED_FIELDS: Readonly<Record<string, string>> = {
  stream_options:
    'usage reporting is the gateway\'s business: a Responses stream always ends with usage, and the ' +
    'stream translator emits the usage chunk only when the client asked for it',
  seed: 'the Responses API has no seed; Chat only ever promised best-effort determinism with it',
  prediction: 'predicted outputs only speed up generation and never change it',
  top_logprobs: 'it only qualifies logprobs, which cannot be translated',
};

/**
 * Chat fields the Responses API cannot honour. A neutral value (what Chat does without the field)
 * is dropped; any other value is refused with a 400, because silently ignoring it would hand the
 * client an answer it did not ask for.
 */
const UNTRANSLATABLE: Readonly<Record<string, { neutral: (value: unknown) => boolean; why: string }>> = {
  n: { neutral: (v) => v === 1, why: 'a Responses API provider returns exactly one choice' },
  logprobs: { neutral: (v) => v === false, why: 'log probabilities are not translated back into Chat choices' },
  stop: { neutral: (v) => Array.isArray(v) && v.length === 0, why: 'the Responses API has no stop sequences' },
  presence_penalty: { neutral: (v) => v === 0, why: 'the Responses API has no presence penalty' },
  frequency_penalty: { neutral: (v) => v === 0, why: 'the Responses API has no frequency penalty' },
  logit_bias: { neutral: (v) => isRecord(v) && Object.keys(v).length === 0, why: 'the Responses API has no logit bias' },
  modalities: {
    neutral: (v) => Array.isArray(v) && v.every((m) => m === 'text'),
    why: 'only text output can be translated',
  },
  audio: { neutral: () => false, why: 'audio output cannot be translated' },
  functions: { neutral: () => false, why: 'the deprecated functions field is not supported here; use tools' },
  function_call: { neutral: () => false, why: 'the deprecated function_call field is not supported here; use tool_choice' },
  web_search_options: { neutral: () => false, why: 'web search results cannot be translated into a Chat answer' },
};

/** Fields translated by hand below, so they are neither carried nor forwarded as unknown. */
const TRANSLATED = new Set([
  'messages', 'tools', 'tool_choice', 'response_format', 'verbosity', 'max_tokens', 'max_completion_tokens',
  'reasoning_effort', 'reasoning', 'store',
]);

/**
 * Chat Completions body → Responses body. Fields the Chat API does not define are forwarded
 * untouched (CONTRACT.md: unknown fields pass), so Responses-only extensions still reach upstream.
 * Throws TranslationError (400) for anything in the request that cannot be translated faithfully.
 */
export function chatRequestToResponses(body: Record<string, unknown>): Record<string, unknown> {
  for (const [field, rule] of Object.entries(UNTRANSLATABLE)) {
    const value = body[field];
    if (value === undefined || value === null || rule.neutral(value)) continue;
    throw new TranslationError(`${field} is not supported when the model is served through the Responses API: ${rule.why}`, field);
  }

  const { instructions, input } = messagesToConversation(body.messages);
  const out: Json = {};
  if (body.model !== undefined) out.model = body.model;
  if (instructions !== null) out.instructions = instructions;
  out.input = input;
  if (body.tools !== undefined && body.tools !== null) out.tools = toolsToResponses(body.tools);
  if (body.tool_choice !== undefined && body.tool_choice !== null) out.tool_choice = toolChoiceToResponses(body.tool_choice);

  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined && maxTokens !== null) out.max_output_tokens = maxTokens;

  const reasoning = reasoningOf(body);
  if (reasoning !== null) out.reasoning = reasoning;

  const text: Json = {};
  if (body.response_format !== undefined && body.response_format !== null) {
    text.format = responseFormatToTextFormat(body.response_format);
  }
  if (body.verbosity !== undefined && body.verbosity !== null) text.verbosity = body.verbosity;
  if (Object.keys(text).length > 0) out.text = text;

  for (const field of CARRIED) {
    if (field !== 'model' && body[field] !== undefined && body[field] !== null) out[field] = body[field];
  }
  // Chat completions are not stored unless asked; Responses would store them by default.
  out.store = typeof body.store === 'boolean' ? body.store : false;

  for (const [field, value] of Object.entries(body)) {
    if (isChatField(field)) continue;
    out[field] = value;
  }
  return out;
}

/** `reasoning_effort` → `reasoning.effort`, merged into a `reasoning` object some clients send directly. */
function reasoningOf(body: Json): Json | null {
  const base = isRecord(body.reasoning) ? { ...body.reasoning } : null;
  if (typeof body.reasoning_effort !== 'string') return base;
  return { ...base, effort: body.reasoning_effort };
}

function isChatField(field: string): boolean {
  return (
    TRANSLATED.has(field) ||
    (CARRIED as readonly string[]).includes(field) ||
    field in DROPPED_FIELDS ||
    field in UNTRANSLATABLE
  );
}
