// Request logs for rollup and statistics tests, and a known two-day traffic set with hand-worked totals.
import type { Services } from '../../../../functions/shared/services.js';
import type { RequestLog } from '../../../../functions/shared/types.js';
import { providerInput } from '../../../support/inputs.js';

let counter = 0;

export function requestLog(fields: Partial<RequestLog> & { createdAt: string }): RequestLog {
  counter++;
  return {
    id: `req_test${String(counter).padStart(6, '0')}`,
    userId: 'usr_a',
    keyId: 'key_a',
    providerId: 'prv_x',
    providerName: 'x',
    endpoint: 'messages',
    model: 'claude-sonnet-4-5',
    upstreamModel: 'claude-sonnet-4-5',
    stream: true,
    statusCode: 200,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadInputTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    costBreakdown: null,
    priceVersion: null,
    durationMs: 100,
    ttfbMs: 10,
    sessionId: null,
    userAgent: null,
    error: null,
    chain: [],
    filtered: {},
    ...fields,
  };
}

type SeedServices = Pick<Services, 'users' | 'apiKeys' | 'providers' | 'stats'>;

const NO_LIMITS = { limit5hUsd: null, dailyLimitUsd: null, limitWeeklyUsd: null, limitMonthlyUsd: null, limitTotalUsd: null };

async function seedUser(services: SeedServices, name: string) {
  return services.users.create({
    name,
    note: '',
    enabled: true,
    providerGroup: 'default',
    allowedModels: [],
    rpmLimit: null,
    concurrentSessions: null,
    ...NO_LIMITS,
  });
}

async function seedKey(services: SeedServices, userId: string, name: string) {
  return services.apiKeys.create(userId, { name, enabled: true, expiresAt: null, concurrentSessions: null, ...NO_LIMITS });
}

async function seedProvider(services: SeedServices, name: string, type: 'claude' | 'codex') {
  return services.providers.create(providerInput('https://upstream.invalid', { name, type, apiKey: 'upstream-secret' }));
}

/**
 * Six requests over two UTC days (2025-03-09 and 2025-03-10), two users with three keys, two
 * providers and two models. Totals are worked out by hand in the tests that use it:
 *
 * | # | time (UTC)        | user  | key     | provider  | model             | in   | out  | nanos      | status |
 * | 1 | 03-09 10:15       | alice | laptop  | anthropic | claude-sonnet-4-5 | 1000 | 500  | 10 500 000 | 200 |
 * | 2 | 03-09 10:45       | alice | laptop  | anthropic | claude-sonnet-4-5 | 2000 | 100  |  7 500 000 | 200 |
 * | 3 | 03-09 23:30       | bob   | ci      | openai    | gpt-5             |  500 | 500  |  5 625 000 | 200 |
 * | 4 | 03-10 00:10       | bob   | ci      | (none)    | gpt-5             |  100 | 0    |  unpriced  | 429 |
 * | 5 | 03-10 09:05       | bob   | ci      | anthropic | claude-sonnet-4-5 | 3000 | 1000 | 24 000 000 | 200 |
 * | 6 | 03-10 09:50       | alice | desktop | openai    | gpt-5             |  100 | 100  |  1 125 000 | 200 | (+20 cache write, 50 cache read)
 */
export async function seedTwoDays(services: SeedServices) {
  const alice = await seedUser(services, 'alice');
  const bob = await seedUser(services, 'bob');
  const laptop = await seedKey(services, alice.id, 'laptop');
  const desktop = await seedKey(services, alice.id, 'desktop');
  const ci = await seedKey(services, bob.id, 'ci');
  const anthropic = await seedProvider(services, 'anthropic-main', 'claude');
  const openai = await seedProvider(services, 'openai-main', 'codex');
  const sonnet = 'claude-sonnet-4-5';
  const rows: [string, typeof alice, typeof laptop, typeof anthropic | null, string, number, number, number | null, number, Partial<RequestLog>?][] = [
    ['2025-03-09T10:15:00.000Z', alice, laptop, anthropic, sonnet, 1000, 500, 10_500_000, 200],
    ['2025-03-09T10:45:00.000Z', alice, laptop, anthropic, sonnet, 2000, 100, 7_500_000, 200],
    ['2025-03-09T23:30:00.000Z', bob, ci, openai, 'gpt-5', 500, 500, 5_625_000, 200],
    ['2025-03-10T00:10:00.000Z', bob, ci, null, 'gpt-5', 100, 0, null, 429, { error: '5h spend limit reached' }],
    ['2025-03-10T09:05:00.000Z', bob, ci, anthropic, sonnet, 3000, 1000, 24_000_000, 200],
    ['2025-03-10T09:50:00.000Z', alice, desktop, openai, 'gpt-5', 100, 100, 1_125_000, 200, { cacheCreationInputTokens: 20, cacheWrite5mTokens: 20, cacheReadInputTokens: 50 }],
  ];
  for (const [createdAt, user, key, provider, model, inputTokens, outputTokens, nanos, statusCode, extra] of rows) {
    const log = requestLog({
      createdAt,
      userId: user.id,
      keyId: key.id,
      providerId: provider?.id ?? null,
      providerName: provider?.name ?? null,
      model,
      inputTokens,
      outputTokens,
      statusCode,
      ...extra,
    });
    await services.stats.record(log, nanos);
  }
  return { alice, bob, laptop, desktop, ci, anthropic, openai };
}
