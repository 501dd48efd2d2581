import { describe, expect, it } from 'vitest';
import { createStatsReader } from '../../../../functions/shared/stats/queries.js';
import { datesOfMonth, parseCalendarDate, resolveSummaryRange } from '../../../../functions/shared/stats/ranges.js';
import { createTestContext } from '../../../support/store.js';
import { requestLog, seedTwoDays } from './stats-fixtures.js';

const NOW = Date.parse('2025-03-10T10:00:00.000Z');
const MARCH = datesOfMonth(parseCalendarDate('2025-03-01')!);

async function seeded(timezone = 'UTC') {
  const ctx = await createTestContext({ now: NOW, config: { timezone } });
  const seed = await seedTwoDays(ctx.services);
  return { ctx, seed, reader: createStatsReader(ctx.services) };
}

describe('stats summary', () => {
  it('sums both days with an hourly series of 48 points', async () => {
    const { ctx, reader } = await seeded();
    const summary = await reader.summary(resolveSummaryRange({ from: '2025-03-09', to: '2025-03-10' }, NOW, 'UTC'));
    expect(summary).toMatchObject({
      from: '2025-03-09T00:00:00.000Z',
      to: '2025-03-11T00:00:00.000Z',
      granularity: 'hour',
      requests: 6,
      errors: 1,
      costUsd: 0.04875,
      inputTokens: 6700,
      outputTokens: 2200,
      cacheCreationInputTokens: 20,
      cacheReadInputTokens: 50,
    });
    expect(summary.series).toHaveLength(48);
    const at = (t: string) => summary.series.find((p) => p.t === t);
    expect(at('2025-03-09T10:00:00.000Z')).toMatchObject({ requests: 2, costUsd: 0.018, inputTokens: 3000 });
    expect(at('2025-03-09T23:00:00.000Z')).toMatchObject({ requests: 1, costUsd: 0.005625 });
    expect(at('2025-03-10T00:00:00.000Z')).toMatchObject({ requests: 1, costUsd: 0, errors: 1 });
    expect(at('2025-03-10T09:00:00.000Z')).toMatchObject({ requests: 2, costUsd: 0.025125 });
    expect(at('2025-03-10T11:00:00.000Z')).toMatchObject({ requests: 0, costUsd: 0 });
    expect(summary.series.reduce((n, p) => n + p.requests, 0)).toBe(6);
    expect(ctx.clock.now).toBe(NOW);
  });

  it('gives one point per day beyond 48 hours', async () => {
    const { reader } = await seeded();
    const summary = await reader.summary(resolveSummaryRange({ from: '2025-03-01', to: '2025-03-10' }, NOW, 'UTC'));
    expect(summary.granularity).toBe('day');
    expect(summary.series).toHaveLength(10);
    expect(summary.series[0]).toMatchObject({ t: '2025-03-01T00:00:00.000Z', requests: 0 });
    expect(summary.series[8]).toMatchObject({ t: '2025-03-09T00:00:00.000Z', requests: 3, costUsd: 0.023625 });
    expect(summary.series[9]).toMatchObject({ t: '2025-03-10T00:00:00.000Z', requests: 3, costUsd: 0.025125, errors: 1 });
    expect(summary).toMatchObject({ requests: 6, costUsd: 0.04875 });
  });

  it('counts only the hours of the range: the default last 24 hours', async () => {
    const { reader } = await seeded();
    // At 10:30 the 24 hourly points are 2025-03-09T11:00 .. 2025-03-10T10:00: requests 3 to 6.
    const summary = await reader.summary(resolveSummaryRange({}, Date.parse('2025-03-10T10:30:00.000Z'), 'UTC'));
    expect(summary).toMatchObject({ from: '2025-03-09T11:00:00.000Z', to: '2025-03-10T10:30:00.000Z', requests: 4, costUsd: 0.03075, inputTokens: 3700, errors: 1 });
    expect(summary.series).toHaveLength(24);
  });

  it('groups daily points by HUB_TIMEZONE days', async () => {
    const { reader } = await seeded('Asia/Tokyo');
    // Tokyo is UTC+9: request 3 (23:30 UTC on the 9th) falls on the 10th there.
    const summary = await reader.summary(resolveSummaryRange({ from: '2025-03-05', to: '2025-03-10' }, NOW, 'Asia/Tokyo'));
    const day = (t: string) => summary.series.find((p) => p.t === t);
    expect(day('2025-03-08T15:00:00.000Z')).toMatchObject({ requests: 2, costUsd: 0.018 });
    expect(day('2025-03-09T15:00:00.000Z')).toMatchObject({ requests: 4, costUsd: 0.030750 });
  });

  it('is all zeros with no traffic', async () => {
    const ctx = await createTestContext({ now: NOW });
    const summary = await createStatsReader(ctx.services).summary(resolveSummaryRange({}, NOW, 'UTC'));
    expect(summary).toMatchObject({ requests: 0, costUsd: 0, errors: 0, inputTokens: 0 });
    expect(summary.series.every((p) => p.requests === 0)).toBe(true);
  });
});

