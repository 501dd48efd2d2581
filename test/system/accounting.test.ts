// Exact accounting under load: 200 parallel requests (half streamed) across 5 keys of 3 users and 2
// providers (Anthropic Messages and OpenAI Chat), every one with its own token usage. After the
// settles, the logged costs summed in nanos equal every spend window counter of every key, user and
// provider and every daily and hourly rollup, to the nano; request and token counts match too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../functions/local/start.js';
import { keys as dbKeys } from '../../functions/shared/db/keys.js';
import { mergeLimitStates } from '../../functions/shared/limits/limit-state.js';
import { providerShardKeys } from '../../functions/shared/limits/provider-limits.js';
import { spendWindows } from '../../functions/shared/limits/spend-windows.js';
import { createDirectBackend } from '../../functions/shared/limits/state-backend.js';
import { readStates } from '../../functions/shared/limits/state-store.js';
import { localDate } from '../../functions/shared/limits/windows.js';
import { createStatsReader } from '../../functions/shared/stats/queries.js';
import { floorHour } from '../../functions/shared/stats/ranges.js';
import type { RequestLog } from '../../functions/shared/types.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { testConfig } from '../support/store.js';
import { anthropicBody, anthropicStream, chatBody, chatStream, type AnthropicUsage, type ChatUsage } from './support/answers.js';
import {
  createKey,
  createProvider,
  createUser,
  GPT,
  logsOfKey,
  messagesBody,
  postChat,
  postMessages,
  seedPrices,
  SONNET,
  sleep,
  type Tenant,
} from './support/tenants.js';

const REQUESTS = 200;
const TOKEN_KINDS = [
  'inputTokens',
  'outputTokens',
  'cacheCreationInputTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'cacheReadInputTokens',
  'reasoningTokens',
] as const;
const WINDOWS = ['5h', 'daily', 'weekly', 'monthly', 'total'] as const;

/** Request i's usage: every request a different size, cache reads on most, cache writes on some. */
function anthropicUsageOf(i: number): AnthropicUsage {
  return {
    input: 100 + 37 * i,
    output: 20 + ((11 * i) % 700),
    cacheRead: (131 * i) % 5000,
    cache5m: i % 3 === 0 ? 200 + i : 0,
    cache1h: i % 5 === 0 ? 40 * i : 0,
  };
}

function chatUsageOf(i: number): ChatUsage {
  const prompt = 500 + 29 * i;
  return { prompt, cached: (97 * i) % 400, completion: 30 + 7 * i, reasoning: (i % 3) * 10 };
}

/** Requests 0,1 of every 4 go to /v1/messages, 2,3 to /v1/chat/completions; even ones stream. */
const isChat = (i: number) => i % 4 >= 2;

function indexOf(body: Buffer): number {
  const match = /acc-req-(\d+)/.exec(body.toString('utf8'));
  if (!match) throw new Error(`no request index in ${body.toString('utf8').slice(0, 200)}`);
  return Number(match[1]);
}

function sum(logs: RequestLog[], pick: (l: RequestLog) => number): number {
  return logs.reduce((total, l) => total + pick(l), 0);
}

const nanosOf = (l: RequestLog) => Math.round(l.costUsd! * 1e9);

/** What a set of log items adds up to: the figures every counter and rollup must equal. */
function totalsOf(logs: RequestLog[]): Record<string, number> {
  return {
    requests: logs.length,
    nanos: sum(logs, nanosOf),
    ...Object.fromEntries(TOKEN_KINDS.map((kind) => [kind, sum(logs, (l) => l[kind])])),
  };
}

