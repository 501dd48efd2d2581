import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../../functions/shared/errors.js';
import { TranslationError, chatRequestToResponses } from '../../../../../functions/shared/providers/openai-responses/chat-to-responses-request.js';
import { fixtureText } from './chunked-replay.js';

const user = { role: 'user', content: 'hi' };

function translate(fields: Record<string, unknown>): Record<string, unknown> {
  return chatRequestToResponses({ model: 'gpt-5-codex', messages: [user], ...fields });
}

function inputOf(messages: unknown[]): unknown {
  return chatRequestToResponses({ model: 'm', messages }).input;
}

function rejection(body: Record<string, unknown>): TranslationError {
  try {
    chatRequestToResponses(body);
  } catch (error) {
    if (error instanceof TranslationError) return error;
    throw error;
  }
  throw new Error('expected a TranslationError');
}

describe('chatRequestToResponses', () => {
  it('translates a full tool-using conversation to the golden Responses request', () => {
    const chat = JSON.parse(fixtureText('openai-responses/requests/full.chat.json'));
    const expected = JSON.parse(fixtureText('openai-responses/requests/full.responses.json'));
    expect(chatRequestToResponses(chat)).toStrictEqual(expected);
  });

  it('does not modify the body it is given', () => {
    const chat = JSON.parse(fixtureText('openai-responses/requests/full.chat.json'));
    const copy = structuredClone(chat);
    chatRequestToResponses(chat);
    expect(chat).toStrictEqual(copy);
  });

  describe('system prompts', () => {
    it.each(['system', 'developer'])('makes a leading %s message the instructions', (role) => {
      const out = chatRequestToResponses({ model: 'm', messages: [{ role, content: 'Be brief.' }, user] });
      expect(out.instructions).toBe('Be brief.');
      expect(out.input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }]);
    });

    it('joins the text parts of a leading system message with newlines', () => {
      const system = { role: 'system', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] };
      expect(chatRequestToResponses({ model: 'm', messages: [system, user] }).instructions).toBe('one\ntwo');
    });

    it.each(['system', 'developer'])('turns a later %s message into a developer item in its place', (role) => {
      expect(inputOf([user, { role, content: 'Now be formal.' }])).toEqual([
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Now be formal.' }] },
      ]);
    });

    it('sends no instructions when the conversation opens with a user message', () => {
      expect(translate({})).not.toHaveProperty('instructions');
    });
  });

  describe('messages', () => {
    it.each([
      { case: 'an http image without detail', part: { type: 'image_url', image_url: { url: 'https://x/a.png' } }, out: { type: 'input_image', image_url: 'https://x/a.png', detail: 'auto' } },
      { case: 'a data-URL image with detail', part: { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } }, out: { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' } },
      { case: 'a file', part: { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBE' } }, out: { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
      { case: 'a text part', part: { type: 'text', text: 'look' }, out: { type: 'input_text', text: 'look' } },
    ])('translates $case in a user message', ({ part, out }) => {
      expect(inputOf([{ role: 'user', content: [part] }])).toEqual([{ type: 'message', role: 'user', content: [out] }]);
    });

    it('keeps an assistant refusal as a refusal part', () => {
      expect(inputOf([user, { role: 'assistant', content: null, refusal: 'I cannot.' }])).toContainEqual({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'refusal', refusal: 'I cannot.' }],
      });
    });

    it('sends an assistant turn with text and tool calls as a message followed by function calls', () => {
      const assistant = {
        role: 'assistant',
        content: [{ type: 'text', text: 'Checking.' }],
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      };
      expect(inputOf([user, assistant])).toEqual([
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}' },
      ]);
    });
  });

  describe('parameters', () => {
    it.each([
      { case: 'max_tokens', fields: { max_tokens: 100 }, out: { max_output_tokens: 100 } },
      { case: 'max_completion_tokens over max_tokens', fields: { max_tokens: 100, max_completion_tokens: 200 }, out: { max_output_tokens: 200 } },
      { case: 'reasoning_effort', fields: { reasoning_effort: 'high' }, out: { reasoning: { effort: 'high' } } },
      { case: 'reasoning_effort into a reasoning object', fields: { reasoning_effort: 'low', reasoning: { summary: 'auto' } }, out: { reasoning: { summary: 'auto', effort: 'low' } } },
      { case: 'json_object', fields: { response_format: { type: 'json_object' } }, out: { text: { format: { type: 'json_object' } } } },
      { case: 'a text format', fields: { response_format: { type: 'text' } }, out: { text: { format: { type: 'text' } } } },
      { case: 'tool_choice none', fields: { tool_choice: 'none' }, out: { tool_choice: 'none' } },
      { case: 'tool_choice required', fields: { tool_choice: 'required' }, out: { tool_choice: 'required' } },
      { case: 'a named tool_choice', fields: { tool_choice: { type: 'function', function: { name: 'f' } } }, out: { tool_choice: { type: 'function', name: 'f' } } },
      {
        case: 'an allowed_tools tool_choice',
        fields: { tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'f' } }] } } },
        out: { tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'f' }] } },
      },
      { case: 'a function tool without parameters', fields: { tools: [{ type: 'function', function: { name: 'now' } }] }, out: { tools: [{ type: 'function', name: 'now', parameters: { type: 'object', properties: {} }, strict: false }] } },
      { case: 'store: true', fields: { store: true }, out: { store: true } },
      { case: 'no store as store: false', fields: {}, out: { store: false } },
      { case: 'service_tier and safety_identifier', fields: { service_tier: 'flex', safety_identifier: 'h1' }, out: { service_tier: 'flex', safety_identifier: 'h1' } },
      { case: 'fields Chat does not define', fields: { truncation: 'auto', include: ['reasoning.encrypted_content'] }, out: { truncation: 'auto', include: ['reasoning.encrypted_content'] } },
    ])('translates $case', ({ fields, out }) => {
      expect(translate(fields)).toMatchObject(out);
    });

    it.each([
      { field: 'stream_options', value: { include_usage: true } },
      { field: 'seed', value: 42 },
      { field: 'prediction', value: { type: 'content', content: 'x' } },
      { field: 'top_logprobs', value: 0 },
      { field: 'max_tokens', value: 10 },
      { field: 'reasoning_effort', value: 'low' },
      { field: 'response_format', value: { type: 'json_object' } },
    ])('does not send the Chat field $field upstream', ({ field, value }) => {
      expect(translate({ [field]: value })).not.toHaveProperty(field);
    });

    it.each([
      { field: 'n', value: 1 },
      { field: 'logprobs', value: false },
      { field: 'stop', value: [] },
      { field: 'stop', value: null },
      { field: 'presence_penalty', value: 0 },
      { field: 'frequency_penalty', value: 0 },
      { field: 'logit_bias', value: {} },
      { field: 'modalities', value: ['text'] },
    ])('drops $field when it is the neutral $value', ({ field, value }) => {
      expect(translate({ [field]: value })).not.toHaveProperty(field);
    });
  });

  describe('rejections', () => {
    it.each([
      { case: 'several choices', fields: { n: 2 }, param: 'n', says: 'exactly one choice' },
      { case: 'log probabilities', fields: { logprobs: true }, param: 'logprobs', says: 'log probabilities' },
      { case: 'stop sequences', fields: { stop: ['\n'] }, param: 'stop', says: 'no stop sequences' },
      { case: 'a single stop string', fields: { stop: 'END' }, param: 'stop', says: 'no stop sequences' },
      { case: 'a presence penalty', fields: { presence_penalty: 0.5 }, param: 'presence_penalty', says: 'presence penalty' },
      { case: 'a frequency penalty', fields: { frequency_penalty: -1 }, param: 'frequency_penalty', says: 'frequency penalty' },
      { case: 'a logit bias', fields: { logit_bias: { '50256': -100 } }, param: 'logit_bias', says: 'logit bias' },
      { case: 'audio output', fields: { modalities: ['text', 'audio'] }, param: 'modalities', says: 'only text output' },
      { case: 'audio settings', fields: { audio: { voice: 'alloy', format: 'mp3' } }, param: 'audio', says: 'audio output' },
      { case: 'deprecated functions', fields: { functions: [{ name: 'f' }] }, param: 'functions', says: 'use tools' },
      { case: 'deprecated function_call', fields: { function_call: 'auto' }, param: 'function_call', says: 'use tool_choice' },
      { case: 'web search options', fields: { web_search_options: {} }, param: 'web_search_options', says: 'web search' },
      { case: 'a custom tool', fields: { tools: [{ type: 'custom', custom: { name: 'x' } }] }, param: 'tools[0]', says: 'only function tools' },
      { case: 'a custom tool_choice', fields: { tool_choice: { type: 'custom', custom: { name: 'x' } } }, param: 'tool_choice', says: 'cannot be translated' },
      { case: 'an unknown response_format', fields: { response_format: { type: 'grammar' } }, param: 'response_format', says: 'cannot be translated' },
      { case: 'no messages', fields: { messages: [] }, param: 'messages', says: 'non-empty array' },
      { case: 'audio input', fields: { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }] }] }, param: 'messages[0].content[0]', says: 'audio input' },
      { case: 'an image in a system message', fields: { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, param: 'messages[0].content[0]', says: 'text part' },
      { case: 'the deprecated function role', fields: { messages: [{ role: 'function', name: 'f', content: '1' }] }, param: 'messages[0].role', says: 'use tool messages' },
      { case: 'an unknown role', fields: { messages: [{ role: 'narrator', content: 'x' }] }, param: 'messages[0].role', says: 'not a Chat Completions role' },
      { case: 'a tool message without tool_call_id', fields: { messages: [user, { role: 'tool', content: 'x' }] }, param: 'messages[1].tool_call_id', says: 'must be a string' },
      { case: 'a tool call without an id', fields: { messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '' } }] }] }, param: 'messages[0].tool_calls[0]', says: 'needs an id' },
    ])('refuses $case with a 400 naming $param', ({ fields, param, says }) => {
      const error = rejection({ model: 'm', messages: [user], ...fields });
      expect(error).toMatchObject({ status: 400, code: 'invalid_request_error', param });
      expect(error.message).toContain(says);
    });

    it('raises a GatewayError, so the proxy renders it as an OpenAI 400', () => {
      expect(rejection({ model: 'm', messages: [user], n: 3 })).toBeInstanceOf(GatewayError);
    });
  });

  const codexCapture = fileURLToPath(new URL('../../../../../../shared/fixtures/clients/codex-0.171.0.json', import.meta.url));
  it.skipIf(!existsSync(codexCapture))('builds developer and user items the way Codex CLI sends them (needs ../shared)', () => {
    const captured = JSON.parse(readFileSync(codexCapture, 'utf8')) as { body: { input: Array<Record<string, unknown>> } };
    const shapeOf = (item: Record<string, unknown>): unknown => ({
      type: item.type,
      role: item.role,
      parts: (item.content as Array<Record<string, unknown>>).map((part) => Object.keys(part).sort()),
    });
    const codexShapes = captured.body.input.filter((item) => item.type === 'message').map(shapeOf);
    const ours = inputOf([user, { role: 'developer', content: 'x' }]) as Array<Record<string, unknown>>;
    for (const item of ours) expect(codexShapes).toContainEqual(shapeOf(item));
  });
});
