// Limit windows: calendar day/week/month in HUB_TIMEZONE, 5-minute spend buckets and the rolling 5h sum.

import { addDays, calendarDateAt, formatDate, isoWeekdayIndex, startOfDate, type CalendarDate } from './zoned-time.js';

export const FIVE_HOURS_SEC = 5 * 3600;
export const DEFAULT_BUCKET_SEC = 300;

export interface SpendBucket {
  /** Epoch seconds, aligned by `bucketStart`. */
  startSec: number;
  /** Integer nano-USD (1 USD = 1e9). */
  nanos: number;
}

/** YYYY-MM-DD of `ms` in `tz`. */
export function localDate(ms: number, tz: string): string {
  return formatDate(calendarDateAt(ms, tz));
}

export function startOfLocalDay(ms: number, tz: string): number {
  return startOfDate(calendarDateAt(ms, tz), tz);
}

export function nextLocalDayStart(ms: number, tz: string): number {
  return startOfDate(addDays(calendarDateAt(ms, tz), 1), tz);
}

function mondayOf(ms: number, tz: string): CalendarDate {
  const today = calendarDateAt(ms, tz);
  return addDays(today, -isoWeekdayIndex(today));
}

/** Monday 00:00 local of the week containing `ms`. */
export function weekStart(ms: number, tz: string): number {
  return startOfDate(mondayOf(ms, tz), tz);
}

export function nextWeekStart(ms: number, tz: string): number {
  return startOfDate(addDays(mondayOf(ms, tz), 7), tz);
}

export function monthStart(ms: number, tz: string): number {
  const { year, month } = calendarDateAt(ms, tz);
  return startOfDate({ year, month, day: 1 }, tz);
}

export function nextMonthStart(ms: number, tz: string): number {
  const { year, month } = calendarDateAt(ms, tz);
  return startOfDate(month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 }, tz);
}

function datesFrom(first: CalendarDate, ms: number, tz: string): string[] {
  const last = localDate(ms, tz);
  const dates: string[] = [];
  for (let date = first; formatDate(date) <= last; date = addDays(date, 1)) dates.push(formatDate(date));
  return dates;
}

/** Local dates from this week's Monday through today: the daily counters the weekly window sums. */
export function weekDates(ms: number, tz: string): string[] {
  return datesFrom(mondayOf(ms, tz), ms, tz);
}

/** Local dates from the 1st of this month through today. */
export function monthDates(ms: number, tz: string): string[] {
  const { year, month } = calendarDateAt(ms, tz);
  return datesFrom({ year, month, day: 1 }, ms, tz);
}

/** Start of the bucket holding `ms`, in epoch seconds. */
export function bucketStart(ms: number, bucketSec: number = DEFAULT_BUCKET_SEC): number {
  return Math.floor(ms / 1000 / bucketSec) * bucketSec;
}

/** Sum of the amounts whose bucket started within the last `windowSec` (a bucket counts until start + window). */
export function rollingSum(buckets: readonly { startSec: number; amount: number }[], nowMs: number, windowSec: number): number {
  return buckets.reduce((sum, b) => ((b.startSec + windowSec) * 1000 > nowMs ? sum + b.amount : sum), 0);
}

/**
 * Whole seconds until enough buckets leave the window that the sum drops below `limit`; 0 when
 * already below. A limit of 0 or less is never undercut, so the full window length is returned.
 */
export function rollingRetryAfter(
  buckets: readonly { startSec: number; amount: number }[],
  nowMs: number,
  windowSec: number,
  limit: number,
): number {
  if (limit <= 0) return windowSec;
  const active = buckets.filter((b) => (b.startSec + windowSec) * 1000 > nowMs).sort((a, b) => a.startSec - b.startSec);
  let used = active.reduce((sum, b) => sum + b.amount, 0);
  for (const bucket of active) {
    if (used < limit) break;
    used -= bucket.amount;
    if (used < limit) return Math.ceil(((bucket.startSec + windowSec) * 1000 - nowMs) / 1000);
  }
  return used < limit ? 0 : windowSec;
}

function asAmounts(buckets: readonly SpendBucket[]): { startSec: number; amount: number }[] {
  return buckets.map((b) => ({ startSec: b.startSec, amount: b.nanos }));
}

/** Spend in the rolling 5h window, in nanos. */
export function rollingUsage(buckets: readonly SpendBucket[], nowMs: number): number {
  return rollingSum(asAmounts(buckets), nowMs, FIVE_HOURS_SEC);
}

/** Seconds until the rolling 5h spend falls below `limitNanos` (0 if it already is). */
export function rollingRetryAfterSec(buckets: readonly SpendBucket[], nowMs: number, limitNanos: number): number {
  return rollingRetryAfter(asAmounts(buckets), nowMs, FIVE_HOURS_SEC, limitNanos);
}
