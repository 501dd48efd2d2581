// Translates Chat Completions `tools`, `tool_choice` and `response_format` into their Responses forms.

import { isRecord } from '../json-fields.js';
import { describeValue, TranslationError } from './translation-error.js';

type Json = Record<string, unknown>;

/**
 * `{type:"function",function:{...}}` → `{type:"function",name,...}`. Responses makes function tools
 * strict unless told otherwise while Chat does not, so an absent `strict` is sent as `false` to keep
 * the Chat meaning (a non-strict schema would otherwise be refused upstream).
 */
export function toolsToResponses(tools: unknown): Json[] {
  if (!Array.isArray(tools)) throw new TranslationError('tools must be an array', 'tools');
  return tools.map((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
      throw new TranslationError(`${at}: only function tools can be sent to a Responses API provider`, at);
    }
    const fn = tool.function;
    if (typeof fn.name !== 'string') throw new TranslationError(`${at}.function.name must be a string`, `${at}.function.name`);
    const out: Json = { type: 'function', name: fn.name };
    if (typeof fn.description === 'string') out.description = fn.description;
    // A Chat function without parameters takes none; Responses requires the field.
    out.parameters = isRecord(fn.parameters) ? fn.parameters : { type: 'object', properties: {} };
    out.strict = typeof fn.strict === 'boolean' ? fn.strict : false;
    return out;
  });
}

/** `"auto"|"none"|"required"` pass; a named function and an allowed-tools list move their names up a level. */
export function toolChoiceToResponses(choice: unknown): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isRecord(choice) && choice.type === 'function') {
    return { type: 'function', name: functionName(choice.function, 'tool_choice.function.name') };
  }
  if (isRecord(choice) && choice.type === 'allowed_tools' && isRecord(choice.allowed_tools)) {
    const { mode, tools } = choice.allowed_tools;
    if (!Array.isArray(tools)) throw new TranslationError('tool_choice.allowed_tools.tools must be an array', 'tool_choice');
    const named = tools.map((tool: unknown, i) => {
      const at = `tool_choice.allowed_tools.tools[${i}]`;
      if (!isRecord(tool) || tool.type !== 'function') throw new TranslationError(`${at}: only function tools can be allowed`, at);
      return { type: 'function', name: functionName(tool.function, `${at}.function.name`) };
    });
    return { type: 'allowed_tools', mode, tools: named };
  }
  throw new TranslationError(`tool_choice ${describeValue(choice)} cannot be translated`, 'tool_choice');
}

function functionName(fn: unknown, at: string): string {
  if (!isRecord(fn) || typeof fn.name !== 'string') throw new TranslationError(`${at} must be a string`, at);
  return fn.name;
}

/** `response_format` → `text.format`: the json_schema fields move up out of their `json_schema` wrapper. */
export function responseFormatToTextFormat(format: unknown): Json {
  if (isRecord(format) && (format.type === 'text' || format.type === 'json_object')) return { type: format.type };
  if (isRecord(format) && format.type === 'json_schema' && isRecord(format.json_schema)) {
    const { name, description, schema, strict } = format.json_schema;
    if (typeof name !== 'string') {
      throw new TranslationError('response_format.json_schema.name must be a string', 'response_format.json_schema.name');
    }
    const out: Json = { type: 'json_schema', name };
    if (typeof description === 'string') out.description = description;
    if (isRecord(schema)) out.schema = schema;
    if (typeof strict === 'boolean') out.strict = strict;
    return out;
  }
  throw new TranslationError(`response_format ${describeValue(format)} cannot be translated`, 'response_format');
}
