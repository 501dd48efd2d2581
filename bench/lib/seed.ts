// Seeds a running hub for benchmarks: one claude provider at the fake upstream, a user, a key, a price.
import type { Services } from '../../functions/shared/services.js';
// The create-inputs the tests use (plain data builders, no test framework).
import { keyInput, providerInput, userInput } from '../../test/support/inputs.js';

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
  await services.providers.create(providerInput(upstreamUrl, { name: 'bench-upstream', apiKey: 'sk-ant-bench-0000' }));
  // Limits on, high enough never to refuse: the benchmark measures the real admission path.
  const HIGH = 1_000_000;
  const secrets: string[] = [];
  for (let i = 0; i < (options.users ?? 1); i++) {
    const user = await services.users.create(
      userInput({
        name: `bench-${i}`,
        rpmLimit: HIGH,
        concurrentSessions: HIGH,
        limit5hUsd: HIGH,
        dailyLimitUsd: HIGH,
        limitWeeklyUsd: HIGH,
        limitMonthlyUsd: HIGH,
        limitTotalUsd: HIGH,
      }),
    );
    const key = await services.apiKeys.create(user.id, keyInput({ name: 'bench', limit5hUsd: HIGH }));
    secrets.push(key.key);
  }
  return { secret: secrets[0]!, secrets };
}
