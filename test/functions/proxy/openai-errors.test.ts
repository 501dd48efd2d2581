import { APIError, AuthenticationError, PermissionDeniedError, RateLimitError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReply, sseReply } from '../../support/fake-upstream.js';
import type { ProxyTestbed } from '../../support/proxy-testbed.js';
import {
  CODEX,
  CODEX_PROVIDER,
  GPT41,
  OPENAI_COMPATIBLE,
  assemble,
  chatBody,
  firstEvents,
  fixture,
  logOf,
  post,
  sdk,
  sseCutAfter,
  startOpenAiBed,
} from './openai-helpers.js';

let bed: ProxyTestbed | null = null;
afterEach(async () => {
  await bed?.close();
  bed = null;
});

describe('in-band errors on /v1/chat/completions streams', () => {
  const cutText = firstEvents(fixture('openai-proxy/chat-tools.sse'), 3);
  const inBand = (message: string) =>
    `data: ${JSON.stringify({ error: { message, type: 'api_error', code: 'upstream_failed' } })}\n\ndata: [DONE]\n\n`;

  it('ends a cut stream with an error chunk and [DONE] when the usage chunk is being stripped', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    bed.upstream.handle(sseCutAfter(cutText));
    const res = await post(bed, '/v1/chat/completions', chatBody(GPT41, { stream: true }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(cutText + inBand('upstream stream ended before completion'));
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log.statusCode).toBe(502);
  });

  it('ends a cut stream with an error chunk when the client asked for usage (no rewriting)', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    bed.upstream.handle(sseCutAfter(cutText));
    const res = await post(bed, '/v1/chat/completions', chatBody(GPT41, { stream: true, stream_options: { include_usage: true } }));
    const text = await res.text();
    expect(text.startsWith(cutText)).toBe(true);
    expect(text.slice(cutText.length)).toMatch(/^data: \{"error":\{"message":"upstream stream failed: [^"]*","type":"api_error","code":"upstream_failed"\}\}\n\ndata: \[DONE\]\n\n$/);
  });

  it('makes the SDK throw an APIError after the content that did arrive', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    bed.upstream.handle(sseCutAfter(cutText));
    const stream = await sdk(bed).chat.completions.create({ model: GPT41, messages: [{ role: 'user', content: 'hi' }], stream: true });
    const chunks: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(assemble(chunks).content).toBe('Checking the weather in Paris — ☀️ maybe.');
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toMatch(/ended before completion/);
  });

  it('reports a cut codex stream in Chat format', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    bed.upstream.handle(sseReply([fixture('openai-responses/cut-off.sse')]));
    const res = await post(bed, '/v1/chat/completions', chatBody(CODEX, { stream: true, stream_options: { include_usage: true } }));
    expect(await res.text()).toBe(fixture('openai-responses/cut-off.chat.sse'));
    expect((await logOf(bed, res.headers.get('x-request-id'))).statusCode).toBe(502);
  });

  it('translates an upstream error event into an error chunk and logs the request as failed', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    bed.upstream.handle(sseReply([fixture('openai-responses/error-event.sse')]));
    const res = await post(bed, '/v1/chat/completions', chatBody(CODEX, { stream: true, stream_options: { include_usage: true } }));
    expect(await res.text()).toBe(fixture('openai-responses/error-event.chat.sse'));
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log).toMatchObject({ statusCode: 502, error: expect.stringMatching(/rate_limit_exceeded/) });
  });
});

describe('gateway errors on the OpenAI endpoints', () => {
  const openAiError = (type: string, code: string) => ({ error: { message: expect.any(String), type, code } });

  it('answers a bad key with 401 that the SDK raises as AuthenticationError, on both endpoints', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const client = sdk(bed, `sk-${'z'.repeat(40)}`);
    const chat = await client.chat.completions.create({ model: CODEX, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(AuthenticationError);
    expect((chat as AuthenticationError).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', message: expect.stringMatching(/unknown/) });
    const responses = await client.responses.create({ model: CODEX, input: 'hi' }).catch((e: unknown) => e);
    expect(responses).toBeInstanceOf(AuthenticationError);
    const res = await fetch(`${bed.url}/v1/responses`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await res.json()).toEqual(openAiError('authentication_error', 'invalid_api_key'));
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('answers malformed bodies with 400 invalid_request_error', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    for (const path of ['/v1/chat/completions', '/v1/responses']) {
      for (const body of ['{"model":', '[]', '{"model": 5}', `{"model":"${CODEX}","stream":"yes"}`]) {
        const res = await post(bed, path, body);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual(openAiError('invalid_request_error', 'invalid_request'));
      }
    }
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('answers a model outside the user allowed models with 403 permission_error', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    await bed.services.users.update(bed.userId, { allowedModels: ['claude-*'] });
    bed.deps.keys.invalidate();
    const error = await sdk(bed).chat.completions.create({ model: GPT41, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).error).toMatchObject({ type: 'permission_error', code: 'model_not_allowed' });
  });

  it('answers 413 for a body over the limit', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    const res = await post(bed, '/v1/chat/completions', chatBody(GPT41, { filler: 'x'.repeat(6 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(openAiError('request_too_large', 'request_too_large'));
  });

  it('answers 429 rate_limit_error with Retry-After once a client has sent too many bad keys', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE, { config: { authFailuresPerMinute: 2 } });
    const client = sdk(bed, `sk-${'q'.repeat(40)}`);
    const ask = () => client.chat.completions.create({ model: GPT41, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(await ask()).toBeInstanceOf(AuthenticationError);
    expect(await ask()).toBeInstanceOf(AuthenticationError);
    expect(await ask()).toBeInstanceOf(RateLimitError);
    const res = await post(bed, '/v1/responses', JSON.stringify({ model: CODEX, input: 'hi' }));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toEqual(openAiError('rate_limit_error', 'rate_limit_exceeded'));
  });

  it('answers 503 when no provider of a type serving the endpoint exists', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    const res = await post(bed, '/v1/responses', JSON.stringify({ model: GPT41, input: 'hi' }));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(openAiError('overloaded_error', 'no_provider_available'));
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('answers 502 when every provider failed, and 504 when none sent a first byte in time', async () => {
    bed = await startOpenAiBed({ ...OPENAI_COMPATIBLE, timeoutMs: 300 });
    bed.upstream.handle(jsonReply({ error: { message: 'boom', type: 'server_error' } }, 500));
    const failed = await post(bed, '/v1/chat/completions', chatBody(GPT41));
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual(openAiError('upstream_error', 'upstream_failed'));

    bed.upstream.handle(() => new Promise(() => {}));
    const slow = await post(bed, '/v1/chat/completions', chatBody(GPT41));
    expect(slow.status).toBe(504);
    expect(await slow.json()).toEqual(openAiError('timeout_error', 'upstream_timeout'));
  });

  it('answers unknown /v1 paths with 404 in OpenAI format', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    const res = await post(bed, '/v1/embeddings', '{}');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(openAiError('not_found_error', 'invalid_request'));
  });
});
