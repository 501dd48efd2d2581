import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../../../functions/shared/db/keys.js';
import {
  limiterHarness,
  limiterOver,
  makeKey,
  makeProvider,
  makeUser,
  newRequestId,
  NOW,
  recordingDb,
  unreachableDb,
  usd,
} from './limiter-fixtures.js';

const everyLimit = { limit5hUsd: 10, dailyLimitUsd: 10, limitWeeklyUsd: 10, limitMonthlyUsd: 10, limitTotalUsd: 10, concurrentSessions: 3 };

describe('limiter: store round trips', () => {
  it('admits with every limit set in one round of two parallel writes, and settles in one round of three', async () => {
    const h = await limiterHarness();
    const db = recordingDb(h.db);
    const limiter = limiterOver(h, db);
    const request = { key: makeKey(everyLimit), user: makeUser({ ...everyLimit, rpmLimit: 60 }), sessionId: 's', estimateNanos: 1 };
    const ticket = await limiter.admit({ ...request, requestId: newRequestId() });
    expect(db.events).toEqual(['UpdateCommand', 'UpdateCommand', '<- UpdateCommand', '<- UpdateCommand']);
    db.events.length = 0;
    await limiter.settle(ticket, { costNanos: usd(0.01), providerId: 'prv_1', nowMs: h.clock.now });
    // Key, user and the provider's shard: counters, reservation and session in one write each.
    expect(db.events).toEqual([...Array(3).fill('UpdateCommand'), ...Array(3).fill('<- UpdateCommand')]);
  });

  it('does no store I/O at admission for a key and user without limits', async () => {
    const h = await limiterHarness();
    const db = recordingDb(h.db);
    const ticket = await limiterOver(h, db).admit({ key: makeKey(), user: makeUser(), sessionId: 's', requestId: newRequestId(), estimateNanos: 1 });
    expect(ticket).toMatchObject({ enforced: true, reservedNanos: 0 });
    expect(db.sent).toEqual([]);
  });

  it('adds the cost once when a settle that failed halfway is retried', async () => {
    const h = await limiterHarness();
    let failUserWrites = 0;
    const db = recordingDb(h.db, (command) => Boolean(command.input.Key?.PK?.startsWith('SPEND#user#')) && failUserWrites-- > 0);
    const limiter = limiterOver(h, db);
    const key = makeKey();
    const user = makeUser({ dailyLimitUsd: 5 });
    const ticket = await limiter.admit({ key, user, sessionId: 's', requestId: newRequestId(), estimateNanos: usd(1) });
    const outcome = { costNanos: usd(0.25), providerId: 'prv_1', nowMs: h.clock.now };
    failUserWrites = 1;
    await expect(limiter.settle(ticket, outcome)).rejects.toThrow('injected store failure');
    await limiter.settle(ticket, outcome);
    for (const [scope, id] of [['key', key.id], ['user', user.id]] as const) {
      const report = await limiter.usage(scope, id, scope === 'key' ? key : user);
      expect(report.windows.map((w) => [w.window, w.usedUsd, w.reservedUsd])).toEqual([
        ['5h', 0.25, 0],
        ['daily', 0.25, 0],
        ['weekly', 0.25, 0],
        ['monthly', 0.25, 0],
        ['total', 0.25, 0],
      ]);
    }
  });

  it('deletes counters and marks that have left every window at a later settle', async () => {
    const h = await limiterHarness({ config: { sessionTtlSec: 60 } });
    const user = makeUser({ dailyLimitUsd: 5, rpmLimit: 10 });
    const key = makeKey();
    await h.spend({ key, user, costUsd: 1, sessionId: 'old-session' });
    await h.admit({ key, user, sessionId: 'crashed' }); // never settled
    h.clock.now = NOW + 40 * 86_400_000;
    await h.spend({ key, user, costUsd: 2, sessionId: 'new-session' });
    const { Item } = await h.db.doc.send(new GetCommand({ TableName: h.db.tableName, Key: keys.spendState('user', user.id) }));
    const names = Object.keys(Item!).filter((n) => /^[qibdr]:/.test(n));
    expect(names.sort()).toEqual(
      [`b:${(NOW + 40 * 86_400_000) / 1000}`, 'd:2026-06-15', 'i:new-session', `r:${(NOW + 40 * 86_400_000) / 1000}`].sort(),
    );
    expect(Item!.total).toBe(usd(3));
  });
});

