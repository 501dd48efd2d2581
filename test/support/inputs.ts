// Complete create-inputs for users, keys and providers with no limits, for tests to override.
import type { ApiKeyInput } from '../../functions/shared/db/repos/api-keys.js';
import type { ProviderInput } from '../../functions/shared/db/repos/providers.js';
import type { UserInput } from '../../functions/shared/db/repos/users.js';

/** The limits users and keys both have, all off. */
const NO_LIMITS = {
  concurrentSessions: null,
  limit5hUsd: null,
  dailyLimitUsd: null,
  limitWeeklyUsd: null,
  limitMonthlyUsd: null,
  limitTotalUsd: null,
} as const;

export function userInput(overrides: Partial<UserInput> = {}): UserInput {
  return { name: 'user', note: '', enabled: true, providerGroup: 'default', allowedModels: [], rpmLimit: null, ...NO_LIMITS, ...overrides };
}

export function keyInput(overrides: Partial<ApiKeyInput> = {}): ApiKeyInput {
  return { name: 'key', enabled: true, expiresAt: null, ...NO_LIMITS, ...overrides };
}

export function providerInput(baseUrl: string, overrides: Partial<ProviderInput> = {}): ProviderInput {
  return {
    name: 'anthropic-main',
    type: 'claude',
    baseUrl,
    apiKey: 'sk-ant-upstream-secret-0001',
    enabled: true,
    priority: 0,
    weight: 1,
    groupTag: 'default',
    modelRedirects: {},
    allowedModels: [],
    costMultiplier: 1,
    limit5hUsd: null,
    limitWeeklyUsd: null,
    limitMonthlyUsd: null,
    concurrentSessions: null,
    timeoutMs: 600_000,
    circuitFailureThreshold: 5,
    circuitOpenMs: 60_000,
    ...overrides,
  };
}
