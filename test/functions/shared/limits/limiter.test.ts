import { describe, expect, it } from 'vitest';
import { newRequestId as newRequestIdAt } from '../../../../functions/shared/ids.js';
import { makeKey, makeUser, NOW, refusal, limiterHarness as harness, STATE_BACKENDS, type HarnessOptions, usd, newRequestId } from './limiter-fixtures.js';

const BERLIN = { timezone: 'Europe/Berlin' };
const sec = (iso: string) => String(Date.parse(iso) / 1000);

describe.each(STATE_BACKENDS)('on the %s state backend', (_backend, backendConfig) => {
  const limiterHarness = (options: HarnessOptions = {}) => harness({ ...options, config: { ...backendConfig, ...options.config } });

  describe('limiter: requests per minute', () => {
    it('refuses the sixth request in a minute with all four headers, and admits once the first slot rolls off', async () => {
      const h = await limiterHarness();
      const user = makeUser({ rpmLimit: 5 });
      const key = makeKey();
      for (let i = 0; i < 5; i++) await h.admit({ key, user });
      h.clock.now = NOW + 5_000;
      const err = await refusal(h.admit({ key, user }));
      expect(err.status).toBe(429);
      expect(err.extra.limit).toBe('rpm');
      expect(err.message).toBe('rate limit of 5 requests per minute reached; resets in 55s');
      expect(err.extra.headers).toEqual({
        'X-RateLimit-Limit': '5',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(NOW / 1000 + 60),
        'Retry-After': '55',
      });
      h.clock.now = NOW + 59_999;
      await refusal(h.admit({ key, user }));
      h.clock.now = NOW + 60_000;
      await expect(h.admit({ key, user })).resolves.toMatchObject({ enforced: true });
    });

    it('does not count refused requests', async () => {
      const h = await limiterHarness();
      const user = makeUser({ rpmLimit: 2 });
      const key = makeKey();
      await h.admit({ key, user });
      await h.admit({ key, user });
      for (let i = 0; i < 3; i++) await refusal(h.admit({ key, user }));
      expect((await h.limiter.usage('user', user.id, user)).rpm).toEqual({ limit: 2, used: 2 });
    });

    it('admits exactly the limit out of parallel requests', async () => {
      const h = await limiterHarness();
      const user = makeUser({ rpmLimit: 4 });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.admit({ key: makeKey(), user })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    });
  });

  describe('limiter: spend windows', () => {
    it('refuses once the 5h spend passes the limit and admits again when it rolls off, with Retry-After', async () => {
      const h = await limiterHarness();
      const user = makeUser();
      const key = makeKey({ limit5hUsd: 0.05 });
      await h.spend({ key, user, costUsd: 0.03 });
      await h.admit({ key, user });
      h.clock.now = NOW + 60 * 60_000;
      await h.spend({ key, user, costUsd: 0.03 });
      const err = await refusal(h.admit({ key, user }));
      expect(err.extra.limit).toBe('5h');
      expect(err.message).toBe('key 5h spend limit of $0.05 reached; resets in 4h');
      // The first $0.03 leaves the window at 15:00; $0.03 alone is under the limit.
      expect(err.extra.headers).toMatchObject({ 'Retry-After': String(4 * 3600), 'X-RateLimit-Reset': sec('2026-05-06T15:00:00Z') });
      expect(err.extra.headers?.['X-RateLimit-Remaining']).toBe('0');
      h.clock.now = Date.parse('2026-05-06T15:00:00Z') - 1;
      await refusal(h.admit({ key, user }));
      h.clock.now = Date.parse('2026-05-06T15:00:00Z');
      await expect(h.admit({ key, user })).resolves.toMatchObject({ enforced: true });
    });

    it('resets the daily window at local midnight in Europe/Berlin', async () => {
      const h = await limiterHarness({ now: Date.parse('2026-05-06T21:30:00Z'), config: BERLIN }); // 23:30 local
      const user = makeUser({ dailyLimitUsd: 1 });
      const key = makeKey();
      await h.spend({ key, user, costUsd: 1 });
      const err = await refusal(h.admit({ key, user }));
      expect(err.extra.limit).toBe('daily');
      expect(err.message).toBe('daily spend limit of $1.00 reached; resets in 30m');
      expect(err.extra.headers).toMatchObject({ 'X-RateLimit-Reset': sec('2026-05-06T22:00:00Z'), 'Retry-After': '1800' });
      h.clock.now = Date.parse('2026-05-06T21:59:59Z');
      await refusal(h.admit({ key, user }));
      h.clock.now = Date.parse('2026-05-06T22:00:00Z');
      await expect(h.admit({ key, user })).resolves.toMatchObject({ enforced: true });
    });

    it('follows the daylight-saving switch: the day after it ends at 22:00 UTC instead of 23:00', async () => {
      const h = await limiterHarness({ now: Date.parse('2026-03-28T22:30:00Z'), config: BERLIN }); // Sat 23:30 CET
      const user = makeUser({ dailyLimitUsd: 1 });
      const key = makeKey();
      await h.spend({ key, user, costUsd: 1 });
      expect((await refusal(h.admit({ key, user }))).extra.headers?.['X-RateLimit-Reset']).toBe(sec('2026-03-28T23:00:00Z'));
      h.clock.now = Date.parse('2026-03-29T12:00:00Z'); // Sun 14:00 CEST
      await h.admit({ key, user });
      await h.spend({ key, user, costUsd: 1 });
      expect((await refusal(h.admit({ key, user }))).extra.headers?.['X-RateLimit-Reset']).toBe(sec('2026-03-29T22:00:00Z'));
    });

    it('sums the week from Monday and resets it next Monday at local midnight', async () => {
      const h = await limiterHarness({ now: Date.parse('2026-05-04T08:00:00Z'), config: BERLIN }); // Monday
      const user = makeUser({ limitWeeklyUsd: 1 });
      const key = makeKey();
      await h.spend({ key, user, costUsd: 0.6 });
      h.clock.now = Date.parse('2026-05-06T08:00:00Z'); // Wednesday
      await h.spend({ key, user, costUsd: 0.5 });
      const err = await refusal(h.admit({ key, user }));
      expect(err.extra.limit).toBe('weekly');
      expect(err.extra.headers).toMatchObject({ 'X-RateLimit-Reset': sec('2026-05-10T22:00:00Z'), 'X-RateLimit-Remaining': '0' });
      h.clock.now = Date.parse('2026-05-10T21:59:59Z'); // Sunday 23:59:59 local
      await refusal(h.admit({ key, user }));
      h.clock.now = Date.parse('2026-05-10T22:00:00Z');
      await expect(h.admit({ key, user })).resolves.toMatchObject({ enforced: true });
    });

    it('sums the calendar month (across a week boundary) and resets on the 1st', async () => {
      const h = await limiterHarness({ now: Date.parse('2026-05-01T06:00:00Z'), config: BERLIN });
      const user = makeUser();
      const key = makeKey({ limitMonthlyUsd: 1 });
      await h.spend({ key, user, costUsd: 0.6 });
      h.clock.now = Date.parse('2026-05-31T20:00:00Z');
      await h.spend({ key, user, costUsd: 0.4 });
      const err = await refusal(h.admit({ key, user }));
      expect(err.extra.limit).toBe('monthly');
      expect(err.message).toBe('key monthly spend limit of $1.00 reached; resets in 2h');
      h.clock.now = Date.parse('2026-05-31T22:00:00Z'); // June 1st 00:00 local
      await expect(h.admit({ key, user })).resolves.toMatchObject({ enforced: true });
    });

    it('never resets a total limit: Retry-After is a day and the message names no reset', async () => {
      const h = await limiterHarness();
      const user = makeUser({ limitTotalUsd: 2 });
      const key = makeKey();
      await h.spend({ key, user, costUsd: 1.5 });
      h.clock.now = NOW + 60 * 86_400_000;
      await h.spend({ key, user, costUsd: 0.5 });
      const err = await refusal(h.admit({ key, user }));
      expect(err.extra.limit).toBe('total');
      expect(err.message).toBe('total spend limit of $2.00 reached');
      expect(err.extra.headers?.['Retry-After']).toBe('86400');
    });
  });

  describe('limiter: reservations', () => {
    it('counts in-flight estimates against the budget and releases them at settle', async () => {
      const h = await limiterHarness();
      const user = makeUser({ dailyLimitUsd: 1 });
      const key = makeKey();
      const a = await h.admit({ key, user, estimateNanos: usd(0.6) });
      expect(a).toMatchObject({ reservedNanos: usd(0.6), enforced: true });
      const b = await h.admit({ key, user, estimateNanos: usd(0.6) });
      const err = await refusal(h.admit({ key, user, estimateNanos: usd(0.6) }));
      expect(err.extra.limit).toBe('daily');
      expect(err.extra.headers?.['X-RateLimit-Remaining']).toBe('0');
      await h.limiter.settle(a, { costNanos: usd(0.1), providerId: null, nowMs: h.clock.now });
      await h.limiter.settle(b, { costNanos: usd(0.1), providerId: null, nowMs: h.clock.now });
      await expect(h.admit({ key, user, estimateNanos: usd(0.6) })).resolves.toMatchObject({ enforced: true });
      const daily = (await h.limiter.usage('user', user.id, user)).windows.find((w) => w.window === 'daily');
      expect(daily).toMatchObject({ usedUsd: 0.2, reservedUsd: 0.6, limitUsd: 1 });
    });

    it('lets the reservation of a request that never settles (crashed instance) roll off after 20 minutes', async () => {
      const h = await limiterHarness();
      const user = makeUser({ limit5hUsd: 1 });
      const key = makeKey();
      await h.admit({ key, user, estimateNanos: usd(5) });
      await refusal(h.admit({ key, user }));
      h.clock.now = NOW + 20 * 60_000 - 1;
      await refusal(h.admit({ key, user }));
      h.clock.now = NOW + 20 * 60_000;
      await expect(h.admit({ key, user })).resolves.toMatchObject({ enforced: true });
    });

    it('overshoots a nearly spent budget under 20 parallel requests by less than one request plus the estimate shortfalls', async () => {
      const h = await limiterHarness();
      const limit = 1;
      const user = makeUser({ dailyLimitUsd: limit });
      const key = makeKey({ limit5hUsd: limit });
      await h.spend({ key, user, costUsd: 0.95 });
      const estimate = 0.02;
      const actual = 0.03; // every request costs 50% more than its estimate
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => h.admit({ key, user, sessionId: `agent-${i}`, estimateNanos: usd(estimate) })),
      );
      const admitted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      // Exactly the requests that fit: 0.95 + 0.02·k < 1 for k = 0, 1, 2.
      expect(admitted).toHaveLength(3);
      await Promise.all(admitted.map((t) => h.limiter.settle(t, { costNanos: usd(actual), providerId: null, nowMs: h.clock.now })));
      const spent = (await h.limiter.usage('key', key.id, key)).windows.find((w) => w.window === '5h')!.usedUsd;
      // docs/limits.md: overshoot < a_last + Σ over the other admitted requests of (actual − estimate).
      const bound = actual + (admitted.length - 1) * (actual - estimate);
      expect(spent).toBeCloseTo(0.95 + 3 * actual, 9);
      expect(spent - limit).toBeLessThan(bound);
      await refusal(h.admit({ key, user }));
    });
  });

  describe('limiter: settle', () => {
    it('adds cost exactly (integer nanos) to key, user and provider windows', async () => {
      const h = await limiterHarness();
      const user = makeUser({ dailyLimitUsd: 100 });
      const key = makeKey();
      for (let i = 0; i < 10; i++) await h.spend({ key, user, costUsd: 0.1, providerId: 'prv_1' });
      for (const [scope, id] of [['key', key.id], ['user', user.id]] as const) {
        const report = await h.limiter.usage(scope, id, scope === 'key' ? key : user);
        expect(report.windows.map((w) => w.usedUsd)).toEqual([1, 1, 1, 1, 1]);
      }
    });

    it('charges a request to the windows of its start, so one running across midnight counts for the day it was admitted', async () => {
      const start = Date.parse('2026-05-06T21:59:00Z'); // 23:59 in Berlin
      const h = await limiterHarness({ now: start, config: BERLIN });
      const user = makeUser({ dailyLimitUsd: 1 });
      const key = makeKey();
      const ticket = await h.limiter.admit({ key, user, sessionId: 's', requestId: newRequestIdAt(start), estimateNanos: 0 });
      h.clock.now = start + 120_000;
      await h.limiter.settle(ticket, { costNanos: usd(1), providerId: null, nowMs: h.clock.now });
      await expect(h.admit({ key, user })).resolves.toMatchObject({ enforced: true });
      h.clock.now = start;
      await refusal(h.admit({ key, user }));
    });

    it('adds nothing for a null or zero cost', async () => {
      const h = await limiterHarness();
      const user = makeUser({ dailyLimitUsd: 1 });
      const key = makeKey();
      for (const costNanos of [null, 0]) {
        const ticket = await h.admit({ key, user, estimateNanos: usd(0.5) });
        await h.limiter.settle(ticket, { costNanos, providerId: null, nowMs: h.clock.now });
      }
      const report = await h.limiter.usage('user', user.id, user);
      expect(report.windows.every((w) => w.usedUsd === 0 && w.reservedUsd === 0)).toBe(true);
    });

    it('accepts a ticket passed back as plain data (without rpmCounted) and counts RPM only once', async () => {
      const h = await limiterHarness();
      const user = makeUser({ rpmLimit: 10 });
      const key = makeKey();
      const { rpmCounted: _drop, ...ticket } = await h.admit({ key, user });
      await h.limiter.settle(ticket, { costNanos: 1, providerId: null, nowMs: h.clock.now });
      expect((await h.limiter.usage('user', user.id, user)).rpm.used).toBe(1);
    });

    it('settles a request admitted with an unknown id without error (idempotent state update)', async () => {
      const h = await limiterHarness();
      const ticket = { requestId: newRequestId(), sessionId: 's', keyId: 'k', userId: 'u', reservedNanos: 0, enforced: true };
      await expect(h.limiter.settle(ticket, { costNanos: null, providerId: null, nowMs: h.clock.now })).resolves.toBeUndefined();
    });
  });
});
