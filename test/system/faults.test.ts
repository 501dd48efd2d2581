// Upstream and client faults against the whole gateway on a real port (startHub) with fake upstreams
// on 127.0.0.1: what the client sees, exactly one log item per request, the upstream cancelled when
// the client goes away, and no reservation or session held past SESSION_TTL.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../functions/local/start.js';
import type { ProviderInput } from '../../functions/shared/db/repos/providers.js';
import type { RequestLog } from '../../functions/shared/types.js';
import { jsonReply, startFakeUpstream, type FakeUpstream, type UpstreamHandler } from '../support/fake-upstream.js';
import { testConfig } from '../support/store.js';
import { refusedUrl } from '../functions/proxy/routing-harness.js';
import { anthropicBody, anthropicStream, chatBody, type AnthropicUsage } from './support/answers.js';
import {
  createProvider,
  createTenant,
  GPT,
  logsOfKey,
  messagesBody,
  postChat,
  postMessages,
  seedPrices,
  sleep,
  userLimits,
  waitFor,
  type Tenant,
} from './support/tenants.js';

const SESSION_TTL_SEC = 2;
const USAGE: AnthropicUsage = { input: 120, output: 40, cacheRead: 3000, cache5m: 500, cache1h: 0 };

let hub: RunningHub;
const upstreams: FakeUpstream[] = [];
let scenarioNo = 0;

beforeAll(async () => {
  hub = await startHub({
    config: testConfig({ port: 0, adminToken: 'system-admin-token-0123456789', sessionTtlSec: SESSION_TTL_SEC }),
    inMemory: true,
  });
  await seedPrices(hub.services);
});

afterAll(async () => {
  await hub?.stop();
  await Promise.all(upstreams.map((u) => u.close()));
});

const ok = (): UpstreamHandler => jsonReply(anthropicBody(USAGE));
const okStream = (delayMs = 0): UpstreamHandler => streamReply(anthropicStream(USAGE), delayMs);

function streamReply(events: string[], delayMs: number): UpstreamHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of events) {
      if (res.destroyed) return;
      res.write(event);
      if (delayMs) await sleep(delayMs);
    }
    res.end();
  };
}

/** Never answers; the connection stays open until the caller (the gateway) closes it. */
const hang = (): UpstreamHandler => () => new Promise<void>(() => {});

interface ProviderSpec {
  handler?: UpstreamHandler;
  /** Point the provider at a port where nothing listens. */
  refused?: boolean;
  overrides?: Partial<ProviderInput>;
}

interface Scenario extends Tenant {
  upstreams: (FakeUpstream | null)[];
  post(options?: { stream?: boolean; session?: string; signal?: AbortSignal }): Promise<Response>;
  /** The one log item of this scenario's key (asserts there is exactly one). */
  onlyLog(res: Response): Promise<RequestLog>;
  /** Nothing held after settle, no session active once SESSION_TTL passed, a new session admitted. */
  expectReleased(): Promise<void>;
}

/**
 * A user (concurrentSessions 1 and a spend limit, so the limiter tracks its requests) with one key,
 * and providers in a group of their own, tried in the order given.
 */
