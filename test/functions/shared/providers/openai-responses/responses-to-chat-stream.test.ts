import { describe, expect, it } from 'vitest';
import { responsesBodyToChat } from '../../../../../functions/shared/providers/openai-responses/responses-to-chat-response.js';
import { createResponsesToChatStream } from '../../../../../functions/shared/providers/openai-responses/responses-to-chat-stream.js';
import { SPLITS, fixtureBytes, fixtureText, runThrough, splitRandomly, text, utf8 } from './chunked-replay.js';

const MODEL = 'gpt-5-codex';

const GOLDEN = [
  { input: 'text.sse', expected: 'text.chat.sse', includeUsage: true },
  { input: 'text.sse', expected: 'text.no-usage.chat.sse', includeUsage: false },
  { input: 'reasoning.sse', expected: 'reasoning.chat.sse', includeUsage: true },
  { input: 'parallel-tools.sse', expected: 'parallel-tools.chat.sse', includeUsage: true },
  { input: 'incomplete.sse', expected: 'incomplete.chat.sse', includeUsage: true },
  { input: 'failed.sse', expected: 'failed.chat.sse', includeUsage: true },
  { input: 'error-event.sse', expected: 'error-event.chat.sse', includeUsage: true },
  { input: 'cut-off.sse', expected: 'cut-off.chat.sse', includeUsage: true },
];

async function translate(input: Uint8Array[] | string, includeUsage = true): Promise<string> {
  const chunks = typeof input === 'string' ? [utf8(input)] : input;
  return text(await runThrough(createResponsesToChatStream({ model: MODEL, includeUsage }), chunks));
}

/** The JSON payloads of a Chat SSE stream ([DONE] kept as a string). */
function payloads(sse: string): unknown[] {
  return sse
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => event.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

interface Chunk {
  choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
  usage?: unknown;
}

/** Folds Chat chunks into the message a client library would assemble. */
function assemble(sse: string): Record<string, unknown> {
  let content: string | null = null;
  let reasoning: string | null = null;
  let finishReason: string | null = null;
  const calls: Array<{ id: string; type: string; function: { name: string; arguments: string } }> = [];
  for (const payload of payloads(sse)) {
    if (payload === '[DONE]') continue;
    const choice = (payload as Chunk).choices[0];
    if (choice === undefined) continue;
    const delta = choice.delta;
    if (typeof delta.content === 'string' && delta.content !== '') content = (content ?? '') + delta.content;
    if (typeof delta.reasoning_content === 'string') reasoning = (reasoning ?? '') + delta.reasoning_content;
    for (const call of (delta.tool_calls ?? []) as ToolCallDelta[]) {
      if (call.id !== undefined) calls[call.index] = { id: call.id, type: call.type ?? '', function: { name: call.function.name ?? '', arguments: call.function.arguments } };
      else calls[call.index].function.arguments += call.function.arguments;
    }
    finishReason = choice.finish_reason ?? finishReason;
  }
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null };
  if (reasoning !== null) message.reasoning_content = reasoning;
  if (calls.length > 0) message.tool_calls = calls;
  return { message, finishReason };
}

function terminalResponse(sse: string): Record<string, unknown> {
  const events = sse.split('\n\n').filter((event) => event.includes('data: '));
  const last = JSON.parse(events[events.length - 1].split('data: ')[1]);
  return last.response;
}

