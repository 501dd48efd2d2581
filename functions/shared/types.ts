// Domain types shared by the proxy, the admin API, the limits and routing code.

export type ProviderType = 'claude' | 'claude-auth' | 'codex' | 'openai-compatible';
export const PROVIDER_TYPES: readonly ProviderType[] = ['claude', 'claude-auth', 'codex', 'openai-compatible'];

/** Spend limits in USD; null = no limit. */
export interface SpendLimits {
  limit5hUsd: number | null;
  dailyLimitUsd: number | null;
  limitWeeklyUsd: number | null;
  limitMonthlyUsd: number | null;
  limitTotalUsd: number | null;
}

export interface User extends SpendLimits {
  id: string;
  name: string;
  note: string;
  enabled: boolean;
  providerGroup: string;
  allowedModels: string[];
  rpmLimit: number | null;
  concurrentSessions: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey extends SpendLimits {
  id: string;
  userId: string;
  name: string;
  keyPrefix: string;
  enabled: boolean;
  expiresAt: string | null;
  concurrentSessions: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface CircuitState {
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  openUntil: string | null;
}

export interface Provider {
  id: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  enabled: boolean;
  priority: number;
  weight: number;
  groupTag: string;
  modelRedirects: Record<string, string>;
  allowedModels: string[];
  costMultiplier: number;
  limit5hUsd: number | null;
  limitWeeklyUsd: number | null;
  limitMonthlyUsd: number | null;
  concurrentSessions: number | null;
  timeoutMs: number;
  /** Consecutive failures that open the circuit (default 5). */
  circuitFailureThreshold: number;
  /** How long an open circuit stays open, ms (default 60000). */
  circuitOpenMs: number;
  apiKeyHint: string;
  createdAt: string;
  updatedAt: string;
}

/** Provider as stored, with its write-only upstream secret. Never leaves the server. */
export interface ProviderWithSecret extends Provider {
  apiKey: string;
}

/** Prices in USD per million tokens. */
export interface Price {
  model: string;
  inputPerMTokUsd: number;
  outputPerMTokUsd: number;
  cacheWrite5mPerMTokUsd: number | null;
  cacheWrite1hPerMTokUsd: number | null;
  cacheReadPerMTokUsd: number | null;
  /** Long-context rates (LiteLLM `*_above_200k_tokens`), applied to every token when the prompt exceeds 200k. */
  inputAbove200kPerMTokUsd?: number | null;
  outputAbove200kPerMTokUsd?: number | null;
  cacheWrite5mAbove200kPerMTokUsd?: number | null;
  cacheWrite1hAbove200kPerMTokUsd?: number | null;
  cacheReadAbove200kPerMTokUsd?: number | null;
  source: 'manual' | 'litellm';
  /** SHA-256 of the synced document this price came from, or 'manual'. */
  version: string;
  updatedAt: string;
}

/** Token usage normalised to disjoint counts (Anthropic semantics). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadInputTokens: number;
  reasoningTokens: number;
}

export type ChainReason =
  | 'initial_pick'
  | 'session_reuse'
  | 'failover'
  | 'circuit_probe';

export interface ChainEntry {
  providerId: string;
  providerName: string;
  attempt: number;
  reason: ChainReason | string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export type Endpoint = 'messages' | 'count_tokens' | 'chat_completions' | 'responses' | 'models';

export interface RequestLog {
  id: string;
  createdAt: string;
  userId: string | null;
  keyId: string | null;
  providerId: string | null;
  providerName: string | null;
  endpoint: Endpoint;
  model: string | null;
  upstreamModel: string | null;
  stream: boolean;
  statusCode: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadInputTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  /** Breakdown of costUsd by token kind (USD), null when unpriced. */
  costBreakdown: CostBreakdown | null;
  priceVersion: string | null;
  durationMs: number;
  ttfbMs: number | null;
  sessionId: string | null;
  userAgent: string | null;
  error: string | null;
  chain: ChainEntry[];
  /** Why providers were left out of the candidate list: providerId → reason. */
  filtered: Record<string, string>;
}

export interface CostBreakdown {
  inputUsd: number;
  outputUsd: number;
  cacheWrite5mUsd: number;
  cacheWrite1hUsd: number;
  cacheReadUsd: number;
  multiplier: number;
  longContext: boolean;
}
