import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../../../functions/shared/db/keys.js';
import type { Db } from '../../../../functions/shared/db/client.js';
import type { ItemUpdate, WriteCoalescer } from '../../../../functions/shared/db/write-coalescer.js';
import { countsOf, createStatsRecorder, dimensionsOf, ROLLUP_HOUR_SHARDS, rollupShard } from '../../../../functions/shared/stats/rollups.js';
import { createTestContext, type TestContext } from '../../../support/store.js';
import { requestLog } from './stats-fixtures.js';

async function item(ctx: TestContext, key: { PK: string; SK: string }) {
  const out = await ctx.db.doc.send(new GetCommand({ TableName: ctx.db.tableName, Key: key }));
  return out.Item;
}

async function partition(ctx: TestContext, pk: string) {
  const out = await ctx.db.doc.send(
    new QueryCommand({ TableName: ctx.db.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } }),
  );
  return out.Items ?? [];
}

describe('countsOf', () => {
  it.each([
    ['a success', { statusCode: 200, error: null }, 0],
    ['a 4xx answer', { statusCode: 429, error: null }, 1],
    ['a 5xx answer', { statusCode: 502, error: null }, 1],
    ['a 200 whose stream failed', { statusCode: 200, error: 'upstream stream ended early' }, 1],
  ])('counts %s as %i error', (_case, fields, errors) => {
    expect(countsOf(requestLog({ createdAt: '2025-01-01T00:00:00Z', ...fields }), 5).errors).toBe(errors);
  });

  it('adds every token kind and the cost in nanos; an unpriced request adds no cost', () => {
    const log = requestLog({
      createdAt: '2025-01-01T00:00:00Z',
      inputTokens: 1,
      outputTokens: 2,
      cacheCreationInputTokens: 3,
      cacheWrite5mTokens: 4,
      cacheWrite1hTokens: 5,
      cacheReadInputTokens: 6,
      reasoningTokens: 7,
    });
    expect(countsOf(log, 123)).toEqual({
      requests: 1,
      errors: 0,
      costNanos: 123,
      inputTokens: 1,
      outputTokens: 2,
      cacheCreationInputTokens: 3,
      cacheWrite5mTokens: 4,
      cacheWrite1hTokens: 5,
      cacheReadInputTokens: 6,
      reasoningTokens: 7,
    });
    expect(countsOf(log, null).costNanos).toBe(0);
  });
});

describe('dimensionsOf', () => {
  it('lists user, key, provider and model', () => {
    expect(dimensionsOf(requestLog({ createdAt: '2025-01-01T00:00:00Z' }))).toEqual([
      ['user', 'usr_a'],
      ['key', 'key_a'],
      ['provider', 'prv_x'],
      ['model', 'claude-sonnet-4-5'],
    ]);
  });

  it('leaves out a dimension without an id (no provider was reached)', () => {
    expect(dimensionsOf(requestLog({ createdAt: '2025-01-01T00:00:00Z', providerId: null, model: null })).map(([d]) => d)).toEqual(['user', 'key']);
  });
});

describe('rollupShard', () => {
  it('is stable for a request id and within range', () => {
    expect(rollupShard('req_abc')).toBe(rollupShard('req_abc'));
    for (let i = 0; i < 200; i++) expect(rollupShard(`req_${i}`)).toBeLessThan(ROLLUP_HOUR_SHARDS);
  });

  it('spreads request ids over every shard', () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => rollupShard(`req_${i.toString(36)}xyz`)));
    expect(used.size).toBe(ROLLUP_HOUR_SHARDS);
  });
});

