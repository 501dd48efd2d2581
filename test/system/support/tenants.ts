// Seeding a running gateway for system tests: prices, users with keys and providers written through
// its services (one provider group per scenario keeps scenarios apart), and request helpers.
import type { Services } from '../../../functions/shared/services.js';
import type { ProviderInput } from '../../../functions/shared/db/repos/providers.js';
import type { UserInput } from '../../../functions/shared/db/repos/users.js';
import type { ApiKeyInput } from '../../../functions/shared/db/repos/api-keys.js';
import type { Price, RequestLog, User } from '../../../functions/shared/types.js';
import { keyInput, providerInput, userInput } from '../../support/inputs.js';
import { SONNET_PRICE } from '../../support/proxy-testbed.js';

export const SONNET = 'claude-sonnet-4-5';
export const GPT = 'gpt-4.1';

export const GPT_PRICE: Price = {
  ...SONNET_PRICE,
  model: GPT,
  inputPerMTokUsd: 2,
  outputPerMTokUsd: 8,
  cacheWrite5mPerMTokUsd: null,
  cacheWrite1hPerMTokUsd: null,
  cacheReadPerMTokUsd: 0.5,
  inputAbove200kPerMTokUsd: null,
  outputAbove200kPerMTokUsd: null,
  cacheWrite5mAbove200kPerMTokUsd: null,
  cacheReadAbove200kPerMTokUsd: null,
};

export interface Tenant {
  user: User;
  userId: string;
  keyId: string;
  secret: string;
}

export async function seedPrices(services: Services, prices: Price[] = [SONNET_PRICE, GPT_PRICE]): Promise<void> {
  for (const price of prices) await services.prices.put(price);
}

export async function createUser(services: Services, input: Partial<UserInput> = {}): Promise<User> {
  return services.users.create(userInput(input));
}

export async function createKey(services: Services, user: User, input: Partial<ApiKeyInput> = {}): Promise<Tenant> {
  const key = await services.apiKeys.create(user.id, keyInput(input));
  return { user, userId: user.id, keyId: key.id, secret: key.key };
}

export async function createTenant(services: Services, user: Partial<UserInput> = {}, key: Partial<ApiKeyInput> = {}): Promise<Tenant> {
  return createKey(services, await createUser(services, user), key);
}

export async function createProvider(services: Services, baseUrl: string, overrides: Partial<ProviderInput> = {}): Promise<string> {
  return (await services.providers.create(providerInput(baseUrl, overrides))).id;
}

/** The limits of a user in the shape `limiter.usage` takes. */
export function userLimits(user: User) {
  const { rpmLimit, concurrentSessions, limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd } = user;
  return { rpmLimit, concurrentSessions, limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd };
}

/** Every log item of a key (all pages, bounded). */
export async function logsOfKey(services: Services, keyId: string): Promise<RequestLog[]> {
  const items: RequestLog[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await services.logs.query({ keyId, limit: 200, cursor });
    items.push(...out.items);
    if (!out.nextCursor) return items;
    cursor = out.nextCursor;
  }
  throw new Error(`more than 100 pages of logs for key ${keyId}`);
}

/** A Claude Code style body: the session id travels in metadata.user_id. */
export function messagesBody(session: string, options: { stream?: boolean; model?: string; text?: string } = {}): string {
  return JSON.stringify({
    model: options.model ?? SONNET,
    max_tokens: 1024,
    stream: options.stream ?? false,
    messages: [{ role: 'user', content: options.text ?? `hello from ${session}` }],
    metadata: { user_id: JSON.stringify({ device_id: 'dev-1', account_uuid: '', session_id: session }) },
  });
}

export function postMessages(baseUrl: string, secret: string, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': secret, 'anthropic-version': '2023-06-01' },
    body,
    signal,
  });
}

export function postChat(baseUrl: string, secret: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify(body),
    signal,
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined, at most `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