describe('stats leaderboard', () => {
  it('ranks users by cost for one day, with names', async () => {
    const { reader, seed } = await seeded();
    expect(await reader.leaderboard({ by: 'user', dates: ['2025-03-09'] })).toEqual([
      expect.objectContaining({ id: seed.alice.id, name: 'alice', requests: 2, costUsd: 0.018, inputTokens: 3000, outputTokens: 600 }),
      expect.objectContaining({ id: seed.bob.id, name: 'bob', requests: 1, costUsd: 0.005625, inputTokens: 500, outputTokens: 500 }),
    ]);
    expect(await reader.leaderboard({ by: 'user', dates: ['2025-03-10'] })).toEqual([
      expect.objectContaining({ name: 'bob', requests: 2, costUsd: 0.024, inputTokens: 3100, outputTokens: 1000, errors: 1 }),
      expect.objectContaining({ name: 'alice', requests: 1, costUsd: 0.001125, cacheReadInputTokens: 50 }),
    ]);
  });

  it('sums the month for a monthly board', async () => {
    const { reader, seed } = await seeded();
    expect(await reader.leaderboard({ by: 'user', dates: MARCH })).toEqual([
      expect.objectContaining({ id: seed.bob.id, name: 'bob', requests: 3, costUsd: 0.029625, inputTokens: 3600, outputTokens: 1500 }),
      expect.objectContaining({ id: seed.alice.id, name: 'alice', requests: 3, costUsd: 0.019125, inputTokens: 3100, outputTokens: 700 }),
    ]);
  });

  it.each([
    ['provider', [['anthropic-main', 3, 0.042], ['openai-main', 2, 0.00675]]],
    ['model', [['claude-sonnet-4-5', 3, 0.042], ['gpt-5', 3, 0.00675]]],
    ['key', [['ci', 3, 0.029625], ['laptop', 2, 0.018], ['desktop', 1, 0.001125]]],
  ] as const)('ranks by %s over the month', async (by, expected) => {
    const { reader } = await seeded();
    const items = await reader.leaderboard({ by, dates: MARCH });
    expect(items.map((i) => [i.name, i.requests, i.costUsd])).toEqual(expected);
  });

  it('shows the id of a deleted entity as its name', async () => {
    const { ctx, reader, seed } = await seeded();
    await ctx.services.providers.delete(seed.openai.id);
    await ctx.services.users.delete(seed.bob.id);
    const providers = await reader.leaderboard({ by: 'provider', dates: MARCH });
    expect(providers.map((i) => i.name)).toEqual(['anthropic-main', seed.openai.id]);
    const users = await reader.leaderboard({ by: 'user', dates: MARCH });
    expect(users[0]).toMatchObject({ id: seed.bob.id, name: seed.bob.id });
  });

  it('breaks cost ties by requests, then by id', async () => {
    const ctx = await createTestContext({ now: NOW });
    const at = '2025-03-10T08:00:00.000Z';
    for (const [model, n] of [['b-model', 1], ['a-model', 1], ['c-model', 2]] as const) {
      for (let i = 0; i < n; i++) await ctx.services.stats.record(requestLog({ createdAt: at, model }), 100);
    }
    await ctx.services.stats.record(requestLog({ createdAt: at, model: 'c-model' }), null);
    const items = await createStatsReader(ctx.services).leaderboard({ by: 'model', dates: ['2025-03-10'] });
    expect(items.map((i) => [i.id, i.requests])).toEqual([
      ['c-model', 3],
      ['a-model', 1],
      ['b-model', 1],
    ]);
  });

  it('is empty for a day without traffic', async () => {
    const { reader } = await seeded();
    expect(await reader.leaderboard({ by: 'user', dates: ['2025-02-01'] })).toEqual([]);
  });
});
