import { BadRequestError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReply } from '../../support/fake-upstream.js';
import type { ProxyTestbed } from '../../support/proxy-testbed.js';
import {
  CODEX,
  CODEX_PROVIDER,
  GPT41,
  OPENAI_COMPATIBLE,
  assemble,
  chatBody,
  finalResponse,
  fixture,
  logOf,
  post,
  sdk,
  sseBytes,
  startOpenAiBed,
} from './openai-helpers.js';

let bed: ProxyTestbed | null = null;
afterEach(async () => {
  await bed?.close();
  bed = null;
});

const TOOLS = [
  { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
  { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
];

const PARIS_CALLS = [
  { id: 'call_7Hq2LmZx9PvR', name: 'get_weather', arguments: '{"city":"Paris"}' },
  { id: 'call_Bn4Ks8TeW1yQ', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
];

// Prompt 4200 of which 3072 cached, completion 310 (192 of them reasoning), at $2 / $0.50 / $8 per MTok:
// 1128×2 + 3072×0.5 + 310×8 = 2256 + 1536 + 2480 = 6272 µUSD.
const GPT41_TOOLS_LOG = {
  endpoint: 'chat_completions',
  model: GPT41,
  inputTokens: 1128,
  cacheReadInputTokens: 3072,
  outputTokens: 310,
  reasoningTokens: 192,
  cacheCreationInputTokens: 0,
  costUsd: 0.006272,
  priceVersion: 'sha-openai-test',
  statusCode: 200,
  error: null,
};

describe('POST /v1/chat/completions through an openai-compatible provider', () => {
  it('answers the SDK with the upstream body as is and logs exact cost, cached tokens subtracted from input', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    const body = fixture('openai-proxy/chat-tools.json');
    bed.upstream.handle(jsonReply(body));
    const { data, response } = await sdk(bed)
      .chat.completions.create({ model: GPT41, messages: [{ role: 'user', content: 'weather and time in Paris?' }], tools: TOOLS })
      .withResponse();
    expect(data).toEqual(JSON.parse(body));
    expect(data.choices[0].message.tool_calls?.map((c) => c.type === 'function' && c.function.name)).toEqual(['get_weather', 'get_time']);
    expect(data.usage).toMatchObject({ prompt_tokens: 4200, prompt_tokens_details: { cached_tokens: 3072 } });

    const got = bed.upstream.received[0];
    expect(got.url).toBe('/v1/chat/completions');
    expect(got.headers.authorization).toBe('Bearer sk-openai-upstream-0001');
    expect(JSON.parse(got.body.toString())).toMatchObject({ model: GPT41, tools: TOOLS });
    const log = await logOf(bed, response.headers.get('x-request-id'));
    expect(log).toMatchObject({ ...GPT41_TOOLS_LOG, stream: false, upstreamModel: GPT41 });
  });

  it('asks the upstream for usage on a stream, bills it, and strips the usage chunk the client did not ask for', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    bed.upstream.handle(sseBytes(fixture('openai-proxy/chat-tools.sse')));
    const { data: stream, response } = await sdk(bed)
      .chat.completions.create({ model: GPT41, messages: [{ role: 'user', content: 'hi' }], tools: TOOLS, stream: true })
      .withResponse();
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const seen = assemble(chunks);
    expect(seen).toMatchObject({ content: 'Checking the weather in Paris — ☀️ maybe.', finish: 'tool_calls', calls: PARIS_CALLS, usage: [] });

    const upstreamBody = JSON.parse(bed.upstream.received[0].body.toString());
    expect(upstreamBody.stream_options).toEqual({ include_usage: true });
    const log = await logOf(bed, response.headers.get('x-request-id'));
    expect(log).toMatchObject({ ...GPT41_TOOLS_LOG, stream: true });
  });

  it('relays the stream byte for byte minus the usage chunk, keeping the client stream_options it sent', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    bed.upstream.handle(sseBytes(fixture('openai-proxy/chat-tools.sse')));
    const res = await post(bed, '/v1/chat/completions', chatBody(GPT41, { stream: true, stream_options: { include_obfuscation: false } }));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(fixture('openai-proxy/chat-tools.stripped.sse'));
    expect(JSON.parse(bed.upstream.received[0].body.toString()).stream_options).toEqual({ include_obfuscation: false, include_usage: true });
  });

  it('keeps the usage chunk and the request bytes untouched when the client asked for usage', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    const sse = fixture('openai-proxy/chat-tools.sse');
    bed.upstream.handle(sseBytes(sse));
    const raw = chatBody(GPT41, { stream: true, stream_options: { include_usage: true }, temperature: 0.50, x_vendor: { a: 1 } });
    const res = await post(bed, '/v1/chat/completions', raw);
    expect(await res.text()).toBe(sse);
    expect(bed.upstream.received[0].body.toString()).toBe(raw);

    const chunks: ChatCompletionChunk[] = [];
    bed.upstream.handle(sseBytes(sse));
    const stream = await sdk(bed).chat.completions.create({
      model: GPT41,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) chunks.push(chunk);
    expect(assemble(chunks).usage).toEqual([expect.objectContaining({ prompt_tokens: 4200, completion_tokens: 310 })]);
  });

  it('rewrites only the model under a redirect and logs both names', async () => {
    bed = await startOpenAiBed({ ...OPENAI_COMPATIBLE, modelRedirects: { 'gpt-4.1-latest': GPT41 } });
    bed.upstream.handle(jsonReply(fixture('openai-proxy/chat-tools.json')));
    const raw = chatBody('gpt-4.1-latest', { temperature: 1.0 });
    const res = await post(bed, '/v1/chat/completions', raw);
    expect(res.status).toBe(200);
    expect(bed.upstream.received[0].body.toString()).toBe(raw.replace('"gpt-4.1-latest"', `"${GPT41}"`));
    expect(await logOf(bed, res.headers.get('x-request-id'))).toMatchObject({ model: 'gpt-4.1-latest', upstreamModel: GPT41 });
  });
});

