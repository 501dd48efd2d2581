import { describe, expect, it } from 'vitest';
import { responsesBodyToChat } from '../../../../../functions/shared/providers/openai-responses/responses-to-chat-response.js';
import { ResponseFailedError } from '../../../../../functions/shared/providers/openai-responses/translation-error.js';
import { fixtureText } from './chunked-replay.js';

const MODEL = 'gpt-5-codex';

/** A non-streaming Responses body is the `response` object of the stream's terminal event. */
function finalResponse(fixture: string): Record<string, unknown> {
  const events = fixtureText(`openai-responses/${fixture}`).split('\n\n').filter((event) => event.includes('data: '));
  return JSON.parse(events[events.length - 1].split('data: ')[1]).response;
}

function body(fields: Record<string, unknown>): Record<string, unknown> {
  return { id: 'resp_x', object: 'response', created_at: 1767225600, status: 'completed', output: [], ...fields };
}

function message(content: unknown[]): Record<string, unknown> {
  return { id: 'msg_x', type: 'message', status: 'completed', role: 'assistant', content };
}

describe('responsesBodyToChat', () => {
  it.each(['text', 'reasoning', 'parallel-tools', 'incomplete'])('translates the %s response to its golden chat completion', (name) => {
    const expected = JSON.parse(fixtureText(`openai-responses/${name}.chat.json`));
    expect(responsesBodyToChat(finalResponse(`${name}.sse`), MODEL)).toStrictEqual(expected);
  });

  it('throws a 502 ResponseFailedError carrying the upstream message and code for a failed response', () => {
    const failed = finalResponse('failed.sse');
    expect(() => responsesBodyToChat(failed, MODEL)).toThrow(ResponseFailedError);
    try {
      responsesBodyToChat(failed, MODEL);
    } catch (error) {
      expect(error).toMatchObject({
        status: 502,
        code: 'upstream_error',
        upstreamCode: 'server_error',
        message: 'An error occurred while processing your request. Please retry.',
      });
    }
  });

  it.each([
    { case: 'completed with text only', fields: {}, tools: false, expected: 'stop' },
    { case: 'completed with a function call', fields: {}, tools: true, expected: 'tool_calls' },
    { case: 'cut at max_output_tokens', fields: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }, tools: false, expected: 'length' },
    { case: 'cut at max_output_tokens mid tool call', fields: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }, tools: true, expected: 'length' },
    { case: 'stopped by the content filter', fields: { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }, tools: false, expected: 'content_filter' },
  ])('finishes with $expected when $case', ({ fields, tools, expected }) => {
    const output: unknown[] = [message([{ type: 'output_text', text: 'hi', annotations: [] }])];
    if (tools) output.push({ id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' });
    const chat = responsesBodyToChat(body({ ...fields, output }), MODEL) as { choices: Array<{ finish_reason: string }> };
    expect(chat.choices[0].finish_reason).toBe(expected);
  });

  it('joins the text of several message items and parts, and returns refusals separately', () => {
    const chat = responsesBodyToChat(
      body({
        output: [
          message([{ type: 'output_text', text: 'one ' }, { type: 'output_text', text: 'two' }]),
          message([{ type: 'output_text', text: ' three' }, { type: 'refusal', refusal: 'no more' }]),
        ],
      }),
      MODEL,
    ) as { choices: Array<{ message: unknown }> };
    expect(chat.choices[0].message).toEqual({ role: 'assistant', content: 'one two three', refusal: 'no more' });
  });

  it('names the model the client asked for, not the upstream one', () => {
    expect(responsesBodyToChat(body({ model: 'gpt-5.1-codex' }), 'my-alias')).toMatchObject({ model: 'my-alias' });
  });

  it('leaves usage out when the upstream reported none', () => {
    expect(responsesBodyToChat(body({}), MODEL)).not.toHaveProperty('usage');
  });

  it('derives the completion id from the response id', () => {
    expect(responsesBodyToChat(body({ id: 'resp_abc123' }), MODEL)).toMatchObject({ id: 'chatcmpl-abc123' });
  });

  it('keeps the service tier the upstream used', () => {
    expect(responsesBodyToChat(body({ service_tier: 'flex' }), MODEL)).toMatchObject({ service_tier: 'flex' });
  });

  it('ignores output items that have no Chat counterpart', () => {
    const chat = responsesBodyToChat(
      body({ output: [{ id: 'ws_1', type: 'web_search_call', status: 'completed' }, message([{ type: 'output_text', text: 'ok' }])] }),
      MODEL,
    ) as { choices: Array<{ message: unknown }> };
    expect(chat.choices[0].message).toEqual({ role: 'assistant', content: 'ok', refusal: null });
  });
});
