// The store becomes unreachable mid-run: dynalite runs as a separate process (DYNAMODB_ENDPOINT),
// is killed and started again on the same port and data. Health follows the store, the proxy keeps
// answering (fail-open limits, cached keys, providers and prices), a key it cannot check gets 503 in
// the client's format, and every answered request is in the logs once the store is back — once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../functions/local/start.js';
import { createStatsReader } from '../../functions/shared/stats/queries.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { testConfig } from '../support/store.js';
import { anthropicUpstream, type AnthropicUsage } from './support/answers.js';
import { startStoreProcess, type StoreProcess } from './support/processes.js';
import {
  createProvider,
  createTenant,
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

const USAGE: AnthropicUsage = { input: 300, output: 90, cacheRead: 8000, cache5m: 1200, cache1h: 600 };
/** The key authenticator's cache (start.ts): past it, a key can only be checked against the store. */
const KEY_CACHE_MS = 3000;

let dir: string;
let store: StoreProcess;
let hub: RunningHub;
let upstream: FakeUpstream;
let tenant: Tenant;
let frozenTenant: Tenant;
let stranger: Tenant;
let providerId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'code-hub-outage-'));
  store = await startStoreProcess(join(dir, 'store'));
  hub = await startHub({
    config: testConfig({
      port: 0,
      adminToken: 'system-admin-token-0123456789',
      dynamodbEndpoint: store.endpoint,
      dataDir: join(dir, 'hub'),
      sessionTtlSec: 2,
    }),
  });
  upstream = await startFakeUpstream(anthropicUpstream(USAGE, { deltas: 6, eventDelayMs: 50 }));
  await seedPrices(hub.services);
  providerId = await createProvider(hub.services, upstream.url, { name: 'outage-main' });
  // Limits on both scopes and an RPM limit, so admission and settle write counters for every request.
  tenant = await createTenant(
    hub.services,
    { name: 'outage-user', rpmLimit: 1000, concurrentSessions: 50, limit5hUsd: 100, dailyLimitUsd: 100 },
    { name: 'outage-key', limit5hUsd: 100, concurrentSessions: 50 },
  );
  frozenTenant = await createTenant(hub.services, { name: 'frozen-user', rpmLimit: 1000, limit5hUsd: 100 }, { name: 'frozen-key', limit5hUsd: 100 });
  stranger = await createTenant(hub.services, { name: 'never-seen' });
  hub.proxy.router.invalidate();
});

