import { describe, expect, it } from 'vitest';
import { seedTwoDays } from '../shared/stats/stats-fixtures.js';
import { createAdminHarness } from './admin-harness.js';

const NOW = Date.parse('2025-03-10T10:30:00.000Z');

async function seeded() {
  const h = await createAdminHarness();
  h.clock.now = NOW;
  const seed = await seedTwoDays(h.services);
  return { h, seed };
}

describe('GET /api/stats/summary', () => {
  it('answers totals and an hourly series for the last 24 hours by default', async () => {
    const { h } = await seeded();
    const res = await h.call('GET', '/api/stats/summary');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      requests: 4,
      costUsd: 0.03075,
      inputTokens: 3700,
      outputTokens: 1600,
      errors: 1,
      cacheReadInputTokens: 50,
      cacheCreationInputTokens: 20,
      granularity: 'hour',
    });
    expect(res.body.series).toHaveLength(24);
    expect(res.body.series[0]).toEqual(expect.objectContaining({ t: '2025-03-09T11:00:00.000Z', requests: 0, costUsd: 0 }));
    expect(res.body.series.at(-1)).toEqual(expect.objectContaining({ t: '2025-03-10T10:00:00.000Z' }));
  });

  it('takes from and to as dates and answers a daily series past 48 hours', async () => {
    const { h } = await seeded();
    const res = await h.call('GET', '/api/stats/summary?from=2025-03-04&to=2025-03-10');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ requests: 6, costUsd: 0.04875, inputTokens: 6700, outputTokens: 2200, errors: 1, granularity: 'day' });
    expect(res.body.series.map((p: { t: string; requests: number }) => [p.t.slice(0, 10), p.requests])).toEqual([
      ['2025-03-04', 0],
      ['2025-03-05', 0],
      ['2025-03-06', 0],
      ['2025-03-07', 0],
      ['2025-03-08', 0],
      ['2025-03-09', 3],
      ['2025-03-10', 3],
    ]);
  });

  it('takes ISO times', async () => {
    const { h } = await seeded();
    const res = await h.call('GET', '/api/stats/summary?from=2025-03-09T10:00:00Z&to=2025-03-09T11:00:00Z');
    expect(res.body).toMatchObject({ requests: 2, costUsd: 0.018 });
    expect(res.body.series).toEqual([expect.objectContaining({ t: '2025-03-09T10:00:00.000Z', requests: 2, costUsd: 0.018 })]);
  });

  it.each([
    ['a loose time', '?from=yesterday', 'from'],
    ['an impossible date', '?to=2025-02-30', 'to'],
    ['from after to', '?from=2025-03-10&to=2025-03-09', 'from'],
    ['an unknown parameter', '?since=2025-03-01', 'since'],
  ])('answers 400 with fields for %s', async (_case, query, field) => {
    const { h } = await seeded();
    const res = await h.call('GET', `/api/stats/summary${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty([field]);
  });
});

describe('GET /api/stats/leaderboard', () => {
  it('ranks users by cost for a day, with names', async () => {
    const { h, seed } = await seeded();
    const res = await h.call('GET', '/api/stats/leaderboard?period=daily&by=user&date=2025-03-09');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ id: seed.alice.id, name: 'alice', requests: 2, costUsd: 0.018, inputTokens: 3000, outputTokens: 600 }),
      expect.objectContaining({ id: seed.bob.id, name: 'bob', requests: 1, costUsd: 0.005625, inputTokens: 500, outputTokens: 500 }),
    ]);
  });

  it('defaults to today, by user, daily', async () => {
    const { h } = await seeded();
    const res = await h.call('GET', '/api/stats/leaderboard');
    expect(res.body).toMatchObject({ period: 'daily', by: 'user', date: '2025-03-10' });
    expect(res.body.items.map((i: { name: string; costUsd: number }) => [i.name, i.costUsd])).toEqual([
      ['bob', 0.024],
      ['alice', 0.001125],
    ]);
  });

  it.each([
    ['user', [['bob', 3, 0.029625], ['alice', 3, 0.019125]]],
    ['key', [['ci', 3, 0.029625], ['laptop', 2, 0.018], ['desktop', 1, 0.001125]]],
    ['provider', [['anthropic-main', 3, 0.042], ['openai-main', 2, 0.00675]]],
    ['model', [['claude-sonnet-4-5', 3, 0.042], ['gpt-5', 3, 0.00675]]],
  ])('sums the month by %s', async (by, expected) => {
    const { h } = await seeded();
    const res = await h.call('GET', `/api/stats/leaderboard?period=monthly&by=${by}&date=2025-03-17`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2025-03-01', to: '2025-03-31' });
    expect(res.body.items.map((i: { name: string; requests: number; costUsd: number }) => [i.name, i.requests, i.costUsd])).toEqual(expected);
  });

  it('cuts the list at limit', async () => {
    const { h } = await seeded();
    const res = await h.call('GET', '/api/stats/leaderboard?period=monthly&by=key&date=2025-03-01&limit=1');
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(['ci']);
  });

  it.each([
    ['an unknown period', '?period=weekly', 'period'],
    ['an unknown dimension', '?by=team', 'by'],
    ['a malformed date', '?date=10-03-2025', 'date'],
    ['an impossible date', '?date=2025-02-29', 'date'],
    ['a zero limit', '?limit=0', 'limit'],
  ])('answers 400 with fields for %s', async (_case, query, field) => {
    const { h } = await seeded();
    const res = await h.call('GET', `/api/stats/leaderboard${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty([field]);
  });

  it('needs the admin token', async () => {
    const { h } = await seeded();
    expect((await h.call('GET', '/api/stats/leaderboard', undefined, { auth: false })).status).toBe(401);
    expect((await h.call('GET', '/api/stats/summary', undefined, { auth: false })).status).toBe(401);
  });
});
