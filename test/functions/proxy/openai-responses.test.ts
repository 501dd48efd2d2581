import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReply, sseReply } from '../../support/fake-upstream.js';
import type { ProxyTestbed } from '../../support/proxy-testbed.js';
import {
  CODEX,
  CODEX_PROVIDER,
  OPENAI_COMPATIBLE,
  firstEvents,
  fixture,
  logOf,
  post,
  sdk,
  sharedClients,
  sseBytes,
  sseCutAfter,
  startOpenAiBed,
} from './openai-helpers.js';

let bed: ProxyTestbed | null = null;
afterEach(async () => {
  await bed?.close();
  bed = null;
});

// 20000 input of which 15360 cached, 1450 output (1024 reasoning) at $1.25 / $0.125 / $10 per MTok:
// 4640×1.25 + 15360×0.125 + 1450×10 = 5800 + 1920 + 14500 = 22220 µUSD.
const BODY_USAGE_LOG = {
  endpoint: 'responses',
  inputTokens: 4640,
  cacheReadInputTokens: 15360,
  outputTokens: 1450,
  reasoningTokens: 1024,
  costUsd: 0.02222,
  statusCode: 200,
  error: null,
};

function responsesBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: CODEX, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'rename it' }] }], ...extra });
}

describe('POST /v1/responses through a codex provider', () => {
  it('gives the SDK the upstream body and logs usage with cached tokens subtracted and reasoning as output', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    bed.upstream.handle(jsonReply(fixture('openai-usage/responses-body.json')));
    const { data, response } = await sdk(bed).responses.create({ model: CODEX, input: 'rename the helper', store: false }).withResponse();
    expect(data.output_text).toBe('Renamed the helper and updated its two callers.');
    expect(data.usage).toMatchObject({ input_tokens: 20000, input_tokens_details: { cached_tokens: 15360 } });
    const got = bed.upstream.received[0];
    expect(got.url).toBe('/v1/responses');
    expect(got.headers.authorization).toBe('Bearer sk-codex-upstream-0001');
    expect(await logOf(bed, response.headers.get('x-request-id'))).toMatchObject({ ...BODY_USAGE_LOG, stream: false });
  });

  it('passes request and answer bytes through unchanged when not streaming', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const body = fixture('openai-usage/responses-body.json');
    bed.upstream.handle(jsonReply(body));
    const raw = responsesBody({ unknown_field: { x: 1.50 }, store: false });
    const res = await post(bed, '/v1/responses', raw);
    expect(await res.text()).toBe(body);
    expect(bed.upstream.received[0].body.toString()).toBe(raw);
  });

  it('relays a stream byte for byte to the SDK and bills it from response.completed', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const sse = fixture('openai-responses/reasoning.sse');
    bed.upstream.handle(sseBytes(sse));
    const { data: stream, response } = await sdk(bed).responses.create({ model: CODEX, input: 'haiku', stream: true }).withResponse();
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events[0].type).toBe('response.created');
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    expect(deltas.join('')).toBe('Autumn moonlight—\na worm digs silently\ninto the chestnut.');
    const completed = events.at(-1);
    expect(completed?.type === 'response.completed' && completed.response.usage?.output_tokens).toBe(420);
    // 58×1.25 + 420×10 = 4272.5 µUSD
    const log = await logOf(bed, response.headers.get('x-request-id'));
    expect(log).toMatchObject({ endpoint: 'responses', stream: true, inputTokens: 58, outputTokens: 420, reasoningTokens: 384, costUsd: 0.0042725 });

    bed.upstream.handle(sseBytes(sse));
    const res = await post(bed, '/v1/responses', responsesBody({ stream: true }));
    expect(await res.text()).toBe(sse);
  });

  it('rewrites only the model under a redirect', async () => {
    bed = await startOpenAiBed({ ...CODEX_PROVIDER, modelRedirects: { 'gpt-5-codex-latest': CODEX } });
    bed.upstream.handle(jsonReply(fixture('openai-usage/responses-body.json')));
    const raw = responsesBody({ model: 'gpt-5-codex-latest' });
    const res = await post(bed, '/v1/responses', raw);
    expect(bed.upstream.received[0].body.toString()).toBe(raw.replace('"gpt-5-codex-latest"', `"${CODEX}"`));
    expect(await logOf(bed, res.headers.get('x-request-id'))).toMatchObject({ model: 'gpt-5-codex-latest', upstreamModel: CODEX });
  });

  it('never routes to an openai-compatible provider', async () => {
    bed = await startOpenAiBed(OPENAI_COMPATIBLE);
    await bed.addProvider({ ...CODEX_PROVIDER, priority: 5, baseUrl: `${bed.upstream.url}/codex` });
    bed.upstream.handle(jsonReply(fixture('openai-usage/responses-body.json')));
    const res = await post(bed, '/v1/responses', responsesBody());
    expect(res.status).toBe(200);
    expect(bed.upstream.received.map((r) => r.url)).toEqual(['/codex/v1/responses']);
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(Object.values(log.filtered)).toEqual(['type']);
  });
});

