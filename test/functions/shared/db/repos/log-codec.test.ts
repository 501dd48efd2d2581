import { describe, expect, it } from 'vitest';
import { decodeLog, encodeLog } from '../../../../../functions/shared/db/repos/log-codec.js';
import { keys } from '../../../../../functions/shared/db/keys.js';
import { newRequestId } from '../../../../../functions/shared/ids.js';
import type { RequestLog } from '../../../../../functions/shared/types.js';
import { itemSize } from '../../../../../bench/lib/write-units.js';
import { typicalLog } from '../../../../fixtures/request-log.js';

const createdAt = '2026-11-28T09:00:00.123Z';
const id = newRequestId(Date.parse(createdAt));

const typical = typicalLog(createdAt, id);

describe('stored request log', () => {
  it('reads back exactly what was written', () => {
    expect(decodeLog(encodeLog(typical))).toEqual(typical);
    const failed: RequestLog = {
      ...typical,
      providerId: null,
      providerName: null,
      upstreamModel: null,
      costUsd: null,
      costBreakdown: null,
      priceVersion: null,
      ttfbMs: null,
      error: 'every provider failed',
      chain: [
        { providerId: 'a', providerName: 'A', attempt: 1, reason: 'initial_pick', statusCode: 500, error: 'upstream 500', durationMs: 5 },
        { providerId: 'b', providerName: 'B', attempt: 2, reason: 'failover', statusCode: null, error: 'could not reach upstream', durationMs: 2 },
      ],
      filtered: { c: 'group', d: 'circuit_open' },
    };
    expect(decodeLog(encodeLog(failed))).toEqual(failed);
  });

  it('keeps a typical log item, with its keys, under 1 KB (1 write unit in the table and in each index)', () => {
    const item = {
      ...keys.log(createdAt, id),
      ...keys.logByUser(typical.userId!, createdAt, id),
      ...keys.logByKey(typical.keyId!, createdAt, id),
      ...keys.logByProvider(typical.providerId!, createdAt, id),
      entity: 'log',
      ...encodeLog(typical),
      cn: 50_091_000,
      expiresAt: 1_800_000_000,
    };
    const size = itemSize(item);
    console.log(`typical log item: ${size} bytes`);
    expect(size).toBeLessThanOrEqual(1024);
  });
});
