// Limits end to end through the proxy: the real limiter, the embedded store, fake upstreams, a movable clock.
import { afterEach, describe, expect, it } from 'vitest';
import { estimateCostNanos } from '../../../functions/shared/cost/price-cache.js';
import type { ApiKey, User } from '../../../functions/shared/types.js';
import { jsonReply, sleep } from '../../support/fake-upstream.js';
import { SONNET_PRICE, type ProxyTestbed } from '../../support/proxy-testbed.js';
import { fixture as openAiFixture, GPT41, OPENAI_COMPATIBLE, post, startOpenAiBed } from './openai-helpers.js';
import { claudeCodeBody, fixture, messagesBody, startRoutingBed, type RoutingBed } from './routing-harness.js';

const NOW = Date.parse('2026-05-06T10:00:00Z');
/** What one answer of body-cache.json costs at SONNET_PRICE (messages.test.ts shows the sum). */
const REQUEST_COST_USD = 0.05148;

let rb: RoutingBed | null = null;
let closeLater: ProxyTestbed | null = null;
afterEach(async () => {
  await rb?.close();
  await closeLater?.close();
  rb = null;
  closeLater = null;
});

/** A bed whose proxy uses the real limiter (services.limiter) instead of the testbed's admit-all double. */
async function limitedBed(limits: { user?: Partial<User>; key?: Partial<ApiKey> }, config = {}): Promise<RoutingBed> {
  rb = await startRoutingBed({ now: NOW, config, deps: { limiter: undefined } });
  const { services, userId, keyId } = rb.bed;
  if (limits.user) await services.users.update(userId, limits.user);
  if (limits.key) await services.apiKeys.update(keyId, limits.key);
  rb.bed.deps.keys.invalidate();
  return rb;
}

async function errorOf(res: Response): Promise<{ type: string; message: string; limit: string }> {
  expect(res.status).toBe(429);
  return ((await res.json()) as { error: { type: string; message: string; limit: string } }).error;
}

/** Holds every stream open until `release()`; the first event goes out at once. */
function heldStream() {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const sse = fixture('stream-text.sse');
  const cut = sse.indexOf('event: content_block_delta');
  return {
    release,
    handler: async (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse.slice(0, cut));
      await released;
      if (!res.destroyed) res.end(sse.slice(cut));
    },
  };
}

describe('proxy limits: requests per minute', () => {
  it('answers the 6th request in a minute with 429, all four headers and the limit in the Anthropic error', async () => {
    const b = await limitedBed({ user: { rpmLimit: 5 } });
    await b.provider('main');
    for (let i = 0; i < 5; i++) expect((await b.post()).status).toBe(200);
    b.bed.clock.now = NOW + 5_000;
    const res = await b.post();
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(Object.fromEntries(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(NOW / 1000 + 60),
      'retry-after': '55',
    });
    expect(await errorOf(res)).toEqual({
      type: 'rate_limit_error',
      message: 'rate limit of 5 requests per minute reached; resets in 55s',
      limit: 'rpm',
    });
    const log = await b.logOf(res);
    expect(log.statusCode).toBe(429);
    b.bed.clock.now = NOW + 60_000;
    expect((await b.post()).status).toBe(200);
  });

  it('carries the limit in the OpenAI error format on /v1/chat/completions', async () => {
    const bed = await startOpenAiBed(OPENAI_COMPATIBLE, { now: NOW, deps: { limiter: undefined } });
    closeLater = bed;
    await bed.services.users.update(bed.userId, { rpmLimit: 1 });
    bed.upstream.handle(jsonReply(openAiFixture('openai-usage/chat-body.json')));
    const body = JSON.stringify({ model: GPT41, messages: [{ role: 'user', content: 'hi' }] });
    expect((await post(bed, '/v1/chat/completions', body)).status).toBe(200);
    const res = await post(bed, '/v1/chat/completions', body);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await res.json()).toEqual({
      error: {
        message: 'rate limit of 1 requests per minute reached; resets in 1m',
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        limit: 'rpm',
      },
    });
  });
});

