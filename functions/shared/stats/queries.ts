// Statistics reads: summary and series from the hourly global rollups, leaderboards from the daily
// rollups. Each reads a handful of rollup partitions with Query; request logs are never scanned.
import { queryAll, type Db } from '../db/client.js';
import { keys, type RollupDimension } from '../db/keys.js';
import type { Services } from '../services.js';
import { daysOverlapping, hoursOverlapping, utcHourLabel, type SummaryRange } from './ranges.js';
import { ROLLUP_COUNTERS, type RollupCounts } from './rollups.js';

export type StatsReaderDeps = Pick<Services, 'db' | 'config' | 'users' | 'apiKeys' | 'providers'>;

/** Partitions read at once: a year-long summary is ~400 Queries, never all in flight together. */
const QUERY_CONCURRENCY = 8;

export interface StatsTotals {
  requests: number;
  errors: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadInputTokens: number;
  reasoningTokens: number;
}

export interface SeriesPoint extends StatsTotals {
  /** Start of the hour or local day (ISO, UTC). */
  t: string;
}

export interface StatsSummary extends StatsTotals {
  from: string;
  to: string;
  granularity: SummaryRange['granularity'];
  series: SeriesPoint[];
}

export interface LeaderboardItem extends StatsTotals {
  id: string;
  name: string;
}

export interface LeaderboardQuery {
  by: RollupDimension;
  /** Local dates (HUB_TIMEZONE) whose rollups are summed: one for daily, the month's for monthly. */
  dates: string[];
}

function zeroCounts(): RollupCounts {
  return Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as RollupCounts;
}

function addInto(target: RollupCounts, item: Record<string, unknown>): void {
  for (const counter of ROLLUP_COUNTERS) {
    const value = item[counter];
    if (typeof value === 'number') target[counter] += value;
  }
}

function totalsOf(counts: RollupCounts): StatsTotals {
  const { costNanos, ...rest } = counts;
  return { ...rest, costUsd: costNanos / 1e9 };
}

/** A rollup partition, optionally narrowed to a sort-key range or prefix. */
function queryPartition(db: Db, pk: string, sk: { between?: [string, string]; prefix?: string }): Promise<Record<string, unknown>[]> {
  const values: Record<string, unknown> = { ':pk': pk };
  let condition = 'PK = :pk';
  if (sk.between) {
    condition += ' AND SK BETWEEN :lo AND :hi';
    values[':lo'] = sk.between[0];
    values[':hi'] = sk.between[1];
  } else if (sk.prefix) {
    condition += ' AND begins_with(SK, :prefix)';
    values[':prefix'] = sk.prefix;
  }
  return queryAll(db, { KeyConditionExpression: condition, ExpressionAttributeValues: values });
}

/** Runs `task` over `inputs`, at most `limit` at a time, keeping input order in the result. */
async function mapLimited<T, R>(inputs: readonly T[], limit: number, task: (input: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await task(inputs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

export function createStatsReader(deps: StatsReaderDeps) {
  const { db } = deps;
  const tz = deps.config.timezone;

  /** Counts per UTC hour (epoch ms of its start), shards merged, for the hours in the range. */
  async function hourlyCounts(hours: number[]): Promise<Map<number, RollupCounts>> {
    const byDate = new Map<string, string[]>();
    for (const h of hours) {
      const label = utcHourLabel(h);
      const date = label.slice(0, 10);
      byDate.set(date, [...(byDate.get(date) ?? []), label]);
    }
    const pages = await mapLimited([...byDate], QUERY_CONCURRENCY, ([date, labels]) => {
      const first = keys.rollupHourPrefix(labels[0]);
      const last = keys.rollupHourPrefix(labels[labels.length - 1]);
      return queryPartition(db, keys.rollupHourPartition(date), { between: [first, `${last}~`] });
    });
    const counts = new Map<number, RollupCounts>();
    for (const item of pages.flat()) {
      const hour = Date.parse(`${String(item.SK).slice(0, 13)}:00:00Z`);
      const target = counts.get(hour) ?? zeroCounts();
      addInto(target, item);
      counts.set(hour, target);
    }
    return counts;
  }

  async function resolveNames(by: RollupDimension, ids: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    if (by === 'user') for (const u of await deps.users.list()) names.set(u.id, u.name);
    if (by === 'provider') for (const p of await deps.providers.list()) names.set(p.id, p.name);
    if (by === 'key') {
      const found = await mapLimited(ids, QUERY_CONCURRENCY, (id) => deps.apiKeys.get(id));
      for (const key of found) if (key) names.set(key.id, key.name);
    }
    return names;
  }

  return {
    /** Totals and a series (hourly or per local day) for [fromMs, toMs), at UTC-hour resolution. */
    async summary(range: SummaryRange): Promise<StatsSummary> {
      const hours = hoursOverlapping(range.fromMs, range.toMs);
      const counts = await hourlyCounts(hours);
      const total = zeroCounts();
      for (const c of counts.values()) addInto(total, c);

      const starts = range.granularity === 'hour' ? hours : daysOverlapping(range.fromMs, range.toMs, tz);
      const buckets = new Map(starts.map((s) => [s, zeroCounts()]));
      for (const [hour, c] of counts) {
        // An hour belongs to the local day it starts in (zones with a half-hour offset split no hour).
        const bucket = range.granularity === 'hour' ? hour : starts.findLast((s) => s <= hour) ?? starts[0];
        addInto(buckets.get(bucket)!, c);
      }
      const series = starts.map((s) => ({ t: new Date(s).toISOString(), ...totalsOf(buckets.get(s)!) }));
      return {
        from: new Date(range.fromMs).toISOString(),
        to: new Date(range.toMs).toISOString(),
        granularity: range.granularity,
        ...totalsOf(total),
        series,
      };
    },

    /** Entities of one dimension ranked by cost (then requests, then id), summed over the given days. */
    async leaderboard(query: LeaderboardQuery): Promise<LeaderboardItem[]> {
      const pages = await mapLimited(query.dates, QUERY_CONCURRENCY, (date) =>
        queryPartition(db, keys.rollupPartition(date), { prefix: keys.rollupDimensionPrefix(query.by) }),
      );
      const byId = new Map<string, RollupCounts>();
      for (const item of pages.flat()) {
        const id = String(item.SK).slice(keys.rollupDimensionPrefix(query.by).length);
        const target = byId.get(id) ?? zeroCounts();
        addInto(target, item);
        byId.set(id, target);
      }
      const ranked = [...byId].sort(
        ([idA, a], [idB, b]) => b.costNanos - a.costNanos || b.requests - a.requests || (idA < idB ? -1 : idA > idB ? 1 : 0),
      );
      const names = await resolveNames(query.by, ranked.map(([id]) => id));
      return ranked.map(([id, counts]) => ({ id, name: names.get(id) ?? id, ...totalsOf(counts) }));
    },
  };
}

export type StatsReader = ReturnType<typeof createStatsReader>;
