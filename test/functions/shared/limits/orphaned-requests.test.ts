import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../../../functions/shared/db/keys.js';
import { releaseOrphanedRequests, summarizeLimitState } from '../../../../functions/shared/limits/limit-state.js';
import { createMirroredBackend } from '../../../../functions/shared/limits/state-backend.js';
import { createMemoryLogger } from '../../../../functions/shared/logger.js';
import { createTestContext } from '../../../support/store.js';

const STARTED = Date.parse('2026-05-06T10:00:00Z');
const STARTED_SEC = STARTED / 1000;
const TTL = 300;
const q = (n: number, s: string, t: number) => ({ n, s, t });

describe('releaseOrphanedRequests', () => {
  it('has nothing to do for an item without requests in flight', () => {
    expect(releaseOrphanedRequests({ PK: 'p', SK: 's', total: 5, 'i:sess-a': STARTED_SEC + 10 }, STARTED, TTL)).toBeNull();
  });

  it('drops every reservation and keeps each session active for SESSION_TTL from the start', () => {
    const item = {
      PK: 'p',
      SK: 's',
      total: 5,
      'q:req_1': q(100, 'sess-a', STARTED - 60_000),
      'q:req_2': q(200, 'sess-a', STARTED - 30_000),
      'q:req_3': q(300, 'sess-b', STARTED - 10_000),
      // Session b was already idle until later than the restart would make it: the later time stays.
      'i:sess-b': STARTED_SEC + TTL + 100,
    };
    expect(releaseOrphanedRequests(item, STARTED, TTL)).toEqual({
      set: [
        ['i:sess-a', STARTED_SEC + TTL],
        ['i:sess-b', STARTED_SEC + TTL + 100],
      ],
      add: [],
      remove: ['q:req_1', 'q:req_2', 'q:req_3'],
    });
  });
});

describe('the mirrored backend of a restarted single writer', () => {
  it('releases what the earlier process left in flight as it first reads an item, and writes that behind', async () => {
    const ctx = await createTestContext();
    const key = keys.spendState('user', 'usr_crashed');
    const stored = { ...key, entity: 'limitState', total: 42, 'q:req_killed': q(500, 'sess-a', STARTED - 5_000) };
    await ctx.db.doc.send(new PutCommand({ TableName: ctx.db.tableName, Item: stored }));
    const backend = createMirroredBackend(ctx.db, 5, createMemoryLogger(), {
      adopt: (item) => releaseOrphanedRequests(item, STARTED, TTL),
    });

    const state = await backend.read(key);
    const summary = (atMs: number) => summarizeLimitState(state, { nowMs: atMs, sessionTtlSec: TTL });
    expect(summary(STARTED)).toMatchObject({ reservedNanos: 0, activeSessions: 1 });
    expect(summary(STARTED + TTL * 1000)).toMatchObject({ reservedNanos: 0, activeSessions: 0 });
    expect(state.totalNanos).toBe(42);

    await backend.flush();
    const out = await ctx.db.doc.send(new GetCommand({ TableName: ctx.db.tableName, Key: key, ConsistentRead: true }));
    expect(out.Item).toEqual({ ...key, entity: 'limitState', total: 42, 'i:sess-a': STARTED_SEC + TTL });
  });
});
