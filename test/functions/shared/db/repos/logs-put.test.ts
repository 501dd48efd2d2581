import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../../functions/shared/db/client.js';
import { keys } from '../../../../../functions/shared/db/keys.js';
import { encodeLog } from '../../../../../functions/shared/db/repos/log-codec.js';
import { createLogsRepo } from '../../../../../functions/shared/db/repos/logs.js';
import type { WriteCoalescer } from '../../../../../functions/shared/db/write-coalescer.js';
import type { RequestLog } from '../../../../../functions/shared/types.js';
import { typicalLog } from '../../../../fixtures/request-log.js';

const createdAt = '2026-11-28T09:00:00.123Z';
const id = 'req_0mx10j7u8AbCdEfGhIjK';

// Short ids: the index keys are asserted literally below.
const base: RequestLog = {
  ...typicalLog(createdAt, id),
  userId: 'usr_1',
  keyId: 'key_1',
  providerId: 'prv_1',
  model: 'claude-sonnet-4-5',
  priceVersion: 'v1',
  sessionId: 'ses-1',
  userAgent: 'claude-cli/2.1.332',
  chain: [{ providerId: 'prv_1', providerName: 'anthropic-main', attempt: 1, reason: 'initial_pick', statusCode: 200, error: null, durationMs: 790 }],
};

/** The item as the stored format defines it: keys, index keys of the ids present, entity, attributes, cost, expiry. */
function expectedItem(log: RequestLog, costNanos: number | null, retentionDays: number): Record<string, unknown> {
  return {
    ...keys.log(log.createdAt, log.id),
    ...(log.userId ? keys.logByUser(log.userId, log.createdAt, log.id) : {}),
    ...(log.keyId ? keys.logByKey(log.keyId, log.createdAt, log.id) : {}),
    ...(log.providerId ? keys.logByProvider(log.providerId, log.createdAt, log.id) : {}),
    entity: 'log',
    ...encodeLog(log),
    cn: costNanos,
    expiresAt: Math.floor(Date.parse(log.createdAt) / 1000) + retentionDays * 86400,
  };
}

async function putItem(log: RequestLog, costNanos: number | null): Promise<Record<string, unknown>> {
  const items: Record<string, unknown>[] = [];
  const writes = { put: async (item: Record<string, unknown>) => void items.push(item) } as unknown as WriteCoalescer;
  await createLogsRepo({} as Db, 30, () => 0, writes).put(log, costNanos);
  expect(items).toHaveLength(1);
  return items[0]!;
}

describe('log item written at settle', () => {
  it.each<[string, Partial<RequestLog>, number | null]>([
    ['a priced request with user, key and provider', {}, 50_091_000],
    ['a request that reached no provider', { providerId: null, providerName: null, upstreamModel: null, costUsd: null, costBreakdown: null, priceVersion: null, ttfbMs: null, error: 'every provider failed' }, null],
    ['a request refused before authentication', { userId: null, keyId: null, providerId: null, sessionId: null, chain: [], filtered: { temperature: 'unsupported' } }, 0],
  ])('holds exactly the stored format, attributes in order, for %s', async (_case, fields, costNanos) => {
    const log = { ...base, ...fields };
    const item = await putItem(log, costNanos);
    // JSON keeps attribute order: the request sent to the store is the same bytes.
    expect(JSON.stringify(item)).toBe(JSON.stringify(expectedItem(log, costNanos, 30)));
  });

  it('shares one sort key between the table and every log index', async () => {
    const item = await putItem(base, 1);
    expect(item).toMatchObject({ SK: `${createdAt}#${id}`, GSI1SK: `${createdAt}#${id}`, GSI2SK: `${createdAt}#${id}`, GSI3SK: `${createdAt}#${id}` });
    expect(item).toMatchObject({ PK: 'LOG#2026-11-28', GSI1PK: 'LOGUSER#usr_1', GSI2PK: 'LOGKEY#key_1', GSI3PK: 'LOGPROV#prv_1' });
  });
});
