import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROVIDER_SHARDS, providerShardOf } from '../../../../functions/shared/limits/provider-limits.js';

const byHash = (sessionId: string) => createHash('sha256').update(sessionId).digest()[0]! % PROVIDER_SHARDS;

describe('providerShardOf', () => {
  it('puts a session in the shard its SHA-256 names, every time, also after more sessions than it keeps', () => {
    const sessions = Array.from({ length: 40 }, (_, i) => `sess-${i}`);
    const first = sessions.map(providerShardOf);
    expect(first).toEqual(sessions.map(byHash));
    expect(new Set(first).size).toBe(PROVIDER_SHARDS);
    for (let i = 0; i < 12_000; i++) providerShardOf(`other-${i}`);
    expect(sessions.map(providerShardOf)).toEqual(first);
  });
});
