// Statistics at settle: one request adds its counts to daily rollups per dimension and to a sharded hourly global item.
import type { HubConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { keys, type RollupDimension } from '../db/keys.js';
import type { WriteCoalescer } from '../db/write-coalescer.js';
import { localDate } from '../limits/windows.js';
import type { RequestLog } from '../types.js';

/** Hourly global items per hour: requests spread over this many items so none is written by every request. */
export const ROLLUP_HOUR_SHARDS = 8;

/** The counters every rollup item carries (cost in integer nano-USD, so sums stay exact). */
export const ROLLUP_COUNTERS = [
  'requests',
  'errors',
  'costNanos',
  'inputTokens',
  'outputTokens',
  'cacheCreationInputTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'cacheReadInputTokens',
  'reasoningTokens',
] as const;

export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
export type RollupCounts = Record<RollupCounter, number>;

export interface StatsRecorderDeps {
  db: Db;
  config: Pick<HubConfig, 'timezone'>;
  /** Rollup updates are merged per item across requests (write-coalescer.ts). */
  writes: WriteCoalescer;
}

/** FNV-1a of the request id: cheap, stable and evenly spread over the shards. */
export function rollupShard(requestId: string, shards = ROLLUP_HOUR_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    hash ^= requestId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** What one request adds to every rollup it belongs to. */
export function countsOf(log: RequestLog, costNanos: number | null): RollupCounts {
  return {
    requests: 1,
    errors: log.statusCode >= 400 || log.error ? 1 : 0,
    costNanos: costNanos ?? 0,
    inputTokens: log.inputTokens,
    outputTokens: log.outputTokens,
    cacheCreationInputTokens: log.cacheCreationInputTokens,
    cacheWrite5mTokens: log.cacheWrite5mTokens,
    cacheWrite1hTokens: log.cacheWrite1hTokens,
    cacheReadInputTokens: log.cacheReadInputTokens,
    reasoningTokens: log.reasoningTokens,
  };
}

/** The dimensions a request is counted under; a missing id (e.g. no provider reached) is left out. */
export function dimensionsOf(log: RequestLog): [RollupDimension, string][] {
  const dims: [RollupDimension, string | null][] = [
    ['user', log.userId],
    ['key', log.keyId],
    ['provider', log.providerId],
    ['model', log.model],
  ];
  return dims.filter((d): d is [RollupDimension, string] => typeof d[1] === 'string' && d[1] !== '');
}

/** Requests whose rollup writes failed halfway that are remembered for their retry, at most. */
const MAX_PENDING_RECORDS = 10_000;
/** Daily rollup targets remembered per dimension (ids come from requests: model names are unbounded). */
const MAX_CACHED_TARGETS = 1000;

/** One rollup item a request adds to: its key and the attributes it sets, shared by every request that adds to it. */
interface RollupTarget {
  key: { PK: string; SK: string };
  attributes: Record<string, string>;
  /** Identifies the item in the retry bookkeeping. */
  progressKey: string;
}

function targetOf(key: { PK: string; SK: string }, attributes: Record<string, string>): RollupTarget {
  return { key, attributes, progressKey: `${key.PK}\n${key.SK}` };
}

/**
 * The rollup items of a day and of an hour are the same for every request of that day or hour:
 * built once, not per request (updates are kept unchanged by the coalescer, so sharing is safe).
 */
function createTargetCache() {
  let day: string | null = null;
  let daily = new Map<RollupDimension, Map<string, RollupTarget>>();
  let hourIndex = Number.NaN;
  let hourly: { hour: string; shards: RollupTarget[] } | null = null;
  return {
    daily(date: string, dimension: RollupDimension, id: string): RollupTarget {
      if (date !== day) {
        day = date;
        daily = new Map();
      }
      let byId = daily.get(dimension);
      if (byId === undefined) daily.set(dimension, (byId = new Map()));
      let target = byId.get(id);
      if (target === undefined) {
        if (byId.size >= MAX_CACHED_TARGETS) byId.clear();
        target = targetOf(keys.rollup(date, dimension, id), { entity: 'rollup', date, dimension, id });
        byId.set(id, target);
      }
      return target;
    },
    hourly(at: number, shard: number): RollupTarget {
      const index = Math.floor(at / 3_600_000);
      if (index !== hourIndex || hourly === null) {
        const hour = new Date(at).toISOString().slice(0, 13);
        hourIndex = index;
        hourly = { hour, shards: [] };
      }
      return (hourly.shards[shard] ??= targetOf(keys.rollupHour(hourly.hour, shard), { entity: 'rollupHour', hour: hourly.hour }));
    },
  };
}

export function createStatsRecorder(deps: StatsRecorderDeps) {
  const addCounts = (target: RollupTarget, counts: RollupCounts) => deps.writes.update({ key: target.key, add: counts, set: target.attributes });
  const cache = createTargetCache();
  /** requestId → rollup items already counted by a record() that failed on others, so its retry adds nothing twice. */
  const progress = new Map<string, Set<string>>();
  return {
    /**
     * Adds one settled request to its daily rollups (date of `createdAt` in HUB_TIMEZONE) and to its
     * UTC hour's global shard. Call once per request; after a failure call it again with the same
     * request: ADD is not idempotent, so only the writes that failed are made again.
     */
    async record(log: RequestLog, costNanos: number | null): Promise<void> {
      const at = Date.parse(log.createdAt);
      if (!Number.isFinite(at)) throw new RangeError(`request ${log.id} has no valid createdAt: ${log.createdAt}`);
      const counts = countsOf(log, costNanos);
      const date = localDate(at, deps.config.timezone);
      const targets: RollupTarget[] = [];
      for (const [dimension, id] of dimensionsOf(log)) targets.push(cache.daily(date, dimension, id));
      targets.push(cache.hourly(at, rollupShard(log.id)));
      const done = progress.get(log.id);
      const pending = done === undefined ? targets : targets.filter((t) => !done.has(t.progressKey));
      // Every write is attempted even when one fails, then the first failure is reported.
      const results = await Promise.allSettled(pending.map((t) => addCounts(t, counts)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        const counted = done ?? new Set<string>();
        results.forEach((r, i) => r.status === 'fulfilled' && counted.add(pending[i]!.progressKey));
        if (progress.size >= MAX_PENDING_RECORDS) progress.clear();
        progress.set(log.id, counted);
        throw failed.reason;
      }
      progress.delete(log.id);
    },
  };
}

export type StatsRecorder = ReturnType<typeof createStatsRecorder>;