async function scenario(providers: ProviderSpec[]): Promise<Scenario> {
  const group = `faults-${++scenarioNo}`;
  const tenant = await createTenant(
    hub.services,
    { name: group, providerGroup: group, concurrentSessions: 1, limit5hUsd: 100 },
    { name: group, concurrentSessions: 1 },
  );
  const own: (FakeUpstream | null)[] = [];
  for (const [i, spec] of providers.entries()) {
    let baseUrl: string;
    if (spec.refused) {
      own.push(null);
      baseUrl = await refusedUrl();
    } else {
      const upstream = await startFakeUpstream(spec.handler ?? ok());
      upstreams.push(upstream);
      own.push(upstream);
      baseUrl = upstream.url;
    }
    await createProvider(hub.services, baseUrl, { name: `${group}-p${i}`, groupTag: group, priority: i, ...spec.overrides });
  }
  hub.proxy.router.invalidate();
  let sessions = 0;
  const post: Scenario['post'] = (options = {}) =>
    postMessages(hub.url, tenant.secret, messagesBody(options.session ?? `${group}-s${++sessions}`, { stream: options.stream }), options.signal);
  return {
    ...tenant,
    upstreams: own,
    post,
    async onlyLog(res) {
      expect(await hub.proxy.settle.drain(10_000)).toBe(true);
      const logs = await logsOfKey(hub.services, tenant.keyId);
      expect(logs.map((l) => l.id)).toEqual([res.headers.get('x-request-id')]);
      return logs[0]!;
    },
    async expectReleased() {
      expect(await hub.proxy.settle.drain(10_000)).toBe(true);
      const held = await hub.services.limiter.usage('user', tenant.userId, userLimits(tenant.user));
      expect(held.windows.map((w) => w.reservedUsd)).toEqual(held.windows.map(() => 0));
      await sleep(SESSION_TTL_SEC * 1000 + 250);
      for (const [scope, id] of [['user', tenant.userId], ['key', tenant.keyId]] as const) {
        const usage = await hub.services.limiter.usage(scope, id, userLimits(tenant.user));
        expect(usage.activeSessions.used, `${scope} sessions after SESSION_TTL`).toBe(0);
      }
      const listed = (await hub.proxy.router.activeSessions()).filter((s) => s.keyId === tenant.keyId);
      expect(listed).toEqual([]);
      for (const upstream of own) upstream?.handle(ok());
      const next = await post({ session: `${group}-after-ttl` });
      expect(next.status).not.toBe(429);
      await next.arrayBuffer();
    },
  };
}

async function errorOf(res: Response): Promise<{ type: string; message: string }> {
  const body = (await res.json()) as { type: string; error: { type: string; message: string } };
  expect(body.type).toBe('error');
  return body.error;
}

