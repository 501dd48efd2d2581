// Settled spend of every window from a scope's counters: rolling 5 h over the buckets, today, and
// weekly/monthly as sums of local day counters (pure).
import type { LimitState } from './limit-state.js';
import { localDate, monthDates, rollingUsage, weekDates, type SpendBucket } from './windows.js';

export interface SpendWindows {
  fiveHourBuckets: readonly SpendBucket[];
  fiveHourNanos: number;
  dailyNanos: number;
  weeklyNanos: number;
  monthlyNanos: number;
  totalNanos: number;
}

function sumDays(days: ReadonlyMap<string, number>, dates: readonly string[]): number {
  let sum = 0;
  for (const date of dates) sum += days.get(date) ?? 0;
  return sum;
}

export function spendWindows(state: Pick<LimitState, 'buckets' | 'days' | 'totalNanos'>, nowMs: number, tz: string): SpendWindows {
  return {
    fiveHourBuckets: state.buckets,
    fiveHourNanos: rollingUsage(state.buckets, nowMs),
    dailyNanos: state.days.get(localDate(nowMs, tz)) ?? 0,
    weeklyNanos: sumDays(state.days, weekDates(nowMs, tz)),
    monthlyNanos: sumDays(state.days, monthDates(nowMs, tz)),
    totalNanos: state.totalNanos,
  };
}
