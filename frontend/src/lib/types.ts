// Shapes the dashboard reads from and writes to /api (CONTRACT.md §3), built on the shared domain types.
import type {
  ApiKey, ChainEntry, CircuitState, CostBreakdown, Price, Provider, ProviderType, RequestLog, User,
} from '../../../functions/shared/types.js';

export type { ApiKey, ChainEntry, CircuitState, CostBreakdown, Price, Provider, ProviderType, RequestLog, User };

export type Role = 'admin' | 'keyholder';

export interface ProviderView extends Provider {
  circuit: CircuitState;
}

/** Writable provider fields besides the write-only upstream `apiKey`. */
export type ProviderFields = Omit<Provider, 'id' | 'createdAt' | 'updatedAt' | 'apiKeyHint'>;

export type ProviderCreate = ProviderFields & { apiKey: string };

/** On edit, a missing `apiKey` keeps the stored one. */
export type ProviderPatch = Partial<ProviderCreate>;

export type UserInput = Omit<User, 'id' | 'createdAt' | 'updatedAt'>;

export type KeyInput = Pick<ApiKey,
  'name' | 'expiresAt' | 'dailyLimitUsd' | 'limit5hUsd' | 'limitWeeklyUsd' | 'limitMonthlyUsd' | 'limitTotalUsd' | 'concurrentSessions'>;

export type KeyPatch = Partial<KeyInput & { enabled: boolean }>;

/** A key as returned once on creation or rotation, with its secret. */
export interface CreatedKey extends ApiKey {
  key: string;
}

export type PriceInput = Omit<Price, 'model' | 'source' | 'version' | 'updatedAt'>;

export interface PriceSyncResult {
  models: number;
  updated: number;
  source: string;
  sha256: string;
  syncedAt?: string;
}

export type WindowName = '5h' | 'daily' | 'weekly' | 'monthly' | 'total';

export interface UsageWindow {
  scope?: 'user' | 'key';
  window: WindowName;
  limitUsd: number | null;
  usedUsd: number;
  resetsAt: string | null;
}

export interface UsageReport {
  windows: UsageWindow[];
  rpm: { limit: number | null; used: number };
  activeSessions: { limit: number | null; used: number };
}

/** The key holder's own user: its limits, without admin-only fields (note, provider group). */
export type MeUser = Pick<User, 'id' | 'name' | 'allowedModels' | 'rpmLimit' | 'concurrentSessions' | 'limit5hUsd'
  | 'dailyLimitUsd' | 'limitWeeklyUsd' | 'limitMonthlyUsd' | 'limitTotalUsd'>;

/** What a key holder sees of one of its requests (no providers or routing detail). */
export type RecentRequest = Pick<RequestLog, 'id' | 'createdAt' | 'endpoint' | 'model' | 'stream' | 'statusCode'
  | 'inputTokens' | 'outputTokens' | 'cacheCreationInputTokens' | 'cacheReadInputTokens' | 'costUsd' | 'durationMs'
  | 'sessionId' | 'error'>;

export interface MeReport {
  key: ApiKey;
  user: MeUser;
  /** Key windows and user windows, told apart by `scope`. */
  windows: UsageWindow[];
  rpm?: UsageReport['rpm'];
  activeSessions?: UsageReport['activeSessions'] & { scope?: string };
  recent: RecentRequest[];
}

export interface LogQuery {
  userId?: string;
  keyId?: string;
  providerId?: string;
  model?: string;
  status?: string;
  sessionId?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

export interface LogPage {
  items: RequestLog[];
  nextCursor: string | null;
}

export interface SessionView {
  sessionId: string;
  keyId: string;
  userId: string;
  providerId: string;
  lastSeenAt: string;
  requests: number;
}

export interface SummarySeriesPoint {
  t: string;
  requests: number;
  costUsd: number;
}

export interface StatsSummary {
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
  series: SummarySeriesPoint[];
}

export type LeaderboardPeriod = 'daily' | 'monthly';
export type LeaderboardBy = 'user' | 'key' | 'provider' | 'model';

export interface LeaderboardItem {
  id: string;
  name: string;
  requests: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface FieldErrors {
  [field: string]: string;
}
