// Client for the admin API (/api on the same origin, session cookie). Paths, params and bodies are
// checked against the admin app's own route types (`hc<AdminApp>`); each function returns the
// dashboard's view of the answer, so a drift between the two fails the type check.
import { hc } from 'hono/client';
import type { AdminApp } from '../../../functions/admin/app.js';
import { apiErrorFrom, type ErrorResponse } from './api-error.js';
import type {
  ApiKey, CreatedKey, KeyInput, KeyPatch, LeaderboardBy, LeaderboardItem, LeaderboardPeriod, LogPage, LogQuery,
  MeReport, Price, PriceInput, PriceSyncResult, ProviderCreate, ProviderPatch, ProviderView, RequestLog, Role, SessionView,
  StatsSummary, UsageReport, User, UserInput,
} from './types.js';

const client = hc<AdminApp>('/', { init: { credentials: 'same-origin' } });
const api_ = client.api;

interface JsonResponse<T> extends ErrorResponse {
  ok: boolean;
  json(): Promise<T>;
}

/** Awaits a typed call and returns its body, or throws the API's error (message + per-field reasons). */
async function unwrap<T>(pending: Promise<JsonResponse<T>>): Promise<T> {
  const res = await pending;
  if (!res.ok) throw await apiErrorFrom(res);
  return res.json();
}

/** Path segments are percent-encoded: model names contain `/` and `:`. */
const seg = encodeURIComponent;

export const api = {
  login: (token: string): Promise<{ role: Role }> => unwrap(api_.auth.login.$post({ json: { token } })),
  logout: (): Promise<unknown> => unwrap(api_.auth.logout.$post()),
  session: (): Promise<{ role: Role }> => unwrap(api_.auth.session.$get()),

  listUsers: async (): Promise<User[]> => (await unwrap(api_.users.$get())).items,
  getUser: (id: string): Promise<User> => unwrap(api_.users[':id'].$get({ param: { id: seg(id) } })),
  createUser: (input: UserInput): Promise<User> => unwrap(api_.users.$post({ json: input })),
  updateUser: (id: string, patch: Partial<UserInput>): Promise<User> =>
    unwrap(api_.users[':id'].$patch({ param: { id: seg(id) }, json: patch })),
  deleteUser: (id: string): Promise<unknown> => unwrap(api_.users[':id'].$delete({ param: { id: seg(id) } })),
  userUsage: (id: string): Promise<UsageReport> => unwrap(api_.users[':id'].usage.$get({ param: { id: seg(id) } })),

  listKeys: async (userId: string): Promise<ApiKey[]> =>
    (await unwrap(api_.users[':id'].keys.$get({ param: { id: seg(userId) } }))).items,
  createKey: (userId: string, input: KeyInput): Promise<CreatedKey> =>
    unwrap(api_.users[':id'].keys.$post({ param: { id: seg(userId) }, json: input })),
  updateKey: (id: string, patch: KeyPatch): Promise<ApiKey> =>
    unwrap(api_.keys[':id'].$patch({ param: { id: seg(id) }, json: patch })),
  deleteKey: (id: string): Promise<unknown> => unwrap(api_.keys[':id'].$delete({ param: { id: seg(id) } })),
  rotateKey: (id: string): Promise<CreatedKey> => unwrap(api_.keys[':id'].rotate.$post({ param: { id: seg(id) } })),
  keyUsage: (id: string): Promise<UsageReport> => unwrap(api_.keys[':id'].usage.$get({ param: { id: seg(id) } })),

  listProviders: async (): Promise<ProviderView[]> => (await unwrap(api_.providers.$get())).items,
  createProvider: (input: ProviderCreate): Promise<ProviderView> => unwrap(api_.providers.$post({ json: input })),
  updateProvider: (id: string, patch: ProviderPatch): Promise<ProviderView> =>
    unwrap(api_.providers[':id'].$patch({ param: { id: seg(id) }, json: patch })),
  deleteProvider: (id: string): Promise<unknown> => unwrap(api_.providers[':id'].$delete({ param: { id: seg(id) } })),
  resetCircuit: (id: string): Promise<ProviderView> =>
    unwrap(api_.providers[':id']['reset-circuit'].$post({ param: { id: seg(id) } })),

  listPrices: async (model?: string): Promise<Price[]> =>
    (await unwrap(api_.prices.$get({ query: model ? { model } : {} }))).items,
  putPrice: (model: string, input: PriceInput): Promise<Price> =>
    unwrap(api_.prices[':model{.+}'].$put({ param: { model: seg(model) }, json: input })),
  deletePrice: (model: string): Promise<unknown> => unwrap(api_.prices[':model{.+}'].$delete({ param: { model: seg(model) } })),
  syncPrices: (url?: string): Promise<PriceSyncResult> => unwrap(api_.prices.sync.$post({ json: url ? { url } : {} })),
  lastPriceSync: (): Promise<PriceSyncResult | null> => unwrap(api_.prices.sync.$get()),

  listLogs: (q: LogQuery): Promise<LogPage> => unwrap(api_.logs.$get({ query: q })),
  getLog: (id: string): Promise<RequestLog> => unwrap(api_.logs[':id'].$get({ param: { id: seg(id) } })),
  listSessions: async (): Promise<SessionView[]> => (await unwrap(api_.sessions.$get())).items,
  summary: (from: string, to: string): Promise<StatsSummary> => unwrap(api_.stats.summary.$get({ query: { from, to } })),
  leaderboard: async (period: LeaderboardPeriod, by: LeaderboardBy, date: string): Promise<LeaderboardItem[]> =>
    (await unwrap(api_.stats.leaderboard.$get({ query: { period, by, date } }))).items,

  me: (): Promise<MeReport> => unwrap(api_.me.$get()),
};