/** Reads an SSE response until `marker` has arrived (bounded), returning the text so far. */
async function readUntil(res: Response, marker: string, timeoutMs = 10_000): Promise<{ text: string; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const until = Date.now() + timeoutMs;
  while (!text.includes(marker)) {
    if (Date.now() > until) throw new Error(`no "${marker}" within ${timeoutMs} ms; got: ${text.slice(0, 500)}`);
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before "${marker}"; got: ${text.slice(0, 500)}`);
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader };
}

describe('upstream faults', () => {
  it('answers 502 in the Anthropic format when the only provider returns 500, and logs it once', async () => {
    const s = await scenario([{ handler: jsonReply({ type: 'error', error: { type: 'api_error', message: 'boom' } }, 500) }]);
    const res = await s.post();
    expect(res.status).toBe(502);
    expect(await errorOf(res)).toEqual({ type: 'api_error', message: 'every provider failed; last error: upstream 500: api_error: boom' });
    const log = await s.onlyLog(res);
    expect(log).toMatchObject({ statusCode: 502, costUsd: 0 });
    expect(log.chain.map((e) => e.statusCode)).toEqual([500]);
    await s.expectReleased();
  });

  it('fails over from a provider answering 429 to the next one', async () => {
    const s = await scenario([
      { handler: jsonReply({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, 429) },
      { handler: ok() },
    ]);
    const res = await s.post();
    expect(res.status).toBe(200);
    expect(((await res.json()) as { usage: { input_tokens: number } }).usage.input_tokens).toBe(USAGE.input);
    const log = await s.onlyLog(res);
    expect(log.statusCode).toBe(200);
    expect(log.chain.map((e) => [e.attempt, e.statusCode])).toEqual([
      [1, 429],
      [2, 200],
    ]);
    expect(log.inputTokens).toBe(USAGE.input);
    await s.expectReleased();
  });

  it('answers 502 when the only provider is overloaded (529)', async () => {
    const s = await scenario([{ handler: jsonReply({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 529) }]);
    const res = await s.post({ stream: true });
    expect(res.status).toBe(502);
    expect((await errorOf(res)).message).toMatch(/upstream 529: overloaded_error: Overloaded/);
    expect((await s.onlyLog(res)).statusCode).toBe(502);
    await s.expectReleased();
  });

  it('gives up on a provider that never answers (first-byte timeout), cancels it and fails over', async () => {
    const s = await scenario([{ handler: hang(), overrides: { timeoutMs: 1000 } }, { handler: ok() }]);
    const res = await s.post();
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const log = await s.onlyLog(res);
    expect(log.chain.map((e) => e.statusCode)).toEqual([null, 200]);
    expect(log.chain[0]!.error).toBe('no first byte within 1000 ms');
    await waitFor(() => (s.upstreams[0]!.aborted === 1 ? true : undefined), 5000, 'the hung upstream to be cancelled');
    await s.expectReleased();
  });

  it('answers 504 when the only provider never answers, in the OpenAI format on /v1/chat/completions', async () => {
    const s = await scenario([{ handler: hang(), overrides: { type: 'openai-compatible', timeoutMs: 1000 } }]);
    const res = await postChat(hub.url, s.secret, { model: GPT, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({
      error: { message: 'upstream timed out: no first byte within 1000 ms', type: 'timeout_error', code: 'upstream_timeout' },
    });
    expect((await s.onlyLog(res)).statusCode).toBe(504);
    await waitFor(() => (s.upstreams[0]!.aborted === 1 ? true : undefined), 5000, 'the hung upstream to be cancelled');
    // The follow-up in expectReleased goes to /v1/messages, which this group cannot serve: 503, not 429.
    await s.expectReleased();
  });

  it('waits for a slow first byte within the provider timeout and relays the whole stream', async () => {
    const slow: UpstreamHandler = async (req, res) => {
      await sleep(600);
      await okStream()(req, res);
    };
    const s = await scenario([{ handler: slow, overrides: { timeoutMs: 5000 } }]);
    const res = await s.post({ stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('event: message_stop');
    const log = await s.onlyLog(res);
    expect(log).toMatchObject({ statusCode: 200, error: null, outputTokens: USAGE.output, cacheReadInputTokens: USAGE.cacheRead });
    expect(log.ttfbMs).toBeGreaterThanOrEqual(600);
    await s.expectReleased();
  });

  it('reports a stream cut mid-way in-band, bills what was seen and logs the request as failed', async () => {
    const events = anthropicStream(USAGE, 4);
    const cut: UpstreamHandler = async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of events.slice(0, 4)) res.write(event);
      await sleep(100);
      res.destroy();
    };
    const s = await scenario([{ handler: cut }, { handler: ok() }]);
    const res = await s.post({ stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('part 1');
    expect(text).not.toContain('message_stop');
    expect(text).toMatch(/\n\nevent: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"upstream stream failed: [^"]+"\}\}\n\n$/);
    const log = await s.onlyLog(res);
    expect(log.statusCode).toBe(502);
    expect(log.error).toMatch(/^upstream stream failed/);
    // No failover after the first byte: the backup provider was never asked.
    expect(log.chain).toHaveLength(1);
    expect(s.upstreams[1]!.received).toHaveLength(0);
    // message_start carried the input side of the usage: it is billed.
    expect(log).toMatchObject({ inputTokens: USAGE.input, cacheReadInputTokens: USAGE.cacheRead });
    expect(log.costUsd).toBeGreaterThan(0);
    await s.expectReleased();
  });

  it('treats a 200 with an HTML page as a provider failure (502), never relaying the page', async () => {
    const html: UpstreamHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
    };
    const s = await scenario([{ handler: html }]);
    const res = await s.post();
    expect(res.status).toBe(502);
    const error = await errorOf(res);
    expect(error.message).toMatch(/^every provider failed; last error: upstream 200 was not a real answer/);
    expect(error.message).not.toContain('nginx');
    const log = await s.onlyLog(res);
    expect(log.statusCode).toBe(502);
    expect(log.chain[0]!.error).toMatch(/not a real answer/);
    await s.expectReleased();
  });

  it('answers 502 when the only provider refuses the connection, and fails over when there is another', async () => {
    const alone = await scenario([{ refused: true }]);
    const res = await alone.post();
    expect(res.status).toBe(502);
    expect((await errorOf(res)).message).toBe('every provider failed; last error: could not reach upstream: ECONNREFUSED');
    expect((await alone.onlyLog(res)).statusCode).toBe(502);
    await alone.expectReleased();

    const backed = await scenario([{ refused: true }, { handler: okStream() }]);
    const streamed = await backed.post({ stream: true });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('message_stop');
    const log = await backed.onlyLog(streamed);
    expect(log.chain.map((e) => e.statusCode)).toEqual([null, 200]);
    await backed.expectReleased();
  });
});

describe('client aborts', () => {
  it('cancels the upstream and logs 499 when the client leaves before the first byte', async () => {
    const s = await scenario([{ handler: hang() }]);
    const controller = new AbortController();
    const pending = s.post({ stream: true, signal: controller.signal });
    await waitFor(() => (s.upstreams[0]!.received.length === 1 ? true : undefined), 5000, 'the upstream to receive the request');
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => (s.upstreams[0]!.aborted === 1 ? true : undefined), 5000, 'the upstream to be cancelled');
    expect(await hub.proxy.settle.drain(10_000)).toBe(true);
    const logs = await logsOfKey(hub.services, s.keyId);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ statusCode: 499, costUsd: 0, error: 'client aborted the request' });
    await s.expectReleased();
  });

  it('cancels the upstream mid-stream and bills the usage seen so far (499)', async () => {
    const s = await scenario([{ handler: streamReply(anthropicStream(USAGE, 50), 100) }]);
    const controller = new AbortController();
    const res = await s.post({ stream: true, signal: controller.signal });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    await readUntil(res, 'part 2');
    controller.abort();
    await waitFor(() => (s.upstreams[0]!.aborted === 1 ? true : undefined), 5000, 'the upstream to be cancelled');
    expect(await hub.proxy.settle.drain(10_000)).toBe(true);
    const logs = await logsOfKey(hub.services, s.keyId);
    expect(logs.map((l) => l.id)).toEqual([requestId]);
    expect(logs[0]).toMatchObject({ statusCode: 499, inputTokens: USAGE.input, cacheReadInputTokens: USAGE.cacheRead, outputTokens: 1 });
    expect(logs[0]!.costUsd).toBeGreaterThan(0);
    await s.expectReleased();
  });

  it('settles once when the client leaves right after the last event, before the upstream closed', async () => {
    // The whole answer is sent, but the upstream holds the connection open a moment before ending.
    const lingering: UpstreamHandler = async (_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of anthropicStream(USAGE)) res.write(event);
      await sleep(1000);
      if (!res.destroyed) res.end();
    };
    const s = await scenario([{ handler: lingering }]);
    const controller = new AbortController();
    const res = await s.post({ stream: true, signal: controller.signal });
    const requestId = res.headers.get('x-request-id');
    await readUntil(res, 'event: message_stop');
    controller.abort();
    await waitFor(() => (s.upstreams[0]!.aborted === 1 ? true : undefined), 5000, 'the upstream to be cancelled');
    expect(await hub.proxy.settle.drain(10_000)).toBe(true);
    const logs = await logsOfKey(hub.services, s.keyId);
    expect(logs.map((l) => l.id)).toEqual([requestId]);
    // The answer was complete: every token is billed, though the client left before the end.
    expect(logs[0]).toMatchObject({ statusCode: 499, inputTokens: USAGE.input, outputTokens: USAGE.output, cacheWrite5mTokens: USAGE.cache5m });
    await s.expectReleased();
  });

  it('settles once when the client leaves as the response ends', async () => {
    // One session throughout: the user may hold only one.
    const s = await scenario([{ handler: okStream() }]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      const res = await s.post({ stream: true, signal: controller.signal, session: `${s.keyId}-end` });
      ids.push(res.headers.get('x-request-id')!);
      await readUntil(res, 'event: message_stop').catch(() => undefined);
      controller.abort();
    }
    expect(await hub.proxy.settle.drain(10_000)).toBe(true);
    const logs = await logsOfKey(hub.services, s.keyId);
    expect(logs.map((l) => l.id).sort()).toEqual([...ids].sort());
    for (const log of logs) {
      // Whether the close or the abort came first, the full usage is billed exactly once.
      expect([200, 499]).toContain(log.statusCode);
      expect(log).toMatchObject({ inputTokens: USAGE.input, outputTokens: USAGE.output });
    }
    const windows = await hub.services.limiter.usage('key', s.keyId, userLimits(s.user));
    const total = windows.windows.find((w) => w.window === 'total')!;
    expect(Math.round(total.usedUsd * 1e9)).toBe(logs.reduce((sum, l) => sum + Math.round(l.costUsd! * 1e9), 0));
    await s.expectReleased();
  });
});
