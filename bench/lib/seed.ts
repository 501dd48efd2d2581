// Seeds a running hub for benchmarks: one claude provider at the fake upstream, a user, a key, a price.
import type { Services } from '../../functions/shared/services.js';

export async function seedHub(services: Services, upstreamUrl: string, options: { users?: number } = {}) {
  await services.prices.put({
    model: 'claude-sonnet-4-5',
    inputPerMTokUsd: 3,
    outputPerMTokUsd: 15,
    cacheWrite5mPerMTokUsd: 3.75,
    cacheWrite1hPerMTokUsd: 6,
    cacheReadPerMTokUsd: 0.3,
    source: 'manual',
    version: 'manual',
    updatedAt: new Date().toISOString(),
  });
  await services.providers.create({
    name: 'bench-upstream',
    type: 'claude',
    baseUrl: upstreamUrl,
    apiKey: 'sk-ant-bench-0000',
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
  });
  const secrets: string[] = [];
  for (let i = 0; i < (options.users ?? 1); i++) {
    const user = await services.users.create({
      name: `bench-${i}`,
      note: '',
      enabled: true,
      providerGroup: 'default',
      allowedModels: [],
      // Limits on, high enough never to refuse: the benchmark measures the real admission path.
      rpmLimit: 1_000_000,
      concurrentSessions: 1_000_000,
      limit5hUsd: 1_000_000,
      dailyLimitUsd: 1_000_000,
      limitWeeklyUsd: 1_000_000,
      limitMonthlyUsd: 1_000_000,
      limitTotalUsd: 1_000_000,
    });
    const key = await services.apiKeys.create(user.id, {
      name: 'bench',
      enabled: true,
      expiresAt: null,
      concurrentSessions: null,
      limit5hUsd: 1_000_000,
      dailyLimitUsd: null,
      limitWeeklyUsd: null,
      limitMonthlyUsd: null,
      limitTotalUsd: null,
    });
    secrets.push(key.key);
  }
  return { secret: secrets[0]!, secrets };
}