describe('limiter: failing store', () => {
  it('admits without enforcing and logs a warning when the store is unreachable', async () => {
    const h = await limiterHarness();
    const limiter = limiterOver(h, await unreachableDb());
    const user = makeUser({ rpmLimit: 1, dailyLimitUsd: 0, concurrentSessions: 1 });
    const ticket = await limiter.admit({ key: makeKey(), user, sessionId: 's', requestId: newRequestId(), estimateNanos: 5 });
    expect(ticket).toMatchObject({ enforced: false, reservedNanos: 0 });
    expect(h.logger.entries.some((e) => e.level === 'warn' && /admitting without enforcing/.test(e.message))).toBe(true);
    await expect(limiter.settle(ticket, { costNanos: 5, providerId: null, nowMs: h.clock.now })).rejects.toThrow();
  });

  it('admits when one scope cannot be written, and takes back what the other scope recorded', async () => {
    const h = await limiterHarness();
    const limiter = limiterOver(h, recordingDb(h.db, (command) => Boolean(command.input.Key?.PK?.startsWith('SPEND#key#'))));
    const user = makeUser({ rpmLimit: 1, concurrentSessions: 1, dailyLimitUsd: 1 });
    const key = makeKey({ dailyLimitUsd: 1 });
    const ticket = await limiter.admit({ key, user, sessionId: 'a', requestId: newRequestId(), estimateNanos: usd(5) });
    expect(ticket).toMatchObject({ enforced: false, rpmCounted: false });
    // Nothing was left behind: the healthy limiter sees no reservation, session or request.
    await expect(h.admit({ key, user, sessionId: 'b' })).resolves.toMatchObject({ enforced: true });
  });

  it('keeps every provider routable when their counters cannot be read', async () => {
    const h = await limiterHarness();
    const limiter = limiterOver(h, await unreachableDb());
    const over = await limiter.providersOverLimit([makeProvider({ limit5hUsd: 0 })], 's');
    expect(over.size).toBe(0);
    expect(h.logger.entries.some((e) => e.level === 'warn')).toBe(true);
  });
});

describe('limiter: ENABLE_RATE_LIMIT=false', () => {
  it('never refuses and does no limit I/O, yet settle still records usage', async () => {
    const h = await limiterHarness({ config: { enableRateLimit: false } });
    const user = makeUser({ rpmLimit: 1, limitTotalUsd: 0, concurrentSessions: 1 });
    const key = makeKey({ dailyLimitUsd: 0 });
    const offline = limiterOver(h, await unreachableDb());
    for (let i = 0; i < 3; i++) {
      const ticket = await offline.admit({ key, user, sessionId: `s${i}`, requestId: newRequestId(), estimateNanos: 1 });
      expect(ticket).toMatchObject({ enforced: false, reservedNanos: 0 });
    }
    expect(await offline.providersOverLimit([makeProvider({ limit5hUsd: 0 })], 's')).toEqual(new Map());
    expect(h.logger.entries.filter((e) => e.level === 'warn')).toEqual([]);

    await h.spend({ key, user, costUsd: 0.5 });
    const report = await h.limiter.usage('user', user.id, user);
    expect(report.windows.find((w) => w.window === 'total')?.usedUsd).toBe(0.5);
    expect(report.rpm).toEqual({ limit: 1, used: 1 });
    expect(report.activeSessions).toEqual({ limit: 1, used: 1 });
  });
});

describe('limiter: provider limits', () => {
  it('names the providers whose 5h, weekly or monthly spend is reached, and reads only providers with limits', async () => {
    const h = await limiterHarness({ config: { timezone: 'Europe/Berlin' } });
    const key = makeKey();
    const user = makeUser();
    await h.spend({ key, user, costUsd: 2, providerId: 'prv_5h' });
    await h.spend({ key, user, costUsd: 2, providerId: 'prv_week' });
    await h.spend({ key, user, costUsd: 2, providerId: 'prv_month' });
    h.clock.now = NOW + 6 * 3600_000; // the 5h spend has rolled off
    await h.spend({ key, user, costUsd: 2, providerId: 'prv_5h' });
    const providers = [
      makeProvider({ id: 'prv_5h', limit5hUsd: 2 }),
      makeProvider({ id: 'prv_week', limit5hUsd: 2, limitWeeklyUsd: 2 }),
      makeProvider({ id: 'prv_month', limitMonthlyUsd: 2.5 }),
      makeProvider({ id: 'prv_free' }),
    ];
    const db = recordingDb(h.db);
    const over = await limiterOver(h, db).providersOverLimit(providers, 's');
    expect(Object.fromEntries(over)).toEqual({
      prv_5h: 'provider 5h spend limit of $2.00 reached',
      prv_week: 'provider weekly spend limit of $2.00 reached',
    });
    // The four shards of the three limited providers, in one request.
    expect(db.sent).toEqual(['BatchGetCommand']);
  });

  it('caps sessions on a provider but keeps admitting sessions already active on it', async () => {
    const h = await limiterHarness({ config: { sessionTtlSec: 300 } });
    await h.spend({ key: makeKey(), user: makeUser(), costUsd: 0.01, sessionId: 'sess-a', providerId: 'prv_1' });
    const provider = makeProvider({ id: 'prv_1', concurrentSessions: 1 });
    expect(await h.limiter.providersOverLimit([provider], 'sess-a')).toEqual(new Map());
    expect(Object.fromEntries(await h.limiter.providersOverLimit([provider], 'sess-b'))).toEqual({
      prv_1: 'provider concurrent session limit of 1 reached',
    });
    h.clock.now = NOW + 300_000;
    expect(await h.limiter.providersOverLimit([provider], 'sess-b')).toEqual(new Map());
  });

  it('reuses a provider reading for a second within one instance', async () => {
    const h = await limiterHarness();
    const db = recordingDb(h.db);
    const limiter = limiterOver(h, db);
    const providers = [makeProvider({ limit5hUsd: 1 })];
    await limiter.providersOverLimit(providers, 's');
    h.clock.now = NOW + 999;
    await limiter.providersOverLimit(providers, 's');
    expect(db.sent).toHaveLength(1);
    h.clock.now = NOW + 1000;
    await limiter.providersOverLimit(providers, 's');
    expect(db.sent).toHaveLength(2);
  });
});