describe('createResponsesToChatStream', () => {
  describe.each(GOLDEN)('$input → $expected', ({ input, expected, includeUsage }) => {
    it.each(SPLITS)('matches the golden output byte for byte when fed in chunks of up to $maxChunk bytes (seed $seed)', async ({ seed, maxChunk }) => {
      const chunks = splitRandomly(fixtureBytes(`openai-responses/${input}`), seed, maxChunk);
      expect(await translate(chunks, includeUsage)).toBe(fixtureText(`openai-responses/${expected}`));
    });
  });

  it.each(['text', 'reasoning', 'parallel-tools', 'incomplete'])(
    'streams %s into the same message and finish reason as the non-streaming translation',
    async (name) => {
      const upstream = fixtureText(`openai-responses/${name}.sse`);
      const streamed = assemble(await translate(upstream));
      const body = responsesBodyToChat(terminalResponse(upstream), MODEL) as { choices: Array<Record<string, unknown>> };
      expect(streamed).toEqual({ message: body.choices[0].message, finishReason: body.choices[0].finish_reason });
    },
  );

  it('sends the first chunk before the upstream has finished', async () => {
    const stream = createResponsesToChatStream({ model: MODEL, includeUsage: false });
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    const created = fixtureText('openai-responses/text.sse').split('\n\n')[0] + '\n\n';
    void writer.write(utf8(created));
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"delta":{"role":"assistant","content":""}');
    await writer.abort();
  });

  it('uses the id and created time it is given instead of the upstream ones', async () => {
    const stream = createResponsesToChatStream({ model: MODEL, includeUsage: true, id: 'chatcmpl-fixed', created: 42 });
    const out = payloads(text(await runThrough(stream, [fixtureBytes('openai-responses/text.sse')])));
    for (const payload of out.slice(0, -1)) expect(payload).toMatchObject({ id: 'chatcmpl-fixed', created: 42 });
  });

  it('keeps the state of concurrent streams apart', async () => {
    const a = createResponsesToChatStream({ model: MODEL, includeUsage: true });
    const b = createResponsesToChatStream({ model: MODEL, includeUsage: true });
    const aChunks = splitRandomly(fixtureBytes('openai-responses/parallel-tools.sse'), 7, 40);
    const bChunks = splitRandomly(fixtureBytes('openai-responses/reasoning.sse'), 8, 40);
    const [aWriter, bWriter] = [a.writable.getWriter(), b.writable.getWriter()];
    const outputs = Promise.all([a, b].map((stream) => readAll(stream.readable)));
    for (let i = 0; i < Math.max(aChunks.length, bChunks.length); i++) {
      if (i < aChunks.length) await aWriter.write(aChunks[i]);
      if (i < bChunks.length) await bWriter.write(bChunks[i]);
    }
    await Promise.all([aWriter.close(), bWriter.close()]);
    expect(await outputs).toEqual([
      fixtureText('openai-responses/parallel-tools.chat.sse'),
      fixtureText('openai-responses/reasoning.chat.sse'),
    ]);
  });

  it('emits text that an upstream sends only in its done events, without repeating streamed text', async () => {
    const withoutDeltas = fixtureText('openai-responses/text.sse')
      .split('\n\n')
      .filter((event) => !event.includes('"response.output_text.delta"'))
      .join('\n\n');
    const out = await translate(withoutDeltas);
    expect(assemble(out).message).toMatchObject({ content: 'Hello wörld — 世界 🌍!' });
    expect(out.match(/"content":"Hello wörld — 世界 🌍!"/g)).toHaveLength(1);
  });

  it('announces a function call first seen in the final output, with its whole arguments', async () => {
    const upstream = fixtureText('openai-responses/parallel-tools.sse')
      .split('\n\n')
      .filter((event) => !/"response\.(output_item|function_call_arguments)\./.test(event))
      .join('\n\n');
    expect(assemble(await translate(upstream))).toEqual({
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_Wq8ZkP2mXo4vL1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_Hn3TbR7sYe9cJ5', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
        ],
      },
      finishReason: 'tool_calls',
    });
  });

  it('finishes with content_filter when the response is incomplete for that reason', async () => {
    const upstream = fixtureText('openai-responses/incomplete.sse').replace('"reason":"max_output_tokens"', '"reason":"content_filter"');
    expect(assemble(await translate(upstream)).finishReason).toBe('content_filter');
  });

  it('streams refusals as delta.refusal', async () => {
    const upstream = [
      'data: {"type":"response.created","response":{"id":"resp_r","created_at":1}}',
      'data: {"type":"response.refusal.delta","item_id":"msg_r","output_index":0,"content_index":0,"delta":"I can\'t help"}',
      'data: {"type":"response.refusal.done","item_id":"msg_r","output_index":0,"content_index":0,"refusal":"I can\'t help with that."}',
      'data: {"type":"response.completed","response":{"id":"resp_r","status":"completed","output":[]}}',
    ].join('\n\n') + '\n\n';
    const deltas = payloads(await translate(upstream, false))
      .slice(1, 3)
      .map((payload) => (payload as Chunk).choices[0].delta);
    expect(deltas).toEqual([{ refusal: "I can't help" }, { refusal: ' with that.' }]);
  });

  it('skips comments and data that is not a JSON object', async () => {
    const upstream = ': keep-alive\n\ndata: not json\n\n' + fixtureText('openai-responses/text.sse');
    expect(await translate(upstream)).toBe(fixtureText('openai-responses/text.chat.sse'));
  });

  it('omits the usage chunk when the upstream reported no usage', async () => {
    const upstream = 'data: {"type":"response.completed","response":{"id":"resp_u","created_at":5,"status":"completed","output":[]}}\n\n';
    const out = payloads(await translate(upstream));
    expect(out.map((payload) => (payload === '[DONE]' ? payload : (payload as Chunk).choices.length))).toEqual([1, 1, '[DONE]']);
  });

  it('reports an error chunk for an upstream that sends nothing at all', async () => {
    expect(await translate('')).toBe(
      'data: {"error":{"message":"stream ended before completion","type":"server_error","code":"stream_incomplete"}}\n\ndata: [DONE]\n\n',
    );
  });
});

async function readAll(readable: ReadableStream<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  const reader = readable.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  return text(chunks);
}
