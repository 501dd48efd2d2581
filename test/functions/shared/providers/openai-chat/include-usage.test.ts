import { describe, expect, it } from 'vitest';
import { createStripUsageChunkStream, forceIncludeUsage } from '../../../../../functions/shared/providers/openai-chat/include-usage.js';
import { SPLITS, concatBytes, fixtureBytes, fixtureText, runThrough, splitRandomly, text, utf8 } from '../openai-responses/chunked-replay.js';

describe('forceIncludeUsage', () => {
  it.each([
    { case: 'a stream without stream_options', body: { stream: true }, sent: { include_usage: true }, wants: false },
    { case: 'a stream that asked for usage', body: { stream: true, stream_options: { include_usage: true } }, sent: { include_usage: true }, wants: true },
    { case: 'a stream that declined usage', body: { stream: true, stream_options: { include_usage: false } }, sent: { include_usage: true }, wants: false },
    {
      case: 'a stream with other stream options',
      body: { stream: true, stream_options: { include_obfuscation: false } },
      sent: { include_obfuscation: false, include_usage: true },
      wants: false,
    },
  ])('asks upstream for usage on $case and reports whether the client wanted it', ({ body, sent, wants }) => {
    const result = forceIncludeUsage({ model: 'm', messages: [], ...body });
    expect(result.body.stream_options).toEqual(sent);
    expect(result.body).toMatchObject({ model: 'm', messages: [], stream: true });
    expect(result.clientWantsUsage).toBe(wants);
  });

  it.each([{ stream: false }, {}])('leaves a non-streaming body (%o) as it is, with nothing to strip', (fields) => {
    const body = { model: 'm', ...fields };
    expect(forceIncludeUsage(body)).toEqual({ body, clientWantsUsage: true });
    expect(forceIncludeUsage(body).body).toBe(body);
  });

  it('does not modify the body it is given', () => {
    const body = { stream: true, stream_options: { include_usage: false } };
    forceIncludeUsage(body);
    expect(body).toEqual({ stream: true, stream_options: { include_usage: false } });
  });
});

describe('createStripUsageChunkStream', () => {
  it.each(SPLITS)('drops only the usage chunk, byte for byte, in chunks of up to $maxChunk bytes (seed $seed)', async ({ seed, maxChunk }) => {
    const chunks = splitRandomly(fixtureBytes('openai-chat/include-usage.sse'), seed, maxChunk);
    expect(text(await runThrough(createStripUsageChunkStream(), chunks))).toBe(fixtureText('openai-chat/include-usage.stripped.sse'));
  });

  it.each(SPLITS)('handles CRLF and CR line endings split anywhere (seed $seed)', async ({ seed, maxChunk }) => {
    const crlf = fixtureText('openai-chat/include-usage.sse').replaceAll('\n', '\r\n');
    const cr = fixtureText('openai-chat/include-usage.sse').replaceAll('\n', '\r');
    for (const [input, ending] of [[crlf, '\r\n'], [cr, '\r']] as const) {
      const out = await runThrough(createStripUsageChunkStream(), splitRandomly(utf8(input), seed, maxChunk));
      expect(text(out)).toBe(fixtureText('openai-chat/include-usage.stripped.sse').replaceAll('\n', ending));
    }
  });

  it('passes a stream without a usage chunk through unchanged', async () => {
    const stripped = fixtureBytes('openai-chat/include-usage.stripped.sse');
    expect(concatBytes(await runThrough(createStripUsageChunkStream(), splitRandomly(stripped, 9, 20)))).toEqual(stripped);
  });

  it.each([
    { case: 'usage inside a chunk that still has choices', event: 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1}}\n\n' },
    { case: 'an empty-choices chunk without usage', event: 'data: {"choices":[],"prompt_filter_results":[{"prompt_index":0}]}\n\n' },
    { case: 'an empty-choices chunk with null usage', event: 'data: {"choices":[],"usage":null}\n\n' },
    { case: 'an error chunk mentioning usage', event: 'data: {"error":{"message":"usage limit reached","type":"rate_limit_error"}}\n\n' },
    { case: 'a comment', event: ': usage follows\n\n' },
  ])('keeps $case', async ({ event }) => {
    expect(text(await runThrough(createStripUsageChunkStream(), [utf8(event)]))).toBe(event);
  });

  it('recognises a usage chunk whose JSON spans several data lines', async () => {
    const split = 'data: {"choices":[],\ndata: "usage":{"prompt_tokens":3}}\n\ndata: [DONE]\n\n';
    expect(text(await runThrough(createStripUsageChunkStream(), [utf8(split)]))).toBe('data: [DONE]\n\n');
  });

  it('passes bytes that are not valid UTF-8 through untouched', async () => {
    const invalid = concatBytes([utf8(': '), new Uint8Array([0xff, 0xfe, 0xc3]), utf8('\n\ndata: [DONE]\n\n')]);
    expect(concatBytes(await runThrough(createStripUsageChunkStream(), splitRandomly(invalid, 3, 2)))).toEqual(invalid);
  });

  it('passes an unterminated last event through as it is', async () => {
    const tail = 'data: {"choices":[],"usage":{"prompt_tokens":3}}';
    expect(text(await runThrough(createStripUsageChunkStream(), [utf8(tail)]))).toBe(tail);
  });

  it('forwards each complete event before the upstream ends', async () => {
    const stream = createStripUsageChunkStream();
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    void writer.write(utf8('data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\ndata: {"choi'));
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n');
    await writer.abort();
  });
});