describe('POST /v1/chat/completions through a codex provider (Responses translation)', () => {
  it('sends a Responses request and returns the golden chat completion with tool calls to the SDK', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    bed.upstream.handle(jsonReply(finalResponse('openai-responses/parallel-tools.sse')));
    const { data, response } = await sdk(bed)
      .chat.completions.create({
        model: CODEX,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'weather and time in Paris?' },
        ],
        tools: TOOLS,
        tool_choice: 'auto',
        max_completion_tokens: 2000,
        reasoning_effort: 'low',
      })
      .withResponse();
    expect(data).toEqual(JSON.parse(fixture('openai-responses/parallel-tools.chat.json')));

    const got = bed.upstream.received[0];
    expect(got.url).toBe('/v1/responses');
    expect(got.headers.authorization).toBe('Bearer sk-codex-upstream-0001');
    expect(JSON.parse(got.body.toString())).toMatchObject({
      model: CODEX,
      instructions: 'Be brief.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather and time in Paris?' }] }],
      tools: [expect.objectContaining({ type: 'function', name: 'get_weather' }), expect.objectContaining({ name: 'get_time' })],
      tool_choice: 'auto',
      max_output_tokens: 2000,
      reasoning: { effort: 'low' },
      store: false,
    });
    // 262×1.25 + 2048×0.125 + 87×10 = 327.5 + 256 + 870 = 1453.5 µUSD
    const log = await logOf(bed, response.headers.get('x-request-id'));
    expect(log).toMatchObject({ endpoint: 'chat_completions', inputTokens: 262, cacheReadInputTokens: 2048, outputTokens: 87, reasoningTokens: 64, costUsd: 0.0014535 });
  });

  it('translates a reasoning answer without streaming, summary as reasoning_content and reasoning billed as output', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    bed.upstream.handle(jsonReply(finalResponse('openai-responses/reasoning.sse')));
    const { data, response } = await sdk(bed).chat.completions.create({ model: CODEX, messages: [{ role: 'user', content: 'haiku' }] }).withResponse();
    expect(data).toEqual(JSON.parse(fixture('openai-responses/reasoning.chat.json')));
    // 58×1.25 + 420×10 = 72.5 + 4200 = 4272.5 µUSD
    const log = await logOf(bed, response.headers.get('x-request-id'));
    expect(log).toMatchObject({ inputTokens: 58, outputTokens: 420, reasoningTokens: 384, costUsd: 0.0042725 });
  });

  it.each([
    ['reasoning.sse', 'reasoning.chat.sse', true],
    ['parallel-tools.sse', 'parallel-tools.chat.sse', true],
    ['text.sse', 'text.chat.sse', true],
    ['text.sse', 'text.no-usage.chat.sse', false],
    ['incomplete.sse', 'incomplete.chat.sse', true],
  ])('streams %s to the client as the golden %s (usage chunk asked: %s)', async (input, expected, includeUsage) => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    bed.upstream.handle(sseBytes(fixture(`openai-responses/${input}`)));
    const res = await post(bed, '/v1/chat/completions', chatBody(CODEX, { stream: true, stream_options: { include_usage: includeUsage } }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(fixture(`openai-responses/${expected}`));
    const upstreamBody = JSON.parse(bed.upstream.received[0].body.toString());
    expect(upstreamBody).toMatchObject({ stream: true, store: false });
    expect(upstreamBody.stream_options).toBeUndefined();
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log.statusCode).toBe(200);
    expect(log.outputTokens).toBeGreaterThan(0);
  });

  it('gives the SDK streamed content, reasoning, tool calls and usage', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const client = sdk(bed);
    const run = async (sse: string) => {
      bed!.upstream.handle(sseBytes(fixture(`openai-responses/${sse}`)));
      const stream = await client.chat.completions.create({
        model: CODEX,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return assemble(chunks);
    };
    const reasoning = await run('reasoning.sse');
    expect(reasoning).toMatchObject({
      content: 'Autumn moonlight—\na worm digs silently\ninto the chestnut.',
      reasoning: '**Planning the answer**\n\nThe user wants a haiku about autumn.\n\nCounting syllables: 5-7-5.',
      finish: 'stop',
      usage: [expect.objectContaining({ prompt_tokens: 58, completion_tokens: 420, completion_tokens_details: { reasoning_tokens: 384 } })],
    });
    const tools = await run('parallel-tools.sse');
    expect(tools.finish).toBe('tool_calls');
    expect(tools.calls).toEqual([
      { id: 'call_Wq8ZkP2mXo4vL1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'call_Hn3TbR7sYe9cJ5', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
    ]);
  });

  it('refuses a Chat field the Responses API cannot honour with a 400 naming it, without calling upstream', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const error = await sdk(bed)
      .chat.completions.create({ model: CODEX, messages: [{ role: 'user', content: 'hi' }], n: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param: 'n' });
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('answers 502 in OpenAI format when the upstream response failed', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    bed.upstream.handle(jsonReply(finalResponse('openai-responses/failed.sse')));
    const res = await post(bed, '/v1/chat/completions', chatBody(CODEX));
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: { message: expect.any(String), type: 'upstream_error', code: 'upstream_failed' } });
    expect((await logOf(bed, res.headers.get('x-request-id'))).statusCode).toBe(502);
  });
});
