import { describe, expect, it } from 'vitest';
import { newRequestId, timeOfRequestId } from '../../../functions/shared/ids.js';

describe('request ids', () => {
  it('carry their start time and a random suffix in the stored form', () => {
    const at = Date.parse('2026-11-28T09:00:00.123Z');
    const id = newRequestId(at);
    expect(id).toMatch(/^req_[0-9a-z]{9}[A-Za-z0-9_-]{11}$/);
    expect(timeOfRequestId(id)).toBe(at);
  });

  it('stay unique across many pool refills, even for one millisecond', () => {
    const at = Date.parse('2026-11-28T09:00:00.123Z');
    // 20 000 ids use about 40 refills of the random pool.
    const ids = Array.from({ length: 20_000 }, () => newRequestId(at));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spread their random suffixes over every character', () => {
    // 8 random bytes → 11 base64url characters; the first 10 carry 6 random bits each.
    const seen = Array.from({ length: 10 }, () => new Set<string>());
    for (let i = 0; i < 5000; i++) {
      const suffix = newRequestId(0).slice(13);
      for (let c = 0; c < 10; c++) seen[c]!.add(suffix[c]!);
    }
    for (const chars of seen) expect(chars.size).toBe(64);
  });

  it('reject what is not a request id', () => {
    expect(timeOfRequestId('req_short')).toBeNull();
    expect(timeOfRequestId('usr_0mx10j7u8AbCdEfGhIjK')).toBeNull();
  });
});
