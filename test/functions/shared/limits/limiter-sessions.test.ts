import { describe, expect, it } from 'vitest';
import { makeKey, makeUser, NOW, refusal, limiterHarness as harness, STATE_BACKENDS, type HarnessOptions } from './limiter-fixtures.js';

const TTL = 300;

describe.each(STATE_BACKENDS)('on the %s state backend', (_backend, backendConfig) => {
  const limiterHarness = (options: HarnessOptions = {}) => harness({ ...options, config: { ...backendConfig, ...options.config } });

  describe('limiter: concurrent sessions', () => {
    it('refuses a second session while the first is in flight and for SESSION_TTL after it ends, then admits it', async () => {
      const h = await limiterHarness({ config: { sessionTtlSec: TTL } });
      const user = makeUser({ concurrentSessions: 1 });
      const key = makeKey();
      const first = await h.admit({ key, user, sessionId: 'sess-a' });

      const inFlight = await refusal(h.admit({ key, user, sessionId: 'sess-b' }));
      expect(inFlight.extra.limit).toBe('concurrent_sessions');
      expect(inFlight.message).toBe('concurrent session limit of 1 reached; resets in 5m');
      expect(inFlight.extra.headers).toMatchObject({ 'X-RateLimit-Limit': '1', 'X-RateLimit-Remaining': '0', 'Retry-After': String(TTL) });

      // The active session's own requests keep passing, also in parallel.
      const again = await h.admit({ key, user, sessionId: 'sess-a' });
      h.clock.now = NOW + 10_000;
      await h.limiter.settle(first, { costNanos: 5, providerId: null, nowMs: h.clock.now });
      await h.limiter.settle(again, { costNanos: 5, providerId: null, nowMs: h.clock.now });

      const idle = await refusal(h.admit({ key, user, sessionId: 'sess-b' }));
      expect(idle.extra.headers?.['X-RateLimit-Reset']).toBe(String((NOW + 10_000) / 1000 + TTL));
      h.clock.now = NOW + 10_000 + TTL * 1000 - 1;
      await refusal(h.admit({ key, user, sessionId: 'sess-b' }));
      await h.admit({ key, user, sessionId: 'sess-a' }).then((t) => h.limiter.settle(t, { costNanos: 0, providerId: null, nowMs: h.clock.now }));
      h.clock.now += TTL * 1000;
      await expect(h.admit({ key, user, sessionId: 'sess-b' })).resolves.toMatchObject({ enforced: true });
    });

    it('releases a session that ended by a client abort the same way: nothing leaks', async () => {
      const h = await limiterHarness({ config: { sessionTtlSec: TTL } });
      const user = makeUser({ concurrentSessions: 1 });
      const key = makeKey();
      const aborted = await h.admit({ key, user, sessionId: 'sess-a', estimateNanos: 1_000 });
      h.clock.now = NOW + 2_000;
      await h.limiter.settle(aborted, { costNanos: null, providerId: null, nowMs: h.clock.now });
      await refusal(h.admit({ key, user, sessionId: 'sess-b' }));
      h.clock.now = NOW + 2_000 + TTL * 1000;
      expect((await h.limiter.usage('user', user.id, user)).activeSessions).toEqual({ limit: 1, used: 0 });
      expect((await h.limiter.usage('user', user.id, user)).windows[0]!.reservedUsd).toBe(0);
      await expect(h.admit({ key, user, sessionId: 'sess-b' })).resolves.toMatchObject({ enforced: true });
    });

    it('keeps a session active while another of its requests is still in flight', async () => {
      const h = await limiterHarness({ config: { sessionTtlSec: TTL } });
      const user = makeUser({ concurrentSessions: 1 });
      const key = makeKey();
      const short = await h.admit({ key, user, sessionId: 'sess-a' });
      await h.admit({ key, user, sessionId: 'sess-a' }); // a long stream, settled much later
      await h.limiter.settle(short, { costNanos: 1, providerId: null, nowMs: h.clock.now });
      h.clock.now = NOW + (TTL + 60) * 1000;
      await refusal(h.admit({ key, user, sessionId: 'sess-b' }));
    });

    it('lets the in-flight mark of a crashed instance expire after 15 minutes plus SESSION_TTL', async () => {
      const h = await limiterHarness({ config: { sessionTtlSec: TTL } });
      const user = makeUser();
      const key = makeKey({ concurrentSessions: 1 });
      await h.admit({ key, user, sessionId: 'sess-a' });
      h.clock.now = NOW + (15 * 60 + TTL) * 1000 - 1;
      const err = await refusal(h.admit({ key, user, sessionId: 'sess-b' }));
      expect(err.message).toMatch(/^key concurrent session limit of 1 reached/);
      h.clock.now += 1;
      await expect(h.admit({ key, user, sessionId: 'sess-b' })).resolves.toMatchObject({ enforced: true });
    });

    it('admits exactly the limit out of new sessions arriving in parallel', async () => {
      const h = await limiterHarness();
      const user = makeUser({ concurrentSessions: 2 });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => h.admit({ key: makeKey(), user, sessionId: `sess-${i}` })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      expect((await h.limiter.usage('user', user.id, user)).activeSessions).toEqual({ limit: 2, used: 2 });
    });

    it('does not let a refused request make its session active', async () => {
      const h = await limiterHarness();
      const user = makeUser({ concurrentSessions: 1, dailyLimitUsd: 1 });
      const key = makeKey();
      await h.spend({ key, user, costUsd: 1, sessionId: 'sess-a' });
      h.clock.now = NOW + 86_400_000; // next day: budget back, sess-a long idle
      const blocked = makeUser({ ...user, dailyLimitUsd: 0 });
      await refusal(h.admit({ key, user: blocked, sessionId: 'sess-b' }));
      await expect(h.admit({ key, user, sessionId: 'sess-c' })).resolves.toMatchObject({ enforced: true });
    });

    it('counts key and user sessions separately: a session new to the key is capped by the key', async () => {
      const h = await limiterHarness();
      const user = makeUser({ concurrentSessions: 5 });
      const laptop = makeKey({ id: 'key_laptop', concurrentSessions: 1 });
      const ci = makeKey({ id: 'key_ci' });
      await h.admit({ key: laptop, user, sessionId: 'sess-a' });
      await h.admit({ key: ci, user, sessionId: 'sess-b' });
      expect((await refusal(h.admit({ key: laptop, user, sessionId: 'sess-b' }))).message).toMatch(/^key concurrent/);
      await expect(h.admit({ key: ci, user, sessionId: 'sess-a' })).resolves.toMatchObject({ enforced: true });
    });
  });
});