describe.each([
  { path: 'npm start (limit state mirrored in memory, written behind)', singleWriter: true, writeCoalesceMs: 20 },
  { path: "Lambda's store path (every change one UpdateItem)", singleWriter: false, writeCoalesceMs: 0 },
])('accounting under load: $path', ({ singleWriter, writeCoalesceMs }) => {
  let hub: RunningHub;
  let upstream: FakeUpstream;
  const tenants: Tenant[] = [];
  const providerIds: Record<'claude' | 'openai', string> = { claude: '', openai: '' };
  /** Names for the report: key, user and provider ids → names. */
  const names = new Map<string, string>();

  beforeAll(async () => {
    hub = await startHub({
      config: testConfig({ port: 0, adminToken: 'system-admin-token-0123456789', writeCoalesceMs }),
      inMemory: true,
      singleWriter,
    });
    upstream = await startFakeUpstream(async (req, res) => {
      const i = indexOf(req.body);
      const stream = (JSON.parse(req.body.toString('utf8')) as { stream?: boolean }).stream === true;
      // Answers finish out of order, so settles of different requests interleave.
      await sleep((i % 5) * 15);
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(isChat(i) ? chatBody(chatUsageOf(i)) : anthropicBody(anthropicUsageOf(i)));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of isChat(i) ? chatStream(chatUsageOf(i)) : anthropicStream(anthropicUsageOf(i), 3)) {
        res.write(event);
        await sleep(2);
      }
      res.end();
    });
    await seedPrices(hub.services);
    providerIds.claude = await createProvider(hub.services, upstream.url, { name: 'anthropic', type: 'claude' });
    providerIds.openai = await createProvider(hub.services, upstream.url, { name: 'openai', type: 'openai-compatible', costMultiplier: 1.5 });
    // Limits on most scopes (so admission reserves and tracks sessions), none on the third user; never reached.
    const alice = await createUser(hub.services, { name: 'alice', rpmLimit: 10_000, concurrentSessions: 1000, limit5hUsd: 1000, dailyLimitUsd: 1000 });
    const bob = await createUser(hub.services, { name: 'bob', limitWeeklyUsd: 1000, limitMonthlyUsd: 1000, limitTotalUsd: 1000 });
    const carol = await createUser(hub.services, { name: 'carol' });
    const keyNames = ['alice-laptop', 'alice-ci', 'bob-laptop', 'bob-agents', 'carol'];
    tenants.push(
      await createKey(hub.services, alice, { name: 'alice-laptop', limit5hUsd: 500 }),
      await createKey(hub.services, alice, { name: 'alice-ci', concurrentSessions: 500 }),
      await createKey(hub.services, bob, { name: 'bob-laptop', dailyLimitUsd: 500, limitTotalUsd: 500 }),
      await createKey(hub.services, bob, { name: 'bob-agents' }),
      await createKey(hub.services, carol, { name: 'carol' }),
    );
    tenants.forEach((t, i) => names.set(t.keyId, keyNames[i]!));
    hub.proxy.router.invalidate();
    for (const t of tenants) names.set(t.userId, t.user.name);
    names.set(providerIds.claude, 'anthropic').set(providerIds.openai, 'openai');
  });

  afterAll(async () => {
    await hub?.stop();
    await upstream?.close();
  });

  it(`counts ${REQUESTS} parallel requests exactly once everywhere, to the nano`, async () => {
    const startedAt = Date.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const tenant = tenants[i % tenants.length]!;
        const stream = i % 2 === 0;
        const text = `acc-req-${i}`;
        const res = isChat(i)
          ? await postChat(hub.url, tenant.secret, { model: GPT, stream, messages: [{ role: 'user', content: text }] })
          : await postMessages(hub.url, tenant.secret, messagesBody(`acc-${i % 5}-${i % 9}`, { stream, model: SONNET, text }));
        const body = await res.text();
        expect(res.status, body).toBe(200);
        if (stream) expect(body).toContain(isChat(i) ? 'data: [DONE]' : 'event: message_stop');
        return { i, tenant, id: res.headers.get('x-request-id')! };
      }),
    );
    expect(await hub.proxy.settle.drain(60_000)).toBe(true);
    await hub.services.limiter.flush();

    // 200 log items, each answered request once, each with the usage its upstream answer reported.
    const logs = (await Promise.all(tenants.map((t) => logsOfKey(hub.services, t.keyId)))).flat();
    expect(logs).toHaveLength(REQUESTS);
    expect(logs.map((l) => l.id).sort()).toEqual(answers.map((a) => a.id).sort());
    const byId = new Map(logs.map((l) => [l.id, l]));
    for (const { i, tenant, id } of answers) {
      const log = byId.get(id)!;
      expect(log).toMatchObject({ statusCode: 200, error: null, keyId: tenant.keyId, userId: tenant.userId });
      expect(log.costUsd).toBeGreaterThan(0);
      if (isChat(i)) {
        const u = chatUsageOf(i);
        expect(log).toMatchObject({ providerId: providerIds.openai, inputTokens: u.prompt - u.cached, cacheReadInputTokens: u.cached, outputTokens: u.completion, reasoningTokens: u.reasoning });
      } else {
        const u = anthropicUsageOf(i);
        expect(log).toMatchObject({ providerId: providerIds.claude, inputTokens: u.input, outputTokens: u.output, cacheReadInputTokens: u.cacheRead, cacheWrite5mTokens: u.cache5m, cacheWrite1hTokens: u.cache1h });
      }
    }
    expect(new Set(logs.map(nanosOf)).size).toBeGreaterThan(REQUESTS * 0.9);

    const groups = {
      key: new Map(tenants.map((t) => [t.keyId, logs.filter((l) => l.keyId === t.keyId)])),
      user: new Map([...new Set(tenants.map((t) => t.userId))].map((id) => [id, logs.filter((l) => l.userId === id)])),
      provider: new Map(Object.values(providerIds).map((id) => [id, logs.filter((l) => l.providerId === id)])),
      model: new Map([SONNET, GPT].map((m) => [m, logs.filter((l) => l.model === m)])),
    };

    // Spend windows: what the limiter reports for keys and users, and what the store holds for all three.
    const now = Date.now();
    const tz = hub.services.config.timezone;
    const stored = createDirectBackend(hub.services.db);
    const report: Record<string, unknown> = {};
    for (const scope of ['key', 'user'] as const) {
      for (const [id, own] of groups[scope]) {
        const expected = sum(own, nanosOf);
        const usage = await hub.services.limiter.usage(scope, id, {
          limit5hUsd: null,
          dailyLimitUsd: null,
          limitWeeklyUsd: null,
          limitMonthlyUsd: null,
          limitTotalUsd: null,
          concurrentSessions: null,
        });
        expect(Object.fromEntries(usage.windows.map((w) => [w.window, Math.round(w.usedUsd * 1e9)])), `${scope} ${id} windows`).toEqual(
          Object.fromEntries(WINDOWS.map((w) => [w, expected])),
        );
        expect(usage.windows.every((w) => w.reservedUsd === 0), `${scope} ${id} holds no reservation`).toBe(true);
        const [state] = await readStates(stored, [dbKeys.spendState(scope, id)]);
        const w = spendWindows(state!, now, tz);
        expect([w.fiveHourNanos, w.dailyNanos, w.weeklyNanos, w.monthlyNanos, w.totalNanos], `${scope} ${id} stored counters`).toEqual([
          expected,
          expected,
          expected,
          expected,
          expected,
        ]);
        report[`${scope} ${names.get(id)}`] = [own.length, expected];
      }
    }
    for (const [id, own] of groups.provider) {
      const w = spendWindows(mergeLimitStates(await readStates(stored, providerShardKeys(id))), now, tz);
      const expected = sum(own, nanosOf);
      expect([w.fiveHourNanos, w.weeklyNanos, w.monthlyNanos], `provider ${id} stored counters`).toEqual([expected, expected, expected]);
      report[`provider ${names.get(id)}`] = [own.length, expected];
    }

    // Daily rollups per dimension, and the hourly global rollups behind the summary.
    const stats = createStatsReader(hub.services);
    const dates = [...new Set(logs.map((l) => localDate(Date.parse(l.createdAt), tz)))];
    for (const by of ['user', 'key', 'provider', 'model'] as const) {
      const board = await stats.leaderboard({ by, dates });
      expect(board.map((row) => row.id).sort(), `${by} leaderboard rows`).toEqual([...groups[by].keys()].sort());
      for (const row of board) {
        const { costUsd, ...counts } = row;
        expect({ requests: counts.requests, nanos: Math.round(costUsd * 1e9), ...Object.fromEntries(TOKEN_KINDS.map((k) => [k, counts[k]])) }, `${by} ${row.id} rollup`).toEqual(
          totalsOf(groups[by].get(row.id)!),
        );
        expect(row.errors).toBe(0);
      }
    }
    const summary = await stats.summary({ fromMs: floorHour(startedAt), toMs: floorHour(Date.now()) + 3_600_000, granularity: 'hour' });
    expect({ requests: summary.requests, nanos: Math.round(summary.costUsd * 1e9), ...Object.fromEntries(TOKEN_KINDS.map((k) => [k, summary[k]])) }).toEqual(totalsOf(logs));
    expect(summary.errors).toBe(0);

    const all = totalsOf(logs);
    console.log(
      `accounting (${singleWriter ? 'mirrored' : 'direct'}): ${all.requests} requests, ${all.nanos} nanos ($${(all.nanos / 1e9).toFixed(9)}), ` +
        `tokens ${JSON.stringify(Object.fromEntries(TOKEN_KINDS.map((k) => [k, all[k]])))}; [requests, nanos] per scope ${JSON.stringify(report)}; drift 0`,
    );
  });
});