afterAll(async () => {
  await hub?.stop();
  await store?.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every answered request logged once, and every counter and rollup equal to the logged sums. */
async function expectCountedOnce(who: Tenant, answered: string[]): Promise<void> {
  const logs = await logsOfKey(hub.services, who.keyId);
  expect(logs.map((l) => l.id).sort()).toEqual([...answered].sort());
  expect(logs.every((l) => l.statusCode === 200 && l.costUsd !== null && l.costUsd > 0)).toBe(true);
  const nanos = logs.reduce((sum, l) => sum + Math.round(l.costUsd! * 1e9), 0);
  for (const [scope, id] of [['key', who.keyId], ['user', who.userId]] as const) {
    const usage = await hub.services.limiter.usage(scope, id, userLimits(who.user));
    for (const w of usage.windows) expect(Math.round(w.usedUsd * 1e9), `${scope} ${w.window}`).toBe(nanos);
  }
  const stats = createStatsReader(hub.services);
  const today = new Date().toISOString().slice(0, 10);
  for (const [by, id] of [['user', who.userId], ['key', who.keyId]] as const) {
    const row = (await stats.leaderboard({ by, dates: [today] })).find((r) => r.id === id);
    expect({ requests: row?.requests, nanos: Math.round((row?.costUsd ?? 0) * 1e9), input: row?.inputTokens }, `${by} rollup`).toEqual({
      requests: logs.length,
      nanos,
      input: logs.length * USAGE.input,
    });
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - start) };
}

async function health(): Promise<number> {
  return (await fetch(`${hub.url}/api/health`)).status;
}

describe('the store goes away and comes back', () => {
  it('killed: keeps answering, refuses unknown keys with 503, and logs every request once when the store is back', async () => {
    const answered: string[] = [];
    const timings: Record<string, number[]> = { storeUp: [], health: [], withinKeyCache: [], pastKeyCache: [], uncheckedKey: [] };
    let session = 0;
    const request = async (stream: boolean) => {
      const res = await postMessages(hub.url, tenant.secret, messagesBody(`outage-${++session}`, { stream }));
      const text = await res.text();
      expect(res.status, text).toBe(200);
      if (stream) expect(text).toContain('event: message_stop');
      answered.push(res.headers.get('x-request-id')!);
    };

    expect(await health()).toBe(200);
    for (const stream of [false, true]) timings.storeUp!.push((await timed(() => request(stream))).ms);
    // As in the freeze test: the store dies with no settle write on the wire. A write the store applied
    // but never answered is retried and counted twice (docs/reliability.md, a known limit); a kill
    // landing on one made this test flaky.
    expect(await hub.proxy.settle.drain(10_000)).toBe(true);

    // A stream in flight when the store dies finishes normally; its settle waits for the store.
    const inFlight = request(true);
    await waitFor(() => (upstream.received.length === 3 ? true : undefined), 5000, 'the third request upstream');
    await store.stop('SIGKILL');
    const cachedAt = Date.now();

    const down = await timed(health);
    timings.health!.push(down.ms);
    expect(down.value).toBe(503);

    // Within the key cache window (filled by the requests above), then well past it.
    for (const stream of [false, true]) timings.withinKeyCache!.push((await timed(() => request(stream))).ms);
    await inFlight;
    await sleep(Math.max(0, cachedAt + KEY_CACHE_MS + 500 - Date.now()));
    const parallel = await Promise.all(Array.from({ length: 8 }, (_, i) => timed(() => request(i % 2 === 0))));
    timings.pastKeyCache!.push(...parallel.map((p) => p.ms));

    // A key this instance never saw cannot be checked: 503 in the client's own format, not 500.
    const refused = await timed(() => postMessages(hub.url, stranger.secret, messagesBody('stranger', { stream: true })));
    timings.uncheckedKey!.push(refused.ms);
    expect(refused.value.status).toBe(503);
    expect(refused.value.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await refused.value.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: expect.stringMatching(/store is unreachable/) },
    });
    const refusedChat = await postChat(hub.url, stranger.secret, { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    expect(refusedChat.status).toBe(503);
    expect(((await refusedChat.json()) as { error: { type: string } }).error.type).toBe('overloaded_error');
    expect(await health()).toBe(503);
    expect(hub.proxy.settle.pending()).toBeGreaterThan(0);

    store = await startStoreProcess(join(dir, 'store'), store.port);
    await waitFor(async () => ((await health()) === 200 ? true : undefined), 20_000, '/api/health to answer 200 again');
    expect(await hub.proxy.settle.drain(30_000)).toBe(true);

    console.log(`store killed, timings (ms): ${JSON.stringify(timings)}`);
    expect(answered).toHaveLength(13);
    await expectCountedOnce(tenant, answered);
  });

  it('frozen (accepts connections, never answers): fails fast after one timeout and loses nothing', async () => {
    expect(await health()).toBe(200);
    const answered: string[] = [];
    const timings: Record<string, number[]> = { storeUp: [], firstHealth: [], health: [], requests: [], uncheckedKey: [] };
    let session = 0;
    const request = async (stream: boolean) => {
      const res = await postMessages(hub.url, frozenTenant.secret, messagesBody(`frozen-${++session}`, { stream }));
      const text = await res.text();
      expect(res.status, text).toBe(200);
      answered.push(res.headers.get('x-request-id')!);
    };
    for (const stream of [false, true]) timings.storeUp!.push((await timed(() => request(stream))).ms);
    // Freeze while nothing is being written, so no write is left half-done in the store's socket.
    expect(await hub.proxy.settle.drain(10_000)).toBe(true);
    await hub.services.limiter.flush();
    process.kill(store.process.pid!, 'SIGSTOP');
    try {
      const first = await timed(health);
      timings.firstHealth!.push(first.ms);
      expect(first.value).toBe(503);
      const again = await timed(health);
      timings.health!.push(again.ms);
      expect(again.value).toBe(503);
      await sleep(KEY_CACHE_MS + 500);
      const parallel = await Promise.all(Array.from({ length: 6 }, (_, i) => timed(() => request(i % 2 === 1))));
      timings.requests!.push(...parallel.map((p) => p.ms));
      const refused = await timed(() => postMessages(hub.url, stranger.secret, messagesBody('stranger-frozen')));
      timings.uncheckedKey!.push(refused.ms);
      expect(refused.value.status).toBe(503);
    } finally {
      process.kill(store.process.pid!, 'SIGCONT');
    }
    await waitFor(async () => ((await health()) === 200 ? true : undefined), 20_000, '/api/health to answer 200 again');
    expect(await hub.proxy.settle.drain(30_000)).toBe(true);
    console.log(`store frozen, timings (ms): ${JSON.stringify(timings)}`);
    expect(answered).toHaveLength(8);
    await expectCountedOnce(frozenTenant, answered);
  });
});