describe('proxy limits: spend', () => {
  it('refuses a key with a $0.05 5h limit once its spend passes it and admits it again when the spend rolls off', async () => {
    const b = await limitedBed({ key: { limit5hUsd: 0.05 } });
    await b.provider('main');
    const first = await b.post();
    expect(first.status).toBe(200);
    await b.logOf(first);
    const refused = await b.post();
    expect((await errorOf(refused)).message).toBe('key 5h spend limit of $0.05 reached; resets in 5h');
    expect(refused.headers.get('retry-after')).toBe(String(5 * 3600));
    b.bed.clock.now = NOW + 5 * 3600_000;
    expect((await b.post()).status).toBe(200);
  });

  it('overshoots a nearly spent budget under 20 parallel requests by less than one request', async () => {
    const limitUsd = 0.35;
    const b = await limitedBed({ user: { limit5hUsd: limitUsd } });
    await b.provider('main');
    for (let i = 0; i < 3; i++) await b.logOf(await b.post());
    const spentBefore = 3 * REQUEST_COST_USD;
    // max_tokens 4096 makes the estimate an upper bound of the real cost, so only one request can overshoot.
    const bodies = Array.from({ length: 20 }, (_, i) => messagesBody({ max_tokens: 4096, messages: [{ role: 'user', content: `agent ${i}` }] }));
    const estimateUsd = estimateCostNanos(Buffer.byteLength(JSON.stringify(bodies[0])), 4096, SONNET_PRICE, 1) / 1e9;
    expect(estimateUsd).toBeGreaterThan(REQUEST_COST_USD);
    const responses = await Promise.all(bodies.map((body) => b.post(body)));
    const admitted = responses.filter((r) => r.status === 200).length;
    expect(responses.filter((r) => r.status === 429)).toHaveLength(20 - admitted);
    expect(admitted).toBe(Math.ceil((limitUsd - spentBefore) / estimateUsd));
    await b.bed.deps.settle.drain(5000);
    const user = (await b.bed.services.users.get(b.bed.userId))!;
    const report = await b.bed.services.limiter.usage('user', user.id, user);
    const spent = report.windows.find((w) => w.window === '5h')!.usedUsd;
    expect(spent).toBeCloseTo(spentBefore + admitted * REQUEST_COST_USD, 9);
    expect(spent - limitUsd).toBeLessThan(REQUEST_COST_USD);
  });

  it('routes around a provider whose own 5h limit is reached and records why', async () => {
    const b = await limitedBed({});
    const capped = await b.provider('capped', { priority: 0, limit5hUsd: 0.01 });
    const spare = await b.provider('spare', { priority: 1 });
    expect((await b.logOf(await b.post())).providerId).toBe(capped.id);
    const log = await b.logOf(await b.post());
    expect(log.providerId).toBe(spare.id);
    expect(log.filtered[capped.id]).toBe('provider 5h spend limit of $0.01 reached');
  });
});

describe('proxy limits: concurrent sessions', () => {
  it('refuses a second session while the first streams and for SESSION_TTL after, keeps admitting the first, then admits the second', async () => {
    const b = await limitedBed({ user: { concurrentSessions: 1 } }, { sessionTtlSec: 300 });
    const stream = heldStream();
    const main = await b.provider('main', {}, stream.handler);
    const streaming = await b.post(claudeCodeBody('sess-a', 'long'));
    const reader = streaming.body!.getReader();
    await reader.read();

    const second = await b.post(claudeCodeBody('sess-b'));
    expect(await errorOf(second)).toMatchObject({ limit: 'concurrent_sessions', message: 'concurrent session limit of 1 reached; resets in 5m' });

    main.upstream.handle((_req, res) => void res.end(fixture('body-cache.json')));
    expect((await b.post(claudeCodeBody('sess-a', 'again'))).status).toBe(200);

    stream.release();
    while (!(await reader.read()).done);
    await b.bed.deps.settle.drain(5000);
    b.bed.clock.now = NOW + 299_000;
    expect((await errorOf(await b.post(claudeCodeBody('sess-b')))).limit).toBe('concurrent_sessions');
    b.bed.clock.now = NOW + 300_000;
    expect((await b.post(claudeCodeBody('sess-b'))).status).toBe(200);
  });

  it('releases a session whose stream the client aborted: after SESSION_TTL nothing is left', async () => {
    const b = await limitedBed({ user: { concurrentSessions: 1 } }, { sessionTtlSec: 300 });
    const stream = heldStream();
    const main = await b.provider('main', {}, stream.handler);
    const controller = new AbortController();
    const res = await fetch(`${b.bed.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': b.bed.secret, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(claudeCodeBody('sess-a')),
      signal: controller.signal,
    });
    await res.body!.getReader().read();
    controller.abort();
    for (let i = 0; i < 100 && main.upstream.aborted === 0; i++) await sleep(10);
    stream.release();
    await b.bed.deps.settle.drain(5000);
    expect((await b.logOf(res)).statusCode).toBe(499);
    expect((await errorOf(await b.post(claudeCodeBody('sess-b')))).limit).toBe('concurrent_sessions');

    b.bed.clock.now = NOW + 300_000;
    const user = (await b.bed.services.users.get(b.bed.userId))!;
    const report = await b.bed.services.limiter.usage('user', user.id, user);
    expect(report.activeSessions).toEqual({ limit: 1, used: 0 });
    expect(report.windows.every((w) => w.reservedUsd === 0)).toBe(true);
    main.upstream.handle((_req, r) => void r.end(fixture('body-cache.json')));
    expect((await b.post(claudeCodeBody('sess-b'))).status).toBe(200);
  });
});
