// Client for the admin API (/api on the same origin, session cookie): one function per endpoint the dashboard uses.
import { apiErrorFrom } from './api-error.js';
import type {
  ApiKey, CreatedKey, KeyInput, KeyPatch, LeaderboardBy, LeaderboardItem, LeaderboardPeriod, LogPage, LogQuery,
  MeReport, Price, PriceInput, PriceSyncResult, ProviderInput, ProviderView, RequestLog, Role, SessionView,
  StatsSummary, UsageReport, User, UserInput,
} from './types.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const res = await fetch(path, init);
  if (!res.ok) throw await apiErrorFrom(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

function query(params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return s ? `?${s}` : '';
}

const id = encodeURIComponent;

export const api = {
  login: (token: string) => call<{ role: Role }>('POST', '/api/auth/login', { token }),
  logout: () => call<unknown>('POST', '/api/auth/logout'),
  session: () => call<{ role: Role }>('GET', '/api/auth/session'),

  listUsers: () => call<User[] | { items: User[] }>('GET', '/api/users').then(itemsOf),
  getUser: (userId: string) => call<User>('GET', `/api/users/${id(userId)}`),
  createUser: (input: UserInput) => call<User>('POST', '/api/users', input),
  updateUser: (userId: string, patch: Partial<UserInput>) => call<User>('PATCH', `/api/users/${id(userId)}`, patch),
  deleteUser: (userId: string) => call<unknown>('DELETE', `/api/users/${id(userId)}`),
  userUsage: (userId: string) => call<UsageReport>('GET', `/api/users/${id(userId)}/usage`),

  listKeys: (userId: string) => call<ApiKey[] | { items: ApiKey[] }>('GET', `/api/users/${id(userId)}/keys`).then(itemsOf),
  createKey: (userId: string, input: KeyInput) => call<CreatedKey>('POST', `/api/users/${id(userId)}/keys`, input),
  updateKey: (keyId: string, patch: KeyPatch) => call<ApiKey>('PATCH', `/api/keys/${id(keyId)}`, patch),
  deleteKey: (keyId: string) => call<unknown>('DELETE', `/api/keys/${id(keyId)}`),
  rotateKey: (keyId: string) => call<CreatedKey>('POST', `/api/keys/${id(keyId)}/rotate`),
  keyUsage: (keyId: string) => call<UsageReport>('GET', `/api/keys/${id(keyId)}/usage`),

  listProviders: () => call<ProviderView[] | { items: ProviderView[] }>('GET', '/api/providers').then(itemsOf),
  createProvider: (input: ProviderInput) => call<ProviderView>('POST', '/api/providers', input),
  updateProvider: (providerId: string, patch: Partial<ProviderInput>) =>
    call<ProviderView>('PATCH', `/api/providers/${id(providerId)}`, patch),
  deleteProvider: (providerId: string) => call<unknown>('DELETE', `/api/providers/${id(providerId)}`),
  resetCircuit: (providerId: string) => call<unknown>('POST', `/api/providers/${id(providerId)}/reset-circuit`),

  listPrices: (model?: string) => call<Price[] | { items: Price[] }>('GET', `/api/prices${query({ model })}`).then(itemsOf),
  putPrice: (model: string, input: PriceInput) => call<Price>('PUT', `/api/prices/${id(model)}`, input),
  deletePrice: (model: string) => call<unknown>('DELETE', `/api/prices/${id(model)}`),
  syncPrices: (url?: string) => call<PriceSyncResult>('POST', '/api/prices/sync', url ? { url } : {}),
  lastPriceSync: () => call<PriceSyncResult | null>('GET', '/api/prices/sync'),

  listLogs: (q: LogQuery) => call<LogPage>('GET', `/api/logs${query({ ...q })}`),
  getLog: (logId: string) => call<RequestLog>('GET', `/api/logs/${id(logId)}`),
  listSessions: () => call<SessionView[] | { items: SessionView[] }>('GET', '/api/sessions').then(itemsOf),
  summary: (from: string, to: string) => call<StatsSummary>('GET', `/api/stats/summary${query({ from, to })}`),
  leaderboard: (period: LeaderboardPeriod, by: LeaderboardBy, date: string) =>
    call<{ items: LeaderboardItem[] }>('GET', `/api/stats/leaderboard${query({ period, by, date })}`).then(itemsOf),

  me: () => call<MeReport>('GET', '/api/me'),
};

/** Lists may arrive bare or wrapped in `{items}`; the dashboard wants the array either way. */
function itemsOf<T>(body: T[] | { items: T[] }): T[] {
  return Array.isArray(body) ? body : body.items;
}
