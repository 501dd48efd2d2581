import { afterEach, describe, expect, it } from 'vitest';
import { toPublic } from '../../../functions/shared/routing/circuit-breaker.js';
import { jsonReply, sleep, type UpstreamHandler } from '../../support/fake-upstream.js';
import {
  claudeCodeBody,
  fixture,
  messagesBody,
  OK_BODY,
  okReply,
  refusedUrl,
  startRoutingBed,
  type RoutingBed,
} from './routing-harness.js';

let rb: RoutingBed | null = null;
afterEach(async () => {
  await rb?.close();
  rb = null;
});

const T0 = Date.parse('2026-03-04T05:06:07.000Z');
const anthropicError = (type: string, message: string) => ({ type: 'error', error: { type, message } });
const fails500 = jsonReply(anthropicError('api_error', 'boom'), 500);
const never: UpstreamHandler = () => {};

/** mulberry32: a small seeded generator, so the weighted split is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('failover', () => {
  const failures: [string, UpstreamHandler | 'refused', { statusCode: number | null; error: RegExp }, Record<string, unknown>?][] = [
    ['a 500', fails500, { statusCode: 500, error: /^upstream 500: api_error: boom$/ }],
    ['a refused connection', 'refused', { statusCode: null, error: /could not reach upstream: ECONNREFUSED/ }],
    ['no first byte within the provider timeout', never, { statusCode: null, error: /^no first byte within 150 ms$/ }, { timeoutMs: 150 }],
    ['a 429', jsonReply(anthropicError('rate_limit_error', 'slow down'), 429), { statusCode: 429, error: /429: rate_limit_error: slow down/ }],
    ['a 529', jsonReply(anthropicError('overloaded_error', 'Overloaded'), 529), { statusCode: 529, error: /529: overloaded_error: Overloaded/ }],
    [
      'an HTML page with status 200',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><body>Just a moment...</body></html>');
      },
      { statusCode: 200, error: /HTML/ },
    ],
  ];

  it.each(failures)('moves from A to B after %s, and the log shows both attempts and why others were left out', async (_name, handler, seen, overrides) => {
    rb = await startRoutingBed();
    const a = await rb.provider('A', { priority: 0, ...overrides }, handler === 'refused' ? okReply() : handler);
    if (handler === 'refused') await rb.bed.services.providers.update(a.id, { baseUrl: await refusedUrl() });
    const b = await rb.provider('B', { priority: 1 });
    const off = await rb.provider('off', { enabled: false });
    const otherGroup = await rb.provider('other-group', { groupTag: 'team-x' });
    const codex = await rb.provider('codex', { type: 'codex' });
    const haikuOnly = await rb.provider('haiku-only', { allowedModels: ['claude-haiku*'] });
    rb.bed.deps.router.invalidate();

    const res = await rb.post();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(OK_BODY);
    expect(a.upstream.received.length).toBe(handler === 'refused' ? 0 : 1);
    expect(b.upstream.received).toHaveLength(1);
    for (const p of [off, otherGroup, codex, haikuOnly]) expect(p.upstream.received).toHaveLength(0);

    const log = await rb.logOf(res);
    expect(log).toMatchObject({ statusCode: 200, providerId: b.id, error: null });
    expect(log.chain).toEqual([
      { providerId: a.id, providerName: 'A', attempt: 1, reason: 'initial_pick', statusCode: seen.statusCode, error: expect.stringMatching(seen.error), durationMs: expect.any(Number) },
      { providerId: b.id, providerName: 'B', attempt: 2, reason: 'failover', statusCode: 200, error: null, durationMs: expect.any(Number) },
    ]);
    for (const entry of log.chain) expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(log.filtered).toEqual({ [off.id]: 'disabled', [otherGroup.id]: 'group', [codex.id]: 'type', [haikuOnly.id]: 'model' });
    // The failure counts once against A, never against B.
    expect((await rb.bed.services.circuits.get(a.id)).failures).toBe(1);
    expect((await rb.bed.services.circuits.get(b.id)).failures).toBe(0);
  });

  it('fails over a streaming request whose first provider sends no first byte within streamFirstByteMs', async () => {
    rb = await startRoutingBed({ deps: { timeouts: { streamFirstByteMs: 150 } } });
    const a = await rb.provider('A', { priority: 0 }, never);
    const sse = fixture('stream-text.sse');
    const b = await rb.provider('B', { priority: 1 }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse);
    });
    const res = await rb.post(messagesBody({ stream: true }));
    expect(await res.text()).toBe(sse);
    const log = await rb.logOf(res);
    expect(log.chain.map((e) => [e.providerId, e.reason, e.statusCode, e.error])).toEqual([
      [a.id, 'initial_pick', null, 'no first byte within 150 ms'],
      [b.id, 'failover', 200, null],
    ]);
    expect(log.statusCode).toBe(200);
  });

  it.each([
    [400, 'invalid_request_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
  ])('returns an upstream %i as is, without failover and without counting it against the provider', async (status, type) => {
    rb = await startRoutingBed();
    const body = anthropicError(type, 'the client sent something wrong');
    const a = await rb.provider('A', { priority: 0 }, jsonReply(body, status));
    const b = await rb.provider('B', { priority: 1 });
    for (let i = 0; i < 6; i++) {
      const res = await rb.post();
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual(body);
    }
    expect(a.upstream.received).toHaveLength(6);
    expect(b.upstream.received).toHaveLength(0);
    expect(await rb.bed.services.circuits.get(a.id)).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('never fails over once the first byte was sent: a stream cut mid-way ends with an in-band error', async () => {
    rb = await startRoutingBed();
    const sse = fixture('stream-text.sse');
    const a = await rb.provider('A', { priority: 0 }, async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse.slice(0, sse.indexOf('event: message_delta')));
      await sleep(20);
      res.destroy();
    });
    const b = await rb.provider('B', { priority: 1 });
    const res = await rb.post(messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith(sse.slice(0, sse.indexOf('event: message_delta')))).toBe(true);
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
    expect(a.upstream.received).toHaveLength(1);
    expect(b.upstream.received).toHaveLength(0);
    const log = await rb.logOf(res);
    expect(log).toMatchObject({ statusCode: 502, providerId: a.id, error: expect.any(String) });
    expect(log.chain).toEqual([expect.objectContaining({ providerId: a.id, reason: 'initial_pick', statusCode: 200 })]);
  });

  it('stops after MAX_ATTEMPTS providers and answers 502 in Anthropic format', async () => {
    rb = await startRoutingBed({ config: { maxAttempts: 2 } });
    const a = await rb.provider('A', { priority: 0 }, fails500);
    const b = await rb.provider('B', { priority: 1 }, jsonReply(anthropicError('overloaded_error', 'Overloaded'), 529));
    const c = await rb.provider('C', { priority: 2 });
    const res = await rb.post();
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'api_error', message: expect.stringMatching(/every provider failed; last error: upstream 529/) },
    });
    expect(c.upstream.received).toHaveLength(0);
    const log = await rb.logOf(res);
    expect(log.statusCode).toBe(502);
    expect(log.chain.map((e) => [e.providerId, e.attempt, e.reason, e.statusCode])).toEqual([
      [a.id, 1, 'initial_pick', 500],
      [b.id, 2, 'failover', 529],
    ]);
    expect((await rb.bed.services.circuits.get(c.id)).failures).toBe(0);
  });

  it('answers 502 when every candidate failed, counting one failure per provider per request', async () => {
    rb = await startRoutingBed({ config: { maxAttempts: 3 } });
    const a = await rb.provider('A', { priority: 0 }, fails500);
    const b = await rb.provider('B', { priority: 0 }, fails500);
    const res = await rb.post();
    expect(res.status).toBe(502);
    expect((await res.json()).error.type).toBe('api_error');
    expect(a.upstream.received).toHaveLength(1);
    expect(b.upstream.received).toHaveLength(1);
    const log = await rb.logOf(res);
    expect(log.chain.map((e) => e.reason)).toEqual(['initial_pick', 'failover']);
    expect((await rb.bed.services.circuits.get(a.id)).failures).toBe(1);
    expect((await rb.bed.services.circuits.get(b.id)).failures).toBe(1);
  });
});

describe('circuit breaker', () => {
  async function openCircuitOfA(options: { withB?: boolean } = {}) {
    rb = await startRoutingBed({ now: T0 });
    const a = await rb.provider('A', { priority: 0, circuitFailureThreshold: 5, circuitOpenMs: 60_000 }, fails500);
    const b = options.withB === false ? null : await rb.provider('B', { priority: 1 });
    for (let i = 0; i < 5; i++) {
      const res = await rb.post();
      expect(res.status).toBe(b ? 200 : 502);
      await res.arrayBuffer();
    }
    expect(a.upstream.received).toHaveLength(5);
    return { rb, a, b };
  }

  it('opens after 5 failing requests, after which A receives no traffic', async () => {
    const { rb, a, b } = await openCircuitOfA();
    const rec = await rb.bed.services.circuits.get(a.id);
    expect(toPublic(rec, rb.bed.clock.now)).toEqual({ state: 'open', failures: 5, openUntil: new Date(T0 + 60_000).toISOString() });

    for (let i = 0; i < 5; i++) {
      const res = await rb.post();
      expect(res.status).toBe(200);
      const log = await rb.logOf(res);
      expect(log.filtered).toEqual({ [a.id]: 'circuit_open' });
      expect(log.chain).toEqual([expect.objectContaining({ providerId: b!.id, attempt: 1, reason: 'initial_pick', statusCode: 200 })]);
    }
    rb.bed.clock.now = T0 + 59_999;
    expect((await rb.post()).status).toBe(200);
    expect(a.upstream.received).toHaveLength(5);
  });

  it('counts every failure of parallel requests (no lost update between instances)', async () => {
    rb = await startRoutingBed({ now: T0 });
    const a = await rb.provider('A', { priority: 0, circuitFailureThreshold: 100 }, fails500);
    await rb.provider('B', { priority: 1 });
    const bed = rb;
    const responses = await Promise.all(Array.from({ length: 12 }, () => bed.post()));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(a.upstream.received).toHaveLength(12);
    expect(await rb.bed.services.circuits.get(a.id)).toMatchObject({ state: 'closed', failures: 12 });
  });

  it('answers 503 overloaded_error when the only provider has an open circuit', async () => {
    const { rb, a } = await openCircuitOfA({ withB: false });
    const res = await rb.post();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(a.upstream.received).toHaveLength(5);
    expect((await rb.logOf(res)).filtered).toEqual({ [a.id]: 'circuit_open' });
  });

  it('after the open window lets one probe through; its success closes the circuit', async () => {
    const { rb, a, b } = await openCircuitOfA();
    rb.bed.clock.now = T0 + 60_000;
    a.upstream.handle(okReply());
    const res = await rb.post();
    expect(res.status).toBe(200);
    const log = await rb.logOf(res);
    expect(log.chain).toEqual([expect.objectContaining({ providerId: a.id, attempt: 1, reason: 'circuit_probe', statusCode: 200 })]);
    expect(await rb.bed.services.circuits.get(a.id)).toMatchObject({ state: 'closed', failures: 0 });

    const next = await rb.post();
    expect((await rb.logOf(next)).chain).toEqual([expect.objectContaining({ providerId: a.id, reason: 'initial_pick' })]);
    expect(a.upstream.received).toHaveLength(7);
    expect(b!.upstream.received).toHaveLength(5);
  });

  it('re-opens for another window when the probe fails', async () => {
    const { rb, a, b } = await openCircuitOfA();
    rb.bed.clock.now = T0 + 61_000;
    const res = await rb.post();
    expect(res.status).toBe(200);
    const log = await rb.logOf(res);
    expect(log.chain.map((e) => [e.providerId, e.reason, e.statusCode])).toEqual([
      [a.id, 'circuit_probe', 500],
      [b!.id, 'failover', 200],
    ]);
    const rec = await rb.bed.services.circuits.get(a.id);
    expect(toPublic(rec, rb.bed.clock.now)).toMatchObject({ state: 'open', openUntil: new Date(T0 + 121_000).toISOString() });
    await rb.post();
    expect(a.upstream.received).toHaveLength(6);
  });

  it('sends exactly one probe while several requests arrive in the half-open window', async () => {
    const { rb, a, b } = await openCircuitOfA();
    rb.bed.clock.now = T0 + 60_000;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    a.upstream.handle(async (req, res) => {
      await released;
      await okReply()(req, res);
    });
    const pending = Array.from({ length: 5 }, () => rb.post());
    for (let i = 0; i < 200 && (a.upstream.received.length < 6 || b!.upstream.received.length < 9); i++) await sleep(10);
    expect(a.upstream.received).toHaveLength(6);
    expect(b!.upstream.received).toHaveLength(9);
    release();
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const reasons = await Promise.all(responses.map(async (r) => (await rb.logOf(r)).chain.map((e) => e.reason).join(',')));
    expect(reasons.filter((r) => r === 'circuit_probe')).toHaveLength(1);
    expect(await rb.bed.services.circuits.get(a.id)).toMatchObject({ state: 'closed' });
  });

  it('reset-circuit through the admin API sends traffic to A again at once when the admin change reaches the router', async () => {
    const { rb, a } = await openCircuitOfA();
    a.upstream.handle(okReply());
    const admin = rb.admin({ wired: true });
    const reset = await admin('POST', `/api/providers/${a.id}/reset-circuit`);
    expect(reset.status).toBe(200);
    expect(reset.body.circuit).toEqual({ state: 'closed', failures: 0, openUntil: null });
    const res = await rb.post();
    expect((await rb.logOf(res)).chain).toEqual([expect.objectContaining({ providerId: a.id, reason: 'initial_pick', statusCode: 200 })]);
  });

  it('reset-circuit reaches a router it cannot invalidate once the circuit cache expires', async () => {
    const { rb, a } = await openCircuitOfA();
    a.upstream.handle(okReply());
    expect((await rb.admin({ wired: false })('POST', `/api/providers/${a.id}/reset-circuit`)).status).toBe(200);
    rb.bed.clock.now = T0 + 1_000;
    const res = await rb.post();
    expect((await rb.logOf(res)).chain).toEqual([expect.objectContaining({ providerId: a.id, reason: 'initial_pick' })]);
  });

  it('shows the state on GET /api/providers: open with openUntil, then half-open after the window', async () => {
    const { rb, a, b } = await openCircuitOfA();
    const admin = rb.admin();
    const circuitOf = async (id: string) =>
      ((await admin('GET', '/api/providers')).body.items as { id: string; circuit: unknown }[]).find((p) => p.id === id)!.circuit;
    expect(await circuitOf(a.id)).toEqual({ state: 'open', failures: 5, openUntil: '2026-03-04T05:07:07.000Z' });
    expect(await circuitOf(b!.id)).toEqual({ state: 'closed', failures: 0, openUntil: null });
    rb.bed.clock.now = T0 + 60_000;
    expect(await circuitOf(a.id)).toEqual({ state: 'half-open', failures: 5, openUntil: '2026-03-04T05:07:07.000Z' });
  });
});

describe('selection', () => {
  it('splits 400 requests about 75/25 between weights 3 and 1', async () => {
    rb = await startRoutingBed({ random: seeded(20260304) });
    const heavy = await rb.provider('heavy', { priority: 0, weight: 3 });
    const light = await rb.provider('light', { priority: 0, weight: 1 });
    const bed = rb;
    for (let batch = 0; batch < 20; batch++) {
      // A different first message per request: each is its own session, so stickiness stays out of it.
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => bed.post(messagesBody({ messages: [{ role: 'user', content: `q${batch}-${i}` }] }))));
      for (const res of responses) expect(res.status).toBe(200);
      await Promise.all(responses.map((r) => r.arrayBuffer()));
    }
    const h = heavy.upstream.received.length;
    expect(h + light.upstream.received.length).toBe(400);
    console.log(`weights 3:1 → ${h}/${400 - h} of 400 requests`);
    expect(h).toBeGreaterThanOrEqual(270);
    expect(h).toBeLessThanOrEqual(330);
  }, 60_000);
});

describe('session stickiness', () => {
  /** Two equal providers and a random source that makes a fresh pick alternate between them. */
  async function alternatingBed() {
    const cycle = [0.1, 0.1, 0.9, 0.9];
    let n = 0;
    rb = await startRoutingBed({ random: () => cycle[n++ % cycle.length]! });
    const x = await rb.provider('X', { priority: 0, weight: 1 });
    const y = await rb.provider('Y', { priority: 0, weight: 1 });
    const bed = rb;
    const servedBy = async (body: Record<string, unknown>) => {
      const res = await bed.post(body);
      expect(res.status).toBe(200);
      const log = await bed.logOf(res);
      return { providerId: log.providerId, reason: log.chain[0]!.reason, filtered: log.filtered };
    };
    return { rb, x, y, servedBy };
  }

  it('without a shared session, the random source alternates the pick', async () => {
    const { servedBy } = await alternatingBed();
    const picks = [];
    for (let i = 0; i < 4; i++) picks.push((await servedBy(messagesBody({ messages: [{ role: 'user', content: `task ${i}` }] }))).providerId);
    expect(picks[0]).not.toBe(picks[1]);
    expect(picks).toEqual([picks[0], picks[1], picks[0], picks[1]]);
  });

  it('keeps one Claude Code session on one provider across 20 requests', async () => {
    const { rb, x, y, servedBy } = await alternatingBed();
    const sessionId = '5d1e6b8a-2c3f-4e1a-9b7d-0f2e4c6a8b10';
    const served = [];
    for (let i = 0; i < 20; i++) served.push(await servedBy(claudeCodeBody(sessionId, `turn ${i}`)));
    const first = served[0]!.providerId;
    expect(served.map((s) => s.providerId)).toEqual(Array(20).fill(first));
    expect(served.map((s) => s.reason)).toEqual(['initial_pick', ...Array(19).fill('session_reuse')]);
    expect(x.upstream.received.length + y.upstream.received.length).toBe(20);

    const sessions = await rb.admin()('GET', '/api/sessions');
    expect(sessions.body.items).toEqual([
      { sessionId, keyId: rb.bed.keyId, userId: rb.bed.userId, providerId: first, lastSeenAt: expect.any(String), requests: 20 },
    ]);
  });

  it('rebinds to another provider when its provider is disabled, and stays there', async () => {
    const { rb, x, y, servedBy } = await alternatingBed();
    const sessionId = 'session-rebind-1';
    const first = (await servedBy(claudeCodeBody(sessionId))).providerId!;
    const other = first === x.id ? y.id : x.id;
    const admin = rb.admin();

    await rb.bed.services.providers.update(first, { enabled: false });
    rb.bed.deps.router.invalidate();
    const moved = await servedBy(claudeCodeBody(sessionId, 'next'));
    expect(moved).toEqual({ providerId: other, reason: 'initial_pick', filtered: { [first]: 'disabled' } });

    await rb.bed.services.providers.update(first, { enabled: true });
    rb.bed.deps.router.invalidate();
    for (let i = 0; i < 4; i++) expect(await servedBy(claudeCodeBody(sessionId, `again ${i}`))).toMatchObject({ providerId: other, reason: 'session_reuse' });
    expect((await admin('GET', '/api/sessions')).body.items).toEqual([expect.objectContaining({ sessionId, providerId: other, requests: 6 })]);
  });

  it('fails over within the request when the bound provider fails, and rebinds the session', async () => {
    const { rb, x, y, servedBy } = await alternatingBed();
    const sessionId = 'session-failover-1';
    const first = (await servedBy(claudeCodeBody(sessionId))).providerId!;
    const [bound, other] = first === x.id ? [x, y] : [y, x];
    bound.upstream.handle(fails500);
    const res = await rb.post(claudeCodeBody(sessionId, 'next'));
    const log = await rb.logOf(res);
    expect(log.chain.map((e) => [e.providerId, e.reason])).toEqual([
      [bound.id, 'session_reuse'],
      [other.id, 'failover'],
    ]);
    expect((await servedBy(claudeCodeBody(sessionId, 'third'))).providerId).toBe(other.id);
  });
});