describe('stats.record', () => {
  it('adds a request to its daily user, key, provider and model items and its hourly shard', async () => {
    const ctx = await createTestContext();
    const log = requestLog({ createdAt: '2025-03-10T14:25:00.000Z', inputTokens: 100, outputTokens: 50, cacheReadInputTokens: 1000 });
    await ctx.services.stats.record(log, 1_500_000);
    await ctx.services.stats.record(requestLog({ ...log, id: 'req_second', statusCode: 500, inputTokens: 10, outputTokens: 0, cacheReadInputTokens: 0 }), null);

    for (const [dimension, id] of [['user', 'usr_a'], ['key', 'key_a'], ['provider', 'prv_x'], ['model', 'claude-sonnet-4-5']] as const) {
      expect(await item(ctx, keys.rollup('2025-03-10', dimension, id))).toMatchObject({
        dimension,
        id,
        date: '2025-03-10',
        requests: 2,
        errors: 1,
        costNanos: 1_500_000,
        inputTokens: 110,
        outputTokens: 50,
        cacheReadInputTokens: 1000,
      });
    }
    const hourly = await partition(ctx, keys.rollupHourPartition('2025-03-10'));
    expect(hourly.every((i) => String(i.SK).startsWith('2025-03-10T14#'))).toBe(true);
    expect(hourly.reduce((n, i) => n + Number(i.requests), 0)).toBe(2);
    expect(hourly.reduce((n, i) => n + Number(i.costNanos), 0)).toBe(1_500_000);
    expect(await item(ctx, keys.rollupHour('2025-03-10T14', rollupShard(log.id)))).toMatchObject({ hour: '2025-03-10T14' });
  });

  it('dates daily items in HUB_TIMEZONE and hourly items in UTC', async () => {
    const ctx = await createTestContext({ config: { timezone: 'America/New_York' } });
    // 02:30 UTC on the 11th is still the 10th in New York.
    await ctx.services.stats.record(requestLog({ createdAt: '2025-03-11T02:30:00.000Z', userId: 'usr_ny' }), 7);
    expect(await item(ctx, keys.rollup('2025-03-10', 'user', 'usr_ny'))).toMatchObject({ requests: 1, costNanos: 7 });
    expect(await item(ctx, keys.rollup('2025-03-11', 'user', 'usr_ny'))).toBeUndefined();
    expect((await partition(ctx, keys.rollupHourPartition('2025-03-11'))).map((i) => String(i.SK).slice(0, 13))).toEqual(['2025-03-11T02']);
  });

  it('keeps exact totals under concurrent records', async () => {
    const ctx = await createTestContext();
    const logs = Array.from({ length: 40 }, (_, i) => requestLog({ createdAt: '2025-03-10T09:00:00.000Z', outputTokens: i }));
    await Promise.all(logs.map((log) => ctx.services.stats.record(log, 1_000_000_001)));
    expect(await item(ctx, keys.rollup('2025-03-10', 'user', 'usr_a'))).toMatchObject({
      requests: 40,
      outputTokens: (39 * 40) / 2,
      costNanos: 40 * 1_000_000_001,
    });
    const hourly = await partition(ctx, keys.rollupHourPartition('2025-03-10'));
    expect(hourly.length).toBeGreaterThan(1);
    expect(hourly.reduce((n, i) => n + Number(i.requests), 0)).toBe(40);
  });

  it('sends each request its own day, hour and ids when requests of two days and hours interleave', async () => {
    const updates: ItemUpdate[] = [];
    const writes: WriteCoalescer = { update: async (u) => void updates.push(u), put: async () => {}, flush: async () => {} };
    const recorder = createStatsRecorder({ db: {} as Db, writes, config: { timezone: 'UTC' } });
    const times = ['2025-03-10T23:59:59.999Z', '2025-03-11T00:00:00.000Z', '2025-03-10T23:30:00.000Z', '2025-03-11T01:00:00.000Z'];
    const logs = times.map((createdAt, i) => requestLog({ createdAt, userId: `usr_${i % 2}`, model: i === 3 ? 'other-model' : 'claude-sonnet-4-5' }));
    for (const log of logs) await recorder.record(log, 5);
    const expected = logs.flatMap((log) => {
      const date = log.createdAt.slice(0, 10);
      const hour = log.createdAt.slice(0, 13);
      const daily = dimensionsOf(log).map(([dimension, id]) => ({ key: keys.rollup(date, dimension, id), add: countsOf(log, 5), set: { entity: 'rollup', date, dimension, id } }));
      return [...daily, { key: keys.rollupHour(hour, rollupShard(log.id)), add: countsOf(log, 5), set: { entity: 'rollupHour', hour } }];
    });
    // JSON keeps attribute order: each update is exactly what the stored format defines.
    expect(updates.map((u) => JSON.stringify(u))).toEqual(expected.map((u) => JSON.stringify(u)));
  });

  it('refuses a log without a valid time', async () => {
    const ctx = await createTestContext();
    await expect(ctx.services.stats.record(requestLog({ createdAt: 'yesterday' }), 1)).rejects.toThrow(/no valid createdAt/);
  });
});
