import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonReply, sleep, sseReply } from '../../support/fake-upstream.js';
import { startProxyTestbed, type ProxyTestbed } from '../../support/proxy-testbed.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(resolve(here, '../../fixtures/anthropic', name), 'utf8');
const sharedClients = resolve(here, '../../../../shared/fixtures/clients');

let bed: ProxyTestbed | null = null;
afterEach(async () => {
  await bed?.close();
  bed = null;
});

function messagesBody(extra: Record<string, unknown> = {}) {
  return JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }], ...extra });
}

async function post(b: ProxyTestbed, body: string, headers: Record<string, string> = {}, path = '/v1/messages?beta=true') {
  return fetch(`${b.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': b.secret, 'anthropic-version': '2023-06-01', ...headers },
    body,
  });
}

async function logOf(b: ProxyTestbed, requestId: string | null) {
  expect(requestId).toBeTruthy();
  await b.deps.settle.drain(5000);
  return b.services.logs.get(requestId!);
}

/** Splits a text into chunks of irregular sizes, cutting through multi-byte characters too. */
function irregularChunks(text: string): string[] {
  const bytes = Buffer.from(text);
  const chunks: string[] = [];
  for (let i = 0, n = 7; i < bytes.length; i += n, n = (n * 7) % 61 + 5) chunks.push(bytes.subarray(i, i + n).toString('latin1'));
  return chunks;
}

describe('POST /v1/messages streaming', () => {
  it('relays the upstream bytes unchanged and logs exact usage and cost', async () => {
    bed = await startProxyTestbed();
    const sse = fixture('stream-text.sse');
    bed.upstream.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const part of irregularChunks(sse)) res.write(Buffer.from(part, 'latin1'));
      res.end();
    });
    const res = await post(bed, messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const received = Buffer.from(await res.arrayBuffer());
    expect(received.equals(Buffer.from(sse))).toBe(true);

    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log).toMatchObject({
      endpoint: 'messages',
      model: 'claude-sonnet-4-5',
      upstreamModel: 'claude-sonnet-4-5',
      stream: true,
      statusCode: 200,
      inputTokens: 12,
      outputTokens: 57,
      cacheCreationInputTokens: 2048,
      cacheWrite5mTokens: 2048,
      cacheReadInputTokens: 18000,
      userId: bed.userId,
      keyId: bed.keyId,
      error: null,
      priceVersion: 'sha-test',
    });
    // 12×3 + 2048×3.75 + 18000×0.3 + 57×15 = 36 + 7680 + 5400 + 855 = 13971 µUSD
    expect(log!.costUsd).toBe(0.013971);
    expect(log!.chain).toEqual([
      expect.objectContaining({ attempt: 1, reason: 'initial_pick', statusCode: 200, error: null }),
    ]);
    expect(log!.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(log!.durationMs).toBeGreaterThanOrEqual(log!.ttfbMs!);
    expect(log!.sessionId).toMatch(/^h_/);
  });

  it('delivers each chunk as it arrives, before the upstream has finished', async () => {
    bed = await startProxyTestbed();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const sse = fixture('stream-text.sse');
    const cut = sse.indexOf('event: content_block_delta');
    bed.upstream.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse.slice(0, cut));
      await released;
      res.end(sse.slice(cut));
    });
    const res = await post(bed, messagesBody({ stream: true }));
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toContain('message_start');
    release();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    expect(Buffer.from(first.value!).toString() + rest).toBe(sse);
  });

  it.each([
    ['stream-thinking.sse'],
    ['stream-tool-use.sse'],
  ])('passes %s through byte for byte', async (name) => {
    bed = await startProxyTestbed();
    const sse = fixture(name);
    bed.upstream.handle(sseReply(irregularChunks(sse)));
    const res = await post(bed, messagesBody({ stream: true }));
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe(sse);
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.statusCode).toBe(200);
    expect(log!.outputTokens).toBeGreaterThan(0);
  });

  it('passes an upstream error event through and logs the request as failed', async () => {
    bed = await startProxyTestbed();
    const sse = fixture('stream-error.sse');
    bed.upstream.handle(sseReply([sse]));
    const res = await post(bed, messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(sse);
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.statusCode).toBe(502);
    expect(log!.error).toMatch(/overloaded|error/i);
  });

  it('ends a stream cut mid-way with an in-band error event and logs it as failed', async () => {
    bed = await startProxyTestbed();
    const sse = fixture('stream-text.sse');
    bed.upstream.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse.slice(0, sse.indexOf('event: message_delta')));
      await sleep(20);
      res.destroy();
    });
    const res = await post(bed, messagesBody({ stream: true }));
    const text = await res.text();
    expect(text.startsWith(sse.slice(0, 100))).toBe(true);
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.statusCode).toBe(502);
    expect(log!.inputTokens).toBe(12);
    expect(log!.chain).toHaveLength(1);
  });

  it('starts the in-band error on an event boundary when the upstream dies mid-event, and counts it against the provider', async () => {
    bed = await startProxyTestbed();
    const sse = fixture('stream-text.sse');
    const cut = sse.indexOf('event: content_block_delta') + 30;
    bed.upstream.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse.slice(0, cut));
      await sleep(20);
      res.destroy();
    });
    const res = await post(bed, messagesBody({ stream: true }));
    const text = await res.text();
    expect(text.startsWith(sse.slice(0, cut))).toBe(true);
    expect(text.slice(cut)).toMatch(/^\n\nevent: error\ndata: /);
    const log = await logOf(bed, res.headers.get('x-request-id'));
    const circuit = await bed.services.circuits.get(log!.providerId!);
    expect(circuit.failures).toBe(1);
  });

  it('cancels the upstream at once when the client aborts mid-stream and logs 499 with the usage seen', async () => {
    bed = await startProxyTestbed();
    const sse = fixture('stream-text.sse');
    const b = bed;
    b.upstream.handle(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse.slice(0, sse.indexOf('event: content_block_delta')));
      for (let i = 0; i < 200 && !res.destroyed; i++) {
        res.write('event: ping\ndata: {"type": "ping"}\n\n');
        await sleep(10);
      }
      res.end();
    });
    const controller = new AbortController();
    const res = await post(b, messagesBody({ stream: true }), {}, '/v1/messages');
    const requestId = res.headers.get('x-request-id');
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel();
    for (let i = 0; i < 100 && b.upstream.aborted === 0; i++) await sleep(10);
    expect(b.upstream.aborted).toBe(1);
    const log = await logOf(b, requestId);
    expect(log!.statusCode).toBe(499);
    expect(log!.inputTokens).toBe(12);
    expect(log!.cacheReadInputTokens).toBe(18000);
  });
});

describe('POST /v1/messages non-streaming', () => {
  it('prices cache reads and both cache-write TTLs from the body', async () => {
    bed = await startProxyTestbed();
    const body = fixture('body-cache.json');
    bed.upstream.handle(jsonReply(body));
    const res = await post(bed, messagesBody());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(body);
    const log = await logOf(bed, res.headers.get('x-request-id'));
    // 25×3 + 1500×3.75 + 3500×6 + 42000×0.3 + 812×15 = 75 + 5625 + 21000 + 12600 + 12180 = 51480 µUSD
    expect(log).toMatchObject({ stream: false, cacheWrite5mTokens: 1500, cacheWrite1hTokens: 3500, costUsd: 0.05148 });
  });

  it('applies the provider cost multiplier', async () => {
    bed = await startProxyTestbed({ provider: { costMultiplier: 1.5 } });
    bed.upstream.handle(jsonReply(fixture('body-cache.json')));
    const res = await post(bed, messagesBody());
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.costUsd).toBe(0.07722);
  });

  it('logs costUsd null with a warning when the model has no price', async () => {
    bed = await startProxyTestbed();
    const body = JSON.parse(fixture('body-cache.json'));
    bed.upstream.handle(jsonReply({ ...body, model: 'mystery-model' }));
    const res = await post(bed, messagesBody({ model: 'mystery-model' }));
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.costUsd).toBeNull();
    expect(log!.outputTokens).toBe(812);
    expect(bed.logger.entries.some((e) => e.level === 'warn' && /mystery-model/.test(e.message))).toBe(true);
  });

  it('forwards headers and body untouched, swapping only the credentials', async () => {
    bed = await startProxyTestbed();
    bed.upstream.handle(jsonReply(fixture('body-cache.json')));
    const raw = '{"model":"claude-sonnet-4-5",  "max_tokens":5,"messages":[{"role":"user","content":"h\\u00e9"}],"unknown_field":{"x":1.50}}';
    const res = await post(bed, raw, { 'anthropic-beta': 'interleaved-thinking-2025-05-14,context-1m', 'x-custom': 'kept', authorization: `Bearer ${bed.secret}` });
    expect(res.status).toBe(200);
    const got = bed.upstream.received[0]!;
    expect(got.url).toBe('/v1/messages?beta=true');
    expect(got.body.toString()).toBe(raw);
    expect(got.headers['x-api-key']).toBe('sk-ant-upstream-secret-0001');
    expect(got.headers.authorization).toBeUndefined();
    expect(got.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,context-1m');
    expect(got.headers['anthropic-version']).toBe('2023-06-01');
    expect(got.headers['x-custom']).toBe('kept');
  });

  it('uses Bearer upstream auth for claude-auth providers and joins a /v1 base URL once', async () => {
    bed = await startProxyTestbed({ provider: null });
    await bed.addProvider({ type: 'claude-auth', baseUrl: `${bed.upstream.url}/api/v1` });
    bed.upstream.handle(jsonReply(fixture('body-cache.json')));
    await post(bed, messagesBody());
    const got = bed.upstream.received[0]!;
    expect(got.url).toBe('/api/v1/messages?beta=true');
    expect(got.headers.authorization).toBe('Bearer sk-ant-upstream-secret-0001');
    expect(got.headers['x-api-key']).toBeUndefined();
  });

  it('rewrites only the model under a redirect and logs both models', async () => {
    bed = await startProxyTestbed({ provider: { modelRedirects: { 'claude-opus-4-5': 'claude-sonnet-4-5' } } });
    bed.upstream.handle(jsonReply(fixture('body-cache.json')));
    const raw = messagesBody({ model: 'claude-opus-4-5', temperature: 0.5 });
    const res = await post(bed, raw);
    expect(bed.upstream.received[0]!.body.toString()).toBe(raw.replace('"claude-opus-4-5"', '"claude-sonnet-4-5"'));
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log).toMatchObject({ model: 'claude-opus-4-5', upstreamModel: 'claude-sonnet-4-5' });
  });

  it('prices a redirected request by the model the provider ran', async () => {
    bed = await startProxyTestbed({ provider: { modelRedirects: { 'claude-opus-4-5': 'claude-sonnet-4-5' } } });
    await bed.services.prices.put({ ...(await bed.services.prices.get('claude-sonnet-4-5'))!, model: 'claude-opus-4-5', inputPerMTokUsd: 5, outputPerMTokUsd: 25, version: 'opus' });
    bed.upstream.handle(jsonReply(fixture('body-cache.json')));
    const res = await post(bed, messagesBody({ model: 'claude-opus-4-5' }));
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log).toMatchObject({ costUsd: 0.05148, priceVersion: 'sha-test' });
  });

  it('treats a 200 with an HTML page as a failure (502 when it was the only provider)', async () => {
    bed = await startProxyTestbed();
    bed.upstream.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Just a moment...</body></html>');
    });
    const res = await post(bed, messagesBody());
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.statusCode).toBe(502);
    expect(log!.chain[0]).toMatchObject({ statusCode: 200, error: expect.stringMatching(/HTML/) });
  });

  it('treats an upstream redirect as a failure and fails over without following it', async () => {
    bed = await startProxyTestbed();
    const b = bed;
    const second = await b.addProvider({ name: 'second', priority: 1 });
    let calls = 0;
    b.upstream.handle((_req, res) => {
      if (calls++ === 0) {
        res.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' });
        res.end();
      } else jsonReply({ type: 'message', usage: { input_tokens: 1, output_tokens: 1 } })(_req, res);
    });
    const res = await post(b, messagesBody());
    expect(res.status).toBe(200);
    const log = await logOf(b, res.headers.get('x-request-id'));
    expect(log!.chain).toHaveLength(2);
    expect(log!.chain[0]).toMatchObject({ error: 'upstream answered with a redirect' });
    expect(log!.chain[1]).toMatchObject({ providerId: second, statusCode: 200 });
  });

  it('returns an upstream 400 as is, without failover', async () => {
    bed = await startProxyTestbed();
    await bed.addProvider({ name: 'second' });
    const err = { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: field required' } };
    bed.upstream.handle(jsonReply(err, 400));
    const res = await post(bed, messagesBody());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(err);
    expect(bed.upstream.received).toHaveLength(1);
  });

  it('passes count_tokens through and never bills it', async () => {
    bed = await startProxyTestbed();
    bed.upstream.handle(jsonReply({ input_tokens: 1234 }));
    const res = await post(bed, messagesBody(), {}, '/v1/messages/count_tokens?beta=true');
    expect(await res.json()).toEqual({ input_tokens: 1234 });
    expect(bed.upstream.received[0]!.url).toBe('/v1/messages/count_tokens?beta=true');
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log).toMatchObject({ endpoint: 'count_tokens', costUsd: 0, inputTokens: 0 });
  });
});

describe('POST /v1/messages refusals', () => {
  it('answers 413 above 6 MB without contacting the upstream', async () => {
    bed = await startProxyTestbed();
    const res = await post(bed, messagesBody({ filler: 'x'.repeat(6 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('answers 413 to a chunked body that grows past 6 MB without a content-length', async () => {
    bed = await startProxyTestbed();
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${bed.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': bed.secret },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('answers a body that is not UTF-8 with 400 and forwards nothing', async () => {
    bed = await startProxyTestbed();
    const bytes = Buffer.concat([Buffer.from('{"model":"claude-sonnet-4-5","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const res = await fetch(`${bed.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': bed.secret },
      body: bytes,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/UTF-8/) } });
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('names why a key is refused (401)', async () => {
    bed = await startProxyTestbed();
    const b = bed;
    const status = async (headers: Record<string, string>) => {
      const res = await fetch(`${b.url}/v1/messages`, { method: 'POST', headers, body: messagesBody() });
      const body = (await res.json()) as { error: { type: string; message: string } };
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      return [res.status, body.error.type, body.error.message] as const;
    };
    expect(await status({})).toEqual([401, 'authentication_error', expect.stringMatching(/missing API key/)]);
    expect(await status({ 'x-api-key': `sk-${'a'.repeat(40)}` })).toEqual([401, 'authentication_error', expect.stringMatching(/unknown/)]);
    expect(await status({ 'x-api-key': b.secret, authorization: `Bearer sk-${'b'.repeat(40)}` })).toEqual([
      401,
      'authentication_error',
      expect.stringMatching(/different keys/),
    ]);
    await b.services.apiKeys.update(b.keyId, { enabled: false });
    b.deps.keys.invalidate();
    expect(await status({ 'x-api-key': b.secret })).toEqual([401, 'authentication_error', expect.stringMatching(/disabled/)]);
    await b.services.apiKeys.update(b.keyId, { enabled: true, expiresAt: '2020-01-01T00:00:00.000Z' });
    b.deps.keys.invalidate();
    expect(await status({ 'x-api-key': b.secret })).toEqual([401, 'authentication_error', expect.stringMatching(/expired/)]);
    await b.services.apiKeys.update(b.keyId, { expiresAt: null });
    await b.services.users.update(b.userId, { enabled: false });
    b.deps.keys.invalidate();
    expect(await status({ 'x-api-key': b.secret })).toEqual([401, 'authentication_error', expect.stringMatching(/user .*disabled/)]);
    expect(b.upstream.received).toHaveLength(0);
  });

  it('refuses a model outside the user allowed models with 403 and logs it', async () => {
    bed = await startProxyTestbed();
    await bed.services.users.update(bed.userId, { allowedModels: ['claude-haiku*'] });
    bed.deps.keys.invalidate();
    const res = await post(bed, messagesBody());
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.statusCode).toBe(403);
  });

  it('answers malformed JSON with 400 in Anthropic format', async () => {
    bed = await startProxyTestbed();
    for (const body of ['{"model":', '[]', '', '{"model": 5}', '{"model":"claude-sonnet-4-5","stream":"yes"}']) {
      const res = await post(bed, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
    expect(bed.upstream.received).toHaveLength(0);
  });

  it('answers 503 when no provider can serve the request', async () => {
    bed = await startProxyTestbed({ provider: { enabled: false } });
    const res = await post(bed, messagesBody());
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});

describe.skipIf(!existsSync(sharedClients))('real Claude Code requests', () => {
  it.each(['claude-code-2.1.332.json', 'claude-code-2.1.197.json'])('%s passes through unchanged', async (name) => {
    const capture = JSON.parse(readFileSync(resolve(sharedClients, name), 'utf8')) as {
      headers: Record<string, string>;
      body: unknown;
      url?: string;
      path?: string;
    };
    bed = await startProxyTestbed();
    bed.upstream.handle(sseReply([fixture('stream-text.sse')]));
    const raw = typeof capture.body === 'string' ? capture.body : JSON.stringify(capture.body);
    const model = (JSON.parse(raw) as { model: string }).model;
    await bed.services.prices.put({ ...(await bed.services.prices.get('claude-sonnet-4-5'))!, model });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(capture.headers)) {
      if (!['host', 'content-length', 'x-api-key', 'authorization', 'connection', 'accept-encoding'].includes(k.toLowerCase())) headers[k] = v;
    }
    const res = await post(bed, raw, { ...headers, 'x-api-key': bed.secret });
    expect(res.status).toBe(200);
    await res.text();
    const got = bed.upstream.received[0]!;
    expect(got.body.toString()).toBe(raw);
    expect(got.headers['anthropic-beta']).toBe(headers['anthropic-beta'] ?? headers['Anthropic-Beta']);
    const log = await logOf(bed, res.headers.get('x-request-id'));
    expect(log!.sessionId).not.toMatch(/^h_/);
  });
});

if (!existsSync(sharedClients)) console.log(`skipping real Claude Code captures: ${sharedClients} is absent`);
