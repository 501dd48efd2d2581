import { describe, expect, it } from 'vitest';
import type { Db } from '../../../../functions/shared/db/client.js';
import type { ItemUpdate, WriteCoalescer } from '../../../../functions/shared/db/write-coalescer.js';
import { createStatsRecorder } from '../../../../functions/shared/stats/rollups.js';
import { requestLog } from './stats-fixtures.js';

/** The recorder writes through `writes` only. */
const NO_DB = {} as Db;

/** A write path that fails the first update of the items named in `failOnce`, and sums what it applied. */
function flakyWrites(failOnce: (key: ItemUpdate['key']) => boolean) {
  const applied = new Map<string, number>();
  const failed = new Set<string>();
  const writes: WriteCoalescer = {
    async update(u) {
      const k = `${u.key.PK}|${u.key.SK}`;
      if (failOnce(u.key) && !failed.has(k)) {
        failed.add(k);
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      }
      applied.set(k, (applied.get(k) ?? 0) + (u.add?.requests ?? 0));
    },
    put: async () => {},
    flush: async () => {},
  };
  return { writes, applied };
}

describe('rollups of a request whose writes failed halfway', () => {
  it('count the request once in every rollup when the settle retries it', async () => {
    const { writes, applied } = flakyWrites((key) => key.SK.startsWith('model#'));
    const recorder = createStatsRecorder({ db: NO_DB, writes, config: { timezone: 'UTC' } });
    const log = requestLog({ id: 'req_retry', createdAt: '2025-01-01T10:00:00Z', userId: 'usr_1', keyId: 'key_1', providerId: 'prv_1', model: 'm' });
    await expect(recorder.record(log, 1000)).rejects.toThrow('ECONNREFUSED');
    await recorder.record(log, 1000);
    expect(applied.size).toBe(5);
    expect([...applied.values()]).toEqual([1, 1, 1, 1, 1]);
  });

  it('count the request once in every rollup when a retry fails again', async () => {
    let failing = ['user#', 'model#'];
    const applied = new Map<string, number>();
    const writes: WriteCoalescer = {
      async update(u) {
        if (failing.some((prefix) => u.key.SK.startsWith(prefix))) throw new Error('connect ECONNREFUSED');
        applied.set(u.key.SK, (applied.get(u.key.SK) ?? 0) + (u.add?.requests ?? 0));
      },
      put: async () => {},
      flush: async () => {},
    };
    const recorder = createStatsRecorder({ db: NO_DB, writes, config: { timezone: 'UTC' } });
    const log = requestLog({ id: 'req_twice', createdAt: '2025-01-01T10:00:00Z', userId: 'usr_1', keyId: 'key_1', providerId: 'prv_1', model: 'm' });
    await expect(recorder.record(log, 1000)).rejects.toThrow('ECONNREFUSED');
    expect(applied.size).toBe(3);
    // The retry writes the user and model items only, and the model item fails a second time.
    failing = ['model#'];
    await expect(recorder.record(log, 1000)).rejects.toThrow('ECONNREFUSED');
    expect(applied.get('user#usr_1')).toBe(1);
    failing = [];
    await recorder.record(log, 1000);
    expect(applied.size).toBe(5);
    expect([...applied.values()]).toEqual([1, 1, 1, 1, 1]);
  });

  it('keep no bookkeeping for requests that went through', async () => {
    const { writes, applied } = flakyWrites(() => false);
    const recorder = createStatsRecorder({ db: NO_DB, writes, config: { timezone: 'UTC' } });
    const log = requestLog({ id: 'req_ok', createdAt: '2025-01-01T10:00:00Z', userId: 'usr_1', keyId: 'key_1', providerId: 'prv_1', model: 'm' });
    await recorder.record(log, 1000);
    // Recording the same request again (a caller bug) really counts it again: nothing was remembered.
    await recorder.record(log, 1000);
    expect([...applied.values()]).toEqual([2, 2, 2, 2, 2]);
  });
});
