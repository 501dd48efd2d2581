// Limit windows: calendar day/week/month in HUB_TIMEZONE, 5-minute spend buckets and the rolling 5h sum.

import { addDays, calendarDateAt, formatDate, isoWeekdayIndex, localDayAt, startOfDate, type CalendarDate, type LocalDay } from './zoned-time.js';

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
  return localDayAt(ms, tz).dateString;
}

export function startOfLocalDay(ms: number, tz: string): number {
  return startOfDate(calendarDateAt(ms, tz), tz);
}

export function nextLocalDayStart(ms: number, tz: string): number {
  return startOfDate(addDays(calendarDateAt(ms, tz), 1), tz);
}

function mondayOfDate(today: Readonly<CalendarDate>): CalendarDate {
  return addDays(today, -isoWeekdayIndex(today));
}

function mondayOf(ms: number, tz: string): CalendarDate {
  return mondayOfDate(calendarDateAt(ms, tz));
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

/** Dates from `first` through `today` (local dates, YYYY-MM-DD). */
function datesFrom(first: CalendarDate, today: Readonly<CalendarDate>): string[] {
  const last = formatDate(today);
  const dates: string[] = [];
  for (let date = first; formatDate(date) <= last; date = addDays(date, 1)) dates.push(formatDate(date));
  return dates;
}

/**
 * The week's and the month's dates depend on the local date alone, so they are kept per date (the
 * same lists for every request of a day, in whatever zone). Shared lists: never change one.
 */
const weekLists = new Map<string, readonly string[]>();
const monthLists = new Map<string, readonly string[]>();
const MAX_LISTS = 64;

function listFor(lists: Map<string, readonly string[]>, today: LocalDay, first: (today: Readonly<CalendarDate>) => CalendarDate) {
  let list = lists.get(today.dateString);
  if (!list) {
    list = Object.freeze(datesFrom(first(today.date), today.date));
    if (lists.size >= MAX_LISTS) lists.clear();
    lists.set(today.dateString, list);
  }
  return list;
}

const firstOfMonth = (today: Readonly<CalendarDate>): CalendarDate => ({ year: today.year, month: today.month, day: 1 });

/** Local dates from this week's Monday through today: the daily counters the weekly window sums. */
export function weekDates(ms: number, tz: string): readonly string[] {
  return listFor(weekLists, localDayAt(ms, tz), mondayOfDate);
}

/** Local dates from the 1st of this month through today. */
export function monthDates(ms: number, tz: string): readonly string[] {
  return listFor(monthLists, localDayAt(ms, tz), firstOfMonth);
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

/** Spend in the rolling 5h window, in nanos (`rollingSum` over the buckets, without copying them). */
export function rollingUsage(buckets: readonly SpendBucket[], nowMs: number): number {
  let sum = 0;
  for (const b of buckets) if ((b.startSec + FIVE_HOURS_SEC) * 1000 > nowMs) sum += b.nanos;
  return sum;
}

/** Seconds until the rolling 5h spend falls below `limitNanos` (0 if it already is). */
export function rollingRetryAfterSec(buckets: readonly SpendBucket[], nowMs: number, limitNanos: number): number {
  return rollingRetryAfter(asAmounts(buckets), nowMs, FIVE_HOURS_SEC, limitNanos);
}
