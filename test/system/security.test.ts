// Security checks on a running hub: default-deny auth on every admin route (read from the app), key
// holder sessions kept to /api/me, no client secret stored and no provider key shown or logged
// anywhere, per-IP throttling of failed auth, cross-site protection of cookie writes, dashboard
// security headers, session cookie flags, and the CloudFront origin check.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSession } from '../../functions/admin/session-cookie.js';
import { startHub, type RunningHub } from '../../functions/local/start.js';
import { loadConfig } from '../../functions/shared/config.js';
import { sha256Hex } from '../../functions/shared/ids.js';
import { createMemoryLogger } from '../../functions/shared/logger.js';
import { jsonReply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { testConfig } from '../support/store.js';
import { requestFrom, type SimpleResponse } from './support/raw-http.js';
import { deepText, leakedSecrets, scanTable } from './support/secrets.js';
import { adminRoutes, errorShapeProblem, fillPath, KEYHOLDER_PATHS, PUBLIC_ADMIN_PATHS, type AdminRoute } from './support/routes.js';
import { wellBehavedUpstream } from './support/upstream-replies.js';

const ADMIN_TOKEN = 'security-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };
const MESSAGE = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] };
const CODEX_CHAT = { model: 'gpt-5-codex', messages: [{ role: 'user', content: 'hi' }] };

const logger = createMemoryLogger();
let good: FakeUpstream;
let failing: FakeUpstream;
let hub: RunningHub;
let routes: AdminRoute[];
const ids: Record<string, string> = {};
const clientSecrets: string[] = [];
const providerKeys: string[] = [];
const providerIds: string[] = [];
let secret = '';

async function call(method: string, path: string, headers: Record<string, string> = ADMIN, body?: unknown) {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...JSON_TYPE, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function addProvider(input: Record<string, unknown>): Promise<string> {
  const apiKey = `sk-prov-${randomBytes(24).toString('base64url')}`;
  providerKeys.push(apiKey);
  const created = await call('POST', '/api/providers', ADMIN, { apiKey, ...input });
  expect(created.status).toBe(201);
  const id = created.json().id as string;
  providerIds.push(id);
  return id;
}

/** Body for any write route: the routes here are refused before they read it. */
const writeHeaders = (route: AdminRoute, headers: Record<string, string>) => (route.method === 'GET' ? headers : { ...JSON_TYPE, ...headers });
const writeBody = (route: AdminRoute) => (route.method === 'GET' ? undefined : '{}');

beforeAll(async () => {
  good = await startFakeUpstream(wellBehavedUpstream);
  // An HTML page where an API should be, and a provider refusing its key with a 401 that names the
  // key masked, as OpenAI does.
  failing = await startFakeUpstream((req, res) => {
    if (req.url.startsWith('/html')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Sign in</title>');
      return;
    }
    void jsonReply({ error: { message: 'Incorrect API key provided: sk-prov-****abcd', type: 'invalid_request_error' } }, 401)(req, res);
  });
  hub = await startHub({ config: testConfig({ port: 0, adminToken: ADMIN_TOKEN, authFailuresPerMinute: 0 }), inMemory: true, logger });
  routes = adminRoutes(hub.services);

  const user = (await call('POST', '/api/users', ADMIN, { name: 'sec-user' })).json();
  for (let i = 0; i < 3; i++) {
    const key = (await call('POST', `/api/users/${user.id}/keys`, ADMIN, { name: `k${i}` })).json();
    clientSecrets.push(key.key as string);
    ids.keys = key.id as string;
  }
  const rotated = (await call('POST', `/api/keys/${ids.keys}/rotate`)).json();
  clientSecrets.push(rotated.key as string);
  secret = rotated.key as string;
  ids.users = user.id as string;

  // Providers that fail in every way a provider can: 5xx with a body, refused connection, HTML, 401.
  const refused = `http://127.0.0.1:${await closedPort()}`;
  await addProvider({ name: 'refused', type: 'claude', baseUrl: refused, priority: 0 });
  await addProvider({ name: 'html', type: 'claude', baseUrl: `${failing.url}/html`, priority: 1 });
  await addProvider({ name: 'refusing-key', type: 'claude', baseUrl: failing.url, priority: 2 });
  await addProvider({ name: 'codex', type: 'codex', baseUrl: good.url });
  ids.providers = providerIds[0]!;
  await call('PUT', '/api/prices/claude-sonnet-4-5', ADMIN, { inputPerMTokUsd: 3, outputPerMTokUsd: 15 });
  ids.prices = 'claude-sonnet-4-5';

  for (let i = 0; i < 3; i++) {
    for (const [path, body] of [['/v1/messages', MESSAGE], ['/v1/chat/completions', CODEX_CHAT], ['/v1/responses', { model: 'unpriced', input: 'x' }]] as const) {
      const res = await fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'x-api-key': secret }, body: JSON.stringify(body) });
      await res.text();
    }
  }
  // A key holder logs in too (its session is in the cookie, never in the table).
  expect((await call('POST', '/api/auth/login', {}, { token: secret })).status).toBe(200);
  const logs = (await call('GET', '/api/logs?limit=1')).json().items as { id: string }[];
  ids.logs = logs[0]!.id;
});

