// The gateway process (`npm start`'s entry, functions/local/main.ts) is killed with SIGKILL in the
// middle of a stream and started again on the same DATA_DIR: once SESSION_TTL has passed nothing of
// the killed request holds a session or a reservation, so a user capped at one session starts a new one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { SONNET_PRICE } from '../support/proxy-testbed.js';
import { anthropicUpstream, type AnthropicUsage } from './support/answers.js';
import { startGatewayProcess, type GatewayProcess } from './support/processes.js';
import { messagesBody, postMessages, sleep, waitFor } from './support/tenants.js';

const ADMIN_TOKEN = 'system-admin-token-0123456789';
const SESSION_TTL_SEC = 2;
const USAGE: AnthropicUsage = { input: 50, output: 20, cacheRead: 1000, cache5m: 0, cache1h: 0 };

let dir: string;
let upstream: FakeUpstream;
let gateway: GatewayProcess | null = null;

function startGateway(): Promise<GatewayProcess> {
  return startGatewayProcess(dir, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: join(dir, 'data'),
    ADMIN_TOKEN,
    SESSION_TTL: String(SESSION_TTL_SEC),
  });
}

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${gateway!.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function sessionIds(): Promise<string[]> {
  return (await api<{ items: { sessionId: string }[] }>('GET', '/sessions')).items.map((s) => s.sessionId);
}

interface UsageReport {
  windows: { window: string; usedUsd: number; reservedUsd: number }[];
  activeSessions: { limit: number | null; used: number };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'code-hub-crash-'));
  // Slow enough to still be running when the gateway is killed; bounded (about 20 s) if it is not.
  upstream = await startFakeUpstream(anthropicUpstream(USAGE, { deltas: 200, eventDelayMs: 100 }));
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway?.stop('SIGTERM');
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the gateway killed mid-stream', () => {
  it('holds no session or reservation of the killed request past SESSION_TTL after a restart', async () => {
    const { inputPerMTokUsd, outputPerMTokUsd, cacheWrite5mPerMTokUsd, cacheWrite1hPerMTokUsd, cacheReadPerMTokUsd } = SONNET_PRICE;
    await api('PUT', `/prices/${SONNET_PRICE.model}`, { inputPerMTokUsd, outputPerMTokUsd, cacheWrite5mPerMTokUsd, cacheWrite1hPerMTokUsd, cacheReadPerMTokUsd });
    await api('POST', '/providers', { name: 'slow', type: 'claude', baseUrl: upstream.url, apiKey: 'sk-upstream-crash-test' });
    const user = await api<{ id: string }>('POST', '/users', { name: 'one-session', concurrentSessions: 1, limit5hUsd: 10 });
    const key = await api<{ id: string; key: string }>('POST', `/users/${user.id}/keys`, { name: 'crash', concurrentSessions: 1 });

    // A finished request binds session A; then a stream of session A is cut by SIGKILL.
    const done = await postMessages(gateway!.url, key.key, messagesBody('session-a'));
    expect(done.status).toBe(200);
    await done.arrayBuffer();
    await waitFor(async () => ((await sessionIds()).includes('session-a') ? true : undefined), 5000, 'session A to be bound');

    const res = await postMessages(gateway!.url, key.key, messagesBody('session-a', { stream: true }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    for (let reads = 0; !seen.includes('part 3'); reads++) {
      if (reads > 100) throw new Error(`no "part 3" in the first 100 chunks: ${seen}`);
      const { done: ended, value } = await reader.read();
      if (ended) throw new Error(`the stream ended early: ${seen}`);
      seen += new TextDecoder().decode(value);
    }
    const during = await api<UsageReport>('GET', `/users/${user.id}/usage`);
    expect(during.activeSessions.used).toBe(1);
    expect(during.windows.find((w) => w.window === '5h')!.reservedUsd).toBeGreaterThan(0);

    await gateway!.stop('SIGKILL');
    await expect(reader.read()).rejects.toThrow();
    await waitFor(() => (upstream.aborted === 1 ? true : undefined), 5000, 'the upstream stream to be dropped');

    gateway = await startGateway();
    const restartedAt = Date.now();
    await sleep(Math.max(0, restartedAt + SESSION_TTL_SEC * 1000 + 500 - Date.now()));

    const after = await api<UsageReport>('GET', `/users/${user.id}/usage`);
    expect(after.activeSessions).toEqual({ limit: 1, used: 0 });
    expect(after.windows.map((w) => w.reservedUsd)).toEqual(after.windows.map(() => 0));
    expect(await sessionIds()).toEqual([]);

    // The one session the user may hold is free: a new session is admitted and listed.
    const next = await postMessages(gateway!.url, key.key, messagesBody('session-b'));
    expect(next.status, await next.clone().text()).toBe(200);
    await next.arrayBuffer();
    await waitFor(async () => ((await sessionIds()).includes('session-b') ? true : undefined), 5000, 'session B to be bound');
    expect(await sessionIds()).toEqual(['session-b']);
  });
});
