// Admin API test harness: the real admin app on a fresh table of the in-memory embedded store.
import { createAdminApp, type AdminAppOptions } from '../../../functions/admin/app.js';
import type { HubConfig } from '../../../functions/shared/config.js';
import { createTestContext, TEST_ADMIN_TOKEN, type TestContext } from '../../support/store.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON (text when not JSON); `any` so tests can assert fields without casts. */
  body: any;
}

export interface CallOptions {
  /** Omit the admin bearer token (default: sent). */
  auth?: false | string;
  headers?: Record<string, string>;
  /** A raw body string (e.g. malformed JSON) instead of JSON.stringify(body). */
  raw?: string;
  /** The Hono env: `{ incoming: { socket: { remoteAddress } } }` sets the client IP. */
  env?: unknown;
}

export interface AdminHarness extends TestContext {
  app: ReturnType<typeof createAdminApp>;
  call(method: string, path: string, body?: unknown, options?: CallOptions): Promise<ApiResponse>;
}

export const fromIp = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

export async function createAdminHarness(
  options: { config?: Partial<HubConfig>; app?: Partial<AdminAppOptions> } = {},
): Promise<AdminHarness> {
  const ctx = await createTestContext({ config: options.config });
  const app = createAdminApp(ctx.services, { adminToken: TEST_ADMIN_TOKEN, ...options.app });
  const call: AdminHarness['call'] = async (method, path, body, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const auth = opts.auth === undefined ? TEST_ADMIN_TOKEN : opts.auth;
    if (auth) headers.authorization = `Bearer ${auth}`;
    let payload: string | undefined = opts.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await app.request(path, { method, headers, body: payload }, opts.env);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Non-JSON bodies stay text so a test can show them.
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return { ...ctx, app, call };
}

export const USER_BODY = {
  name: 'alice',
  note: '',
  enabled: true,
  providerGroup: 'default',
  allowedModels: [],
  rpmLimit: 60,
  dailyLimitUsd: 100,
  limit5hUsd: null,
  limitWeeklyUsd: null,
  limitMonthlyUsd: null,
  limitTotalUsd: null,
  concurrentSessions: null,
};

export const KEY_BODY = {
  name: 'laptop',
  expiresAt: null,
  dailyLimitUsd: null,
  limit5hUsd: null,
  limitWeeklyUsd: null,
  limitMonthlyUsd: null,
  limitTotalUsd: null,
  concurrentSessions: null,
};

export const PROVIDER_BODY = {
  name: 'anthropic-main',
  type: 'claude',
  baseUrl: 'https://api.anthropic.com',
  apiKey: 'sk-ant-upstream-secret-WXYZ',
  enabled: true,
  priority: 0,
  weight: 1,
  groupTag: 'default',
  modelRedirects: { 'claude-opus-4-5': 'claude-sonnet-4-5' },
  allowedModels: [],
  costMultiplier: 1,
  limit5hUsd: null,
  limitWeeklyUsd: null,
  limitMonthlyUsd: null,
  concurrentSessions: null,
  timeoutMs: 600000,
};

export const PRICE_BODY = {
  inputPerMTokUsd: 3,
  outputPerMTokUsd: 15,
  cacheWrite5mPerMTokUsd: 3.75,
  cacheWrite1hPerMTokUsd: 6,
  cacheReadPerMTokUsd: 0.3,
  source: 'manual',
};
