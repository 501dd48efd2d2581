import { describe, expect, it } from 'vitest';
import { decodeLog, encodeLog } from '../../../../../functions/shared/db/repos/log-codec.js';
import { keys } from '../../../../../functions/shared/db/keys.js';
import { newRequestId } from '../../../../../functions/shared/ids.js';
import type { RequestLog } from '../../../../../functions/shared/types.js';
import { itemSize } from '../../../../../bench/lib/write-units.js';

const createdAt = '2026-11-28T09:00:00.123Z';
const id = newRequestId(Date.parse(createdAt));

/** A typical Claude Code request: streamed, cache reads and writes, one provider, priced. */
const typical: RequestLog = {
  id,
  createdAt,
  userId: 'usr_Y_AAtReSdjGNcqu_',
  keyId: 'key_78fg3SAIQZd4aZjY',
  providerId: 'prv_3kq9ZpX0aB1cD2eF',
  providerName: 'anthropic-main',
  endpoint: 'messages',
  model: 'claude-sonnet-4-5-20250929',
  upstreamModel: 'claude-sonnet-4-5-20250929',
  stream: true,
  statusCode: 200,
  inputTokens: 12,
  outputTokens: 1857,
  cacheCreationInputTokens: 2048,
  cacheWrite5mTokens: 2048,
  cacheWrite1hTokens: 0,
  cacheReadInputTokens: 48000,
  reasoningTokens: 0,
  costUsd: 0.050091,
  costBreakdown: { inputUsd: 0.000036, outputUsd: 0.027855, cacheWrite5mUsd: 0.00768, cacheWrite1hUsd: 0, cacheReadUsd: 0.0144, multiplier: 1, longContext: false },
  priceVersion: '86135fc654882134c8def3c4f4dc4551f62bdc939c394081bcde5fc53eee47c4',
  durationMs: 14231,
  ttfbMs: 812,
  sessionId: '0173b407-2863-4f7c-b1db-8a44575176b3',
  userAgent: 'claude-cli/2.1.332 (external, sdk-cli)',
  error: null,
  chain: [{ providerId: 'prv_3kq9ZpX0aB1cD2eF', providerName: 'anthropic-main', attempt: 1, reason: 'session_reuse', statusCode: 200, error: null, durationMs: 790 }],
  filtered: {},
};

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