describe('failures inside a /v1/responses stream', () => {
  const reasoning = fixture('openai-responses/reasoning.sse');

  it('appends a Responses error event when the upstream connection drops', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const head = firstEvents(reasoning, 5);
    bed.upstream.handle(sseCutAfter(head));
    const res = await post(bed, '/v1/responses', responsesBody({ stream: true }));
    const text = await res.text();
    expect(text.startsWith(head)).toBe(true);
    const tail = text.slice(head.length);
    expect(tail).toMatch(/^event: error\ndata: .*\n\n$/);
    expect(JSON.parse(tail.split('data: ')[1])).toEqual({
      type: 'error',
      code: 'upstream_failed',
      message: expect.stringMatching(/^upstream stream failed/),
      param: null,
    });
    expect((await logOf(bed, res.headers.get('x-request-id'))).statusCode).toBe(502);
  });

  it('appends a Responses error event when the upstream ends without response.completed', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const head = firstEvents(reasoning, 8);
    bed.upstream.handle(sseReply([head]));
    const res = await post(bed, '/v1/responses', responsesBody({ stream: true }));
    const error = { type: 'error', code: 'upstream_failed', message: 'upstream stream ended before completion', param: null };
    expect(await res.text()).toBe(`${head}event: error\ndata: ${JSON.stringify(error)}\n\n`);
  });

  it('passes an upstream error event through as is and logs the request as failed', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const sse = fixture('openai-responses/error-event.sse');
    bed.upstream.handle(sseReply([sse]));
    const res = await post(bed, '/v1/responses', responsesBody({ stream: true }));
    expect(await res.text()).toBe(sse);
    expect(await logOf(bed, res.headers.get('x-request-id'))).toMatchObject({ statusCode: 502, error: expect.stringMatching(/rate_limit_exceeded/) });
  });

  it('logs a non-streaming response with status failed as a failure, body passed through', async () => {
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const failed = { id: 'resp_f', object: 'response', status: 'failed', output: [], error: { code: 'server_error', message: 'try again' }, usage: null };
    bed.upstream.handle(jsonReply(failed));
    const res = await post(bed, '/v1/responses', responsesBody());
    expect(await res.json()).toEqual(failed);
    expect(await logOf(bed, res.headers.get('x-request-id'))).toMatchObject({ statusCode: 502, error: 'server_error: try again' });
  });
});

interface Capture {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

const codexCapture = resolve(sharedClients, 'codex-0.171.0.json');
if (!existsSync(codexCapture)) console.log(`skipping the Codex CLI capture tests: ${codexCapture} is absent`);

describe.skipIf(!existsSync(codexCapture))('a request shaped like Codex CLI 0.171.0', () => {
  const capture = (): { raw: string; headers: Record<string, string>; body: Record<string, unknown> } => {
    const c = JSON.parse(readFileSync(codexCapture, 'utf8')) as Capture;
    const raw = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.headers)) {
      if (!['host', 'content-length', 'authorization', 'connection', 'accept-encoding'].includes(name.toLowerCase())) headers[name] = value;
    }
    expect(c.method).toBe('POST');
    expect(c.url).toBe('/v1/responses');
    return { raw, headers, body: JSON.parse(raw) as Record<string, unknown> };
  };

  it('passes through /v1/responses with its bytes and Codex headers untouched', async () => {
    const { raw, headers, body } = capture();
    bed = await startOpenAiBed(CODEX_PROVIDER);
    const sse = fixture('openai-responses/reasoning.sse');
    bed.upstream.handle(sseBytes(sse));
    const res = await post(bed, '/v1/responses', raw, headers);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(sse);

    const got = bed.upstream.received[0];
    expect(got.body.toString()).toBe(raw);
    expect(body).toMatchObject({ store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: expect.any(String) });
    expect((body.input as { role?: string }[]).some((item) => item.role === 'developer')).toBe(true);
    expect(body.tools).toHaveLength(9);
    for (const name of ['session-id', 'thread-id', 'x-codex-turn-metadata', 'x-codex-window-id', 'originator', 'user-agent', 'accept']) {
      expect(got.headers[name]).toBe(headers[name]);
    }
    expect(got.headers.authorization).toBe('Bearer sk-codex-upstream-0001');
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log).toMatchObject({ sessionId: headers['session-id'], userAgent: headers['user-agent'], outputTokens: 420 });
  });

  it('keeps a session on the provider that served it, although the weighted pick alternates', async () => {
    const { raw, headers } = capture();
    // Two draws per request with two equal-weight providers: the first draw alternates the pick.
    const draws = [0.1, 0.5, 0.9, 0.5];
    let next = 0;
    bed = await startOpenAiBed(null, { random: () => draws[next++ % draws.length] });
    await bed.addProvider({ ...CODEX_PROVIDER, name: 'codex-a', baseUrl: `${bed.upstream.url}/a` });
    await bed.addProvider({ ...CODEX_PROVIDER, name: 'codex-b', baseUrl: `${bed.upstream.url}/b` });
    const b = bed;
    b.upstream.handle(sseBytes(fixture('openai-responses/text.sse')));
    const send = async (sessionId: string) => {
      const res = await post(b, '/v1/responses', raw, { ...headers, 'session-id': sessionId, 'thread-id': sessionId });
      expect(res.status).toBe(200);
      await res.text();
      return logOf(b, res.headers.get('x-request-id'));
    };

    // Different sessions follow the alternating pick (this is what stickiness has to override).
    await send('other-session-1');
    await send('other-session-2');
    const unbound = b.upstream.received.map((r) => r.url);
    expect(new Set(unbound).size).toBe(2);

    const logs = [];
    for (let i = 0; i < 4; i++) logs.push(await send(headers['session-id']));
    const sticky = b.upstream.received.slice(2).map((r) => r.url);
    expect(new Set(sticky).size).toBe(1);
    expect(new Set(logs.map((l) => l.providerId)).size).toBe(1);
    expect(logs.slice(1).map((l) => l.chain[0].reason)).toEqual(['session_reuse', 'session_reuse', 'session_reuse']);
  });
});