afterAll(async () => {
  await hub?.stop();
  await good?.close();
  await failing?.close();
});

describe('default-deny admin API', () => {
  it('refuses every /api route but health and login/logout without valid credentials (401, admin format)', async () => {
    expect(routes.length).toBeGreaterThan(30);
    const forged = {
      'wrong token': { authorization: 'Bearer not-the-admin-token-0123456789' },
      'client key as admin token': { authorization: `Bearer ${secret}` },
      'basic auth': { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      'unsigned cookie': { cookie: `codehub_session=admin.admin.${2 ** 31}.AAAA` },
      'cookie signed with another token': { cookie: `codehub_session=${encodeSession('another-admin-token-0123456789', { role: 'admin', subject: 'admin', expiresAtSec: 2 ** 31 })}` },
      'expired cookie': { cookie: `codehub_session=${encodeSession(ADMIN_TOKEN, { role: 'admin', subject: 'admin', expiresAtSec: 1000 })}` },
    };
    let checked = 0;
    for (const route of routes.filter((r) => !PUBLIC_ADMIN_PATHS.has(r.path))) {
      const path = fillPath(route.path, ids);
      for (const [name, headers] of [['no credentials', {}] as const, ...Object.entries(forged)]) {
        const res = await fetch(`${hub.url}${path}`, { method: route.method, headers: writeHeaders(route, headers), body: writeBody(route) });
        const text = await res.text();
        // A client key is a credential on the key holder routes; everywhere else it is a wrong admin token.
        if (name === 'client key as admin token' && KEYHOLDER_PATHS.has(route.path)) continue;
        expect(res.status, `${route.method} ${path} with ${name}`).toBe(401);
        expect(errorShapeProblem('admin', text), `${route.method} ${path}`).toBeNull();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
    // The routes it refused are still there for the admin: nothing was done on their behalf.
    expect((await call('GET', `/api/users/${ids.users}`)).status).toBe(200);
    // The public ones answer without credentials.
    expect((await call('GET', '/api/health', {})).status).toBe(200);
    expect((await call('POST', '/api/auth/logout', {})).status).toBe(200);
    expect((await call('POST', '/api/auth/login', {}, { token: 'wrong-token-0123456789' })).status).toBe(401);
  });

  it('gives a key holder session 403 on every admin route and its own usage on /api/me', async () => {
    const login = await call('POST', '/api/auth/login', {}, { token: secret });
    expect(login.json()).toEqual({ role: 'keyholder' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    let refused = 0;
    for (const route of routes.filter((r) => !PUBLIC_ADMIN_PATHS.has(r.path) && !KEYHOLDER_PATHS.has(r.path))) {
      const path = fillPath(route.path, ids);
      const res = await fetch(`${hub.url}${path}`, { method: route.method, headers: writeHeaders(route, { cookie }), body: writeBody(route) });
      const text = await res.text();
      expect(res.status, `${route.method} ${path}`).toBe(403);
      expect(errorShapeProblem('admin', text)).toBeNull();
      refused++;
    }
    expect(refused).toBeGreaterThan(25);
    expect((await call('GET', '/api/me', { cookie })).status).toBe(200);
    expect((await call('GET', '/api/auth/session', { cookie })).json()).toEqual({ role: 'keyholder' });
  });
});

describe('secrets at rest, in answers and in logs', () => {
  it('stores no client secret (created, rotated or logged in with), only hashes and display prefixes', async () => {
    const items = await scanTable(hub.services.db);
    expect(items.length).toBeGreaterThan(20);
    const all = JSON.stringify(items);
    expect(leakedSecrets(all, [...clientSecrets, ADMIN_TOKEN])).toEqual([]);
    const current = items.find((i) => i.entity === 'apiKey' && i.id === ids.keys)!;
    expect(current.hash).toBe(sha256Hex(secret));
    expect(current.keyPrefix).toBe(secret.slice(0, 7));
    // The rotated-away secret's hash is gone with it.
    expect(all).not.toContain(sha256Hex(clientSecrets[2]!));
    expect((await call('GET', `/api/users/${ids.users}/keys`)).text).not.toContain('"key"');
  });

  it('shows no provider apiKey in any admin answer (every GET route, for every provider) or proxy answer', async () => {
    const answers: string[] = [];
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const each = route.path.includes('/providers/:') ? providerIds : [ids.providers!];
      for (const providerId of each) {
        const auth = KEYHOLDER_PATHS.has(route.path) ? { authorization: `Bearer ${secret}` } : ADMIN;
        const res = await call('GET', fillPath(route.path, { ...ids, providers: providerId }), auth);
        expect(res.status, route.path).toBe(200);
        answers.push(res.text);
      }
    }
    const provider = await call('PATCH', `/api/providers/${providerIds[0]}`, ADMIN, { apiKey: providerKeys[0], name: 'renamed' });
    answers.push(provider.text, (await call('POST', `/api/providers/${providerIds[0]}/reset-circuit`)).text);
    expect(provider.json().apiKeyHint).toBe(providerKeys[0]!.slice(-4));
    for (const body of [MESSAGE, CODEX_CHAT]) {
      const path = body === MESSAGE ? '/v1/messages' : '/v1/chat/completions';
      answers.push((await (await fetch(`${hub.url}${path}`, { method: 'POST', headers: { 'x-api-key': secret }, body: JSON.stringify(body) })).text()));
    }
    expect(answers.join('\n')).toContain('apiKeyHint');
    expect(leakedSecrets(answers.join('\n'), providerKeys)).toEqual([]);
  });

  it('keeps provider apiKeys out of every log line and every table item but the provider itself', async () => {
    // Requests that fail upstream were made in setup: their chains and errors are in the request logs.
    const logs = (await call('GET', '/api/logs?limit=50')).json().items as { statusCode: number; chain: unknown[] }[];
    expect(logs.some((l) => l.statusCode === 502 && l.chain.length === 3)).toBe(true);
    expect(logger.entries.length).toBeGreaterThan(0);
    expect(leakedSecrets(logger.entries.map((e) => `${e.level} ${e.message} ${deepText(e.extra)}`).join('\n'), providerKeys)).toEqual([]);

    const items = await scanTable(hub.services.db);
    const outside = items.map((item) => {
      const { apiKey, ...rest } = item;
      return item.entity === 'provider' || String(item.PK).startsWith('PROVIDER#') ? { ...rest, apiKeyIsAKey: providerKeys.includes(String(apiKey)) } : item;
    });
    expect(leakedSecrets(JSON.stringify(outside), providerKeys)).toEqual([]);
    // The provider items do hold their keys (the gateway needs them to call upstream).
    expect(outside.filter((i) => i.apiKeyIsAKey === true)).toHaveLength(providerKeys.length);
  });
});

describe('cookie writes from other sites', () => {
  it('refuses every cookie-authenticated write from another origin or a cross-site fetch, and leaves the data alone', async () => {
    const login = await call('POST', '/api/auth/login', {}, { token: ADMIN_TOKEN });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: hub.url.replace(/:\d+$/, ':1') },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site', origin: hub.url },
    ];
    const writes = routes.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/auth/'));
    expect(writes.length).toBeGreaterThan(10);
    for (const route of writes) {
      for (const headers of crossSite) {
        const path = fillPath(route.path, ids);
        const res = await fetch(`${hub.url}${path}`, { method: route.method, headers: { ...JSON_TYPE, cookie, ...headers }, body: '{"name":"csrf"}' });
        expect(res.status, `${route.method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(errorShapeProblem('admin', await res.text())).toBeNull();
      }
    }
    expect((await call('GET', `/api/users/${ids.users}`, { cookie })).json().name).toBe('sec-user');
    const stillWorks = await fetch(`${hub.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-api-key': secret }, body: JSON.stringify(CODEX_CHAT) });
    expect(stillWorks.status).toBe(200);
    await stillWorks.text();

    // Same-origin browsers and non-browser clients (no Origin, no Sec-Fetch-Site) pass.
    for (const headers of [{ origin: hub.url }, { 'sec-fetch-site': 'same-origin' }, {}] as Record<string, string>[]) {
      expect((await call('POST', '/api/users', { cookie, ...headers }, { name: 'same-origin' })).status).toBe(201);
    }
  });
});

describe('dashboard and session cookie', () => {
  it('sends CSP with frame-ancestors none, nosniff and X-Frame-Options on every page, the 404 page and config.json', async () => {
    const pages = ['/', '/login/', '/logs/', '/providers/', '/me/', '/no-such-page', '/config.json', '/_astro/no-such.js'];
    for (const page of pages) {
      const res = await fetch(`${hub.url}${page}`);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, page).toContain("frame-ancestors 'none'");
      expect(csp, page).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options'), page).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), page).toBe('DENY');
    }
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, and Secure behind HTTPS', async () => {
    for (const token of [ADMIN_TOKEN, secret]) {
      const plain = (await call('POST', '/api/auth/login', {}, { token })).headers.get('set-cookie') ?? '';
      expect(plain).toMatch(/^codehub_session=/);
      expect(plain).toMatch(/;\s*HttpOnly/i);
      expect(plain).toMatch(/;\s*SameSite=Strict/i);
      expect(plain).toMatch(/;\s*Path=\//i);
      expect(plain).not.toMatch(/;\s*Secure/i);
      const https = (await call('POST', '/api/auth/login', { 'x-forwarded-proto': 'https' }, { token })).headers.get('set-cookie') ?? '';
      expect(https).toMatch(/;\s*Secure/i);
      expect(https).toMatch(/;\s*HttpOnly/i);
    }
  });
});

describe('failed authentication, throttled per source address', () => {
  const LIMIT = 3;
  const clock = { now: Date.parse('2026-03-02T10:00:00.000Z') };
  let tb: RunningHub;
  let key = '';
  const from = (ip: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    requestFrom(ip, `${tb.url}${path}`, { method, headers: body === undefined ? headers : { ...JSON_TYPE, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const expect429 = (res: SimpleResponse, format: 'admin' | 'anthropic' | 'openai') => {
    expect(res.status).toBe(429);
    const wait = Number(res.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(errorShapeProblem(format, res.text)).toBeNull();
    expect(res.text).toMatch(/too many/);
  };

  beforeAll(async () => {
    tb = await startHub({ config: testConfig({ port: 0, adminToken: ADMIN_TOKEN, authFailuresPerMinute: LIMIT }), inMemory: true, now: () => clock.now });
    const user = JSON.parse((await from('127.0.0.1', 'POST', '/api/users', ADMIN, { name: 'throttled' })).text) as { id: string };
    key = (JSON.parse((await from('127.0.0.1', 'POST', `/api/users/${user.id}/keys`, ADMIN, {})).text) as { key: string }).key;
    await from('127.0.0.1', 'POST', '/api/providers', ADMIN, { name: 'c', type: 'claude', baseUrl: good.url, apiKey: 'sk-up-c' });
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('answers a clear 429 with Retry-After to admin logins after the configured number of failures, from that address only', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await from('127.0.0.2', 'POST', '/api/auth/login', {}, { token: `wrong-token-${i}-0123456789` })).status).toBe(401);
    expect429(await from('127.0.0.2', 'POST', '/api/auth/login', {}, { token: 'wrong-token-x-0123456789' }), 'admin');
    // Even the right token waits: the address is blocked, not the guess.
    expect429(await from('127.0.0.2', 'POST', '/api/auth/login', {}, { token: ADMIN_TOKEN }), 'admin');
    expect((await from('127.0.0.3', 'POST', '/api/auth/login', {}, { token: ADMIN_TOKEN })).status).toBe(200);
    clock.now += 61_000;
    expect((await from('127.0.0.2', 'POST', '/api/auth/login', {}, { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it('throttles wrong admin Bearer tokens the same way', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await from('127.0.0.4', 'GET', '/api/users', { authorization: `Bearer wrong-${i}` })).status).toBe(401);
    expect429(await from('127.0.0.4', 'GET', '/api/users', ADMIN), 'admin');
    expect((await from('127.0.0.5', 'GET', '/api/users', ADMIN)).status).toBe(200);
  });

  it('throttles unknown client keys on the proxy, answering in each client format', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await from('127.0.0.6', 'POST', '/v1/messages', { 'x-api-key': `sk-unknown${i}${'a'.repeat(40)}` }, MESSAGE);
      expect(res.status).toBe(401);
      expect(errorShapeProblem('anthropic', res.text)).toBeNull();
    }
    expect429(await from('127.0.0.6', 'POST', '/v1/messages', { 'x-api-key': key }, MESSAGE), 'anthropic');
    expect429(await from('127.0.0.6', 'POST', '/v1/chat/completions', { authorization: `Bearer ${key}` }, CODEX_CHAT), 'openai');
    expect((await from('127.0.0.7', 'POST', '/v1/messages', { 'x-api-key': key }, MESSAGE)).status).toBe(200);
    clock.now += 61_000;
    expect((await from('127.0.0.6', 'POST', '/v1/messages', { 'x-api-key': key }, MESSAGE)).status).toBe(200);
  });

  it('defaults to 20 failures a minute (AUTH_FAILURES_PER_MINUTE), configurable', () => {
    expect(testConfig().authFailuresPerMinute).toBe(20);
    expect(loadConfig({ AUTH_FAILURES_PER_MINUTE: '5' }).authFailuresPerMinute).toBe(5);
  });
});

describe('origin check behind the custom domain (originVerifySecret)', () => {
  const ORIGIN_SECRET = 'cf-origin-verify-secret-0123456789';
  let ov: RunningHub;
  let key = '';

  beforeAll(async () => {
    ov = await startHub({ config: testConfig({ port: 0, adminToken: ADMIN_TOKEN, originVerifySecret: ORIGIN_SECRET }), inMemory: true });
    const user = (await (await fetch(`${ov.url}/api/users`, { method: 'POST', headers: { ...ADMIN, ...JSON_TYPE }, body: '{"name":"ov"}' })).json()) as { id: string };
    key = ((await (await fetch(`${ov.url}/api/users/${user.id}/keys`, { method: 'POST', headers: { ...ADMIN, ...JSON_TYPE }, body: '{}' })).json()) as { key: string }).key;
    const provider = { name: 'c', type: 'claude', baseUrl: good.url, apiKey: 'sk-up-c' };
    expect((await fetch(`${ov.url}/api/providers`, { method: 'POST', headers: { ...ADMIN, ...JSON_TYPE }, body: JSON.stringify(provider) })).status).toBe(201);
  });
  afterAll(async () => {
    await ov?.stop();
  });

  it('refuses proxy requests without the header, or with a wrong one, with a 403 in the client format', async () => {
    const cases = [
      { method: 'POST', path: '/v1/messages', format: 'anthropic', headers: {} },
      { method: 'POST', path: '/v1/messages/count_tokens', format: 'anthropic', headers: {} },
      { method: 'POST', path: '/v1/chat/completions', format: 'openai', headers: {} },
      { method: 'POST', path: '/v1/responses', format: 'openai', headers: {} },
      { method: 'GET', path: '/v1/models', format: 'openai', headers: {} },
      { method: 'GET', path: '/v1/models', format: 'anthropic', headers: { 'anthropic-version': '2023-06-01' } },
    ] as const;
    for (const c of cases) {
      for (const [who, extra] of [['no header', {}], ['wrong header', { 'x-origin-verify': 'guess' }], ['no key either', null]] as const) {
        const headers: Record<string, string> = { ...c.headers, ...(extra ?? {}), ...(extra === null ? {} : { 'x-api-key': key }) };
        const res = await fetch(`${ov.url}${c.path}`, { method: c.method, headers, body: c.method === 'POST' ? JSON.stringify(MESSAGE) : undefined });
        const text = await res.text();
        expect(res.status, `${c.path} ${who}`).toBe(403);
        expect(errorShapeProblem(c.format, text), `${c.path} ${who}`).toBeNull();
        expect(text).toContain('permission_error');
      }
    }
  });

  it('passes requests carrying the secret, and leaves the admin API alone', async () => {
    const headers = { 'x-origin-verify': ORIGIN_SECRET, 'x-api-key': key };
    const res = await fetch(`${ov.url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(MESSAGE) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { type: string }).type).toBe('message');
    expect((await fetch(`${ov.url}/v1/models`, { headers })).status).toBe(200);
    expect((await fetch(`${ov.url}/api/health`)).status).toBe(200);
  });
});
