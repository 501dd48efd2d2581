// Routing test harness: a proxy testbed with named providers, each on its own fake upstream.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createAdminApp } from '../../../functions/admin/app.js';
import type { ProviderInput } from '../../../functions/shared/db/repos/providers.js';
import { jsonReply, startFakeUpstream, type FakeUpstream, type UpstreamHandler } from '../../support/fake-upstream.js';
import { startProxyTestbed, type ProxyTestbed } from '../../support/proxy-testbed.js';
import { TEST_ADMIN_TOKEN } from '../../support/store.js';

const here = dirname(fileURLToPath(import.meta.url));
export const fixture = (name: string) => readFileSync(resolve(here, '../../fixtures/anthropic', name), 'utf8');
export const OK_BODY = fixture('body-cache.json');
export const okReply = (): UpstreamHandler => jsonReply(OK_BODY);

export interface RoutedProvider {
  id: string;
  name: string;
  upstream: FakeUpstream;
}

export interface RoutingBed {
  bed: ProxyTestbed;
  /** Adds a provider named `name` served by a fresh fake upstream (answers OK until told otherwise). */
  provider(name: string, overrides?: Partial<ProviderInput>, handler?: UpstreamHandler): Promise<RoutedProvider>;
  /** Without a body, each call is a new conversation (its own session), so stickiness stays out of it. */
  post(body?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  /** The request's log item, after the settle queue has run. */
  logOf(res: Response): Promise<NonNullable<Awaited<ReturnType<ProxyTestbed['services']['logs']['get']>>>>;
  /**
   * The admin API on the same services; `onChange` invalidates the proxy's router like start.ts
   * does. `body` is `any` so tests can assert fields without casts.
   */
  admin(options?: { wired?: boolean }): (method: string, path: string) => Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export function messagesBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

/** A Claude Code request body of session `sessionId` (metadata.user_id is a JSON string). */
export function claudeCodeBody(sessionId: string, text = 'hi'): Record<string, unknown> {
  return messagesBody({
    messages: [{ role: 'user', content: text }],
    metadata: { user_id: JSON.stringify({ device_id: 'dev-1', account_uuid: '', session_id: sessionId }) },
  });
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

export async function startRoutingBed(options: Parameters<typeof startProxyTestbed>[0] = {}): Promise<RoutingBed> {
  const bed = await startProxyTestbed({ ...options, provider: null });
  const upstreams: FakeUpstream[] = [];
  let conversations = 0;
  return {
    bed,
    async provider(name, overrides = {}, handler = okReply()) {
      const upstream = await startFakeUpstream(handler);
      upstreams.push(upstream);
      const id = await bed.addProvider({ name, baseUrl: upstream.url, ...overrides });
      return { id, name, upstream };
    },
    post(body = messagesBody({ messages: [{ role: 'user', content: `conversation ${++conversations}` }] }), headers = {}) {
      return fetch(`${bed.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': bed.secret, 'anthropic-version': '2023-06-01', ...headers },
        body: JSON.stringify(body),
      });
    },
    async logOf(res) {
      const id = res.headers.get('x-request-id');
      expect(id).toBeTruthy();
      await bed.deps.settle.drain(5000);
      const log = await bed.services.logs.get(id!);
      expect(log).toBeTruthy();
      return log!;
    },
    admin({ wired = true } = {}) {
      const app = createAdminApp(bed.services, {
        adminToken: TEST_ADMIN_TOKEN,
        onChange: wired ? () => bed.deps.router.invalidate() : undefined,
      });
      return async (method, path) => {
        const res = await app.request(path, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
        return { status: res.status, body: await res.json() };
      };
    },
    async close() {
      await bed.close();
      await Promise.all(upstreams.map((u) => u.close()));
    },
  };
}
