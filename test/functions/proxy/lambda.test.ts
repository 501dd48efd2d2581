// Drives the real proxy Lambda entry (hono/aws-lambda streamHandle) through a small `awslambda`
// polyfill, as the Lambda Node.js runtime would for a Function URL with InvokeMode RESPONSE_STREAM.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../functions/shared/services.js';
import { startFakeUpstream, sseReply, type FakeUpstream } from '../../support/fake-upstream.js';
import { keyInput, providerInput, userInput } from '../../support/inputs.js';
import { SONNET_PRICE } from '../../support/proxy-testbed.js';
import { createTestContext } from '../../support/store.js';

const here = dirname(fileURLToPath(import.meta.url));
const sse = readFileSync(resolve(here, '../../fixtures/anthropic/stream-text.sse'), 'utf8');

interface Captured {
  metadata: { statusCode: number; headers: Record<string, string>; cookies: string[] } | null;
  chunks: { at: number; data: Buffer }[];
  ended: Promise<void>;
}

/** The pieces of the Lambda runtime that streamHandle uses: streamifyResponse and HttpResponseStream.from. */
function installAwslambdaPolyfill(): Captured {
  const captured: Captured = { metadata: null, chunks: [], ended: Promise.resolve() };
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse: (fn: unknown) => fn,
    HttpResponseStream: {
      from(stream: Writable, metadata: Captured['metadata']) {
        captured.metadata = metadata;
        return stream;
      },
    },
  };
  return captured;
}

function responseStream(captured: Captured): Writable {
  let done!: () => void;
  captured.ended = new Promise((r) => (done = r));
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      captured.chunks.push({ at: performance.now(), data: Buffer.from(chunk) });
      cb();
    },
    final(cb) {
      done();
      cb();
    },
  });
}

function functionUrlEvent(body: string, headers: Record<string, string>) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/v1/messages',
    rawQueryString: 'beta=true',
    headers: { host: 'abc.lambda-url.us-east-1.on.aws', 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc',
      domainName: 'abc.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc',
      http: { method: 'POST', path: '/v1/messages', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'claude-cli/2.1' },
      requestId: 'lambda-req-1',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2026:07:00:00 +0000',
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

let upstream: FakeUpstream;
let services: Services;
let secret: string;
let handler: (event: unknown, stream: Writable, context: unknown) => Promise<void>;
const saved = { ...process.env };

beforeAll(async () => {
  const ctx = await createTestContext();
  services = ctx.services;
  upstream = await startFakeUpstream();
  await services.prices.put(SONNET_PRICE);
  await services.providers.create(providerInput(upstream.url));
  const user = await services.users.create(userInput({ name: 'lambda-user', rpmLimit: 100, limit5hUsd: 10 }));
  const key = await services.apiKeys.create(user.id, keyInput({ name: 'k' }));
  secret = key.key;
  // The entry reads its configuration from the environment at cold start, as on Lambda.
  const store = (services.db.client.config.endpoint as unknown as () => Promise<{ hostname: string; port?: number }>)();
  const { hostname, port } = await store;
  Object.assign(process.env, {
    TABLE_NAME: services.db.tableName,
    DYNAMODB_ENDPOINT: `http://${hostname}:${port}`,
    AWS_LAMBDA_FUNCTION_NAME: 'code-hub-proxy',
    LOG_LEVEL: 'SILENT',
  });
  installAwslambdaPolyfill();
  ({ handler } = (await import('../../../functions/proxy/lambda.js')) as unknown as { handler: typeof handler });
});

afterAll(async () => {
  process.env = saved;
  delete (globalThis as Record<string, unknown>).awslambda;
  await upstream.close();
});

describe('proxy Lambda entry (streamHandle)', () => {
  it('streams the upstream answer with its status and headers, and settles before returning', async () => {
    upstream.handle(sseReply(sse.split(/(?<=\n\n)/), 15));
    const captured = installAwslambdaPolyfill();
    const stream = responseStream(captured);
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    await handler(functionUrlEvent(body, { 'x-api-key': secret, 'anthropic-version': '2023-06-01' }), stream, {});
    await captured.ended;

    expect(captured.metadata?.statusCode).toBe(200);
    expect(captured.metadata?.headers['content-type']).toBe('text/event-stream');
    const requestId = captured.metadata?.headers['x-request-id'];
    expect(requestId).toMatch(/^req_/);
    expect(Buffer.concat(captured.chunks.map((c) => c.data)).toString()).toBe(sse);
    // Streamed, not buffered: the chunks arrived over time as the upstream sent them.
    expect(captured.chunks.length).toBeGreaterThan(3);
    expect(captured.chunks.at(-1)!.at - captured.chunks[0]!.at).toBeGreaterThan(30);

    // awaitSettle: the log item exists as soon as the invocation has returned.
    const log = await services.logs.get(requestId!);
    expect(log).toMatchObject({ statusCode: 200, inputTokens: 12, outputTokens: 57, costUsd: 0.013971 });
    expect(upstream.received[0]!.headers['x-api-key']).toBe('sk-ant-upstream-secret-0001');
  });

  it('answers the HEAD / probe Claude Code sends before its first request', async () => {
    const captured = installAwslambdaPolyfill();
    const stream = responseStream(captured);
    const event = functionUrlEvent('', {});
    event.rawPath = '/';
    event.rawQueryString = '';
    event.requestContext.http = { ...event.requestContext.http, method: 'HEAD', path: '/' };
    await handler(event, stream, {});
    await captured.ended;
    expect(captured.metadata?.statusCode).toBe(200);
  });

  it('answers an unauthenticated call with 401 in Anthropic format', async () => {
    const captured = installAwslambdaPolyfill();
    const stream = responseStream(captured);
    await handler(functionUrlEvent('{}', {}), stream, {});
    await captured.ended;
    expect(captured.metadata?.statusCode).toBe(401);
    expect(JSON.parse(Buffer.concat(captured.chunks.map((c) => c.data)).toString())).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });
});
