// Time ranges of the statistics API: summary ranges and series buckets, leaderboard day partitions.
import { nextLocalDayStart, startOfLocalDay } from '../limits/windows.js';
import { addDays, formatDate, startOfDate, type CalendarDate } from '../limits/zoned-time.js';

export const HOUR_MS = 3_600_000;
/** Ranges up to this long get an hourly series, longer ones a daily series. */
export const HOURLY_SERIES_MAX_MS = 48 * HOUR_MS;
export const MAX_SUMMARY_RANGE_MS = 400 * 24 * HOUR_MS;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export type Granularity = 'hour' | 'day';

export interface SummaryRange {
  fromMs: number;
  toMs: number;
  granularity: Granularity;
}

export class RangeInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** `YYYY-MM-DD` as a calendar date, or null when it is not a real date. */
export function parseCalendarDate(value: string): CalendarDate | null {
  const m = DATE_ONLY.exec(value);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return formatDate(addDays(date, 0)) === value ? date : null;
}

export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * A `from`/`to` value: a date means that whole local day in `tz` (so `to` is inclusive: it ends at
 * the next local midnight), an ISO time is taken as it is.
 */
function boundOf(value: string, edge: 'from' | 'to', tz: string): number {
  const date = parseCalendarDate(value);
  if (date) return edge === 'from' ? startOfDate(date, tz) : startOfDate(addDays(date, 1), tz);
  if (DATE_ONLY.test(value)) throw new RangeInputError(edge, 'not a calendar date');
  // Only full ISO-8601 times with a zone: Date.parse alone accepts too many loose forms.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new RangeInputError(edge, 'must be an ISO-8601 time with a zone (2025-01-31T12:00:00Z) or a date (2025-01-31)');
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeInputError(edge, 'not a valid time');
  return ms;
}

/**
 * The summary range. Defaults: `to` = now; `from` = the start of the hour 23 hours before the hour
 * holding `to`, so the default series has exactly 24 hourly points ending with the current hour.
 */
export function resolveSummaryRange(input: { from?: string; to?: string }, nowMs: number, tz: string): SummaryRange {
  const toMs = input.to ? boundOf(input.to, 'to', tz) : nowMs;
  const fromMs = input.from ? boundOf(input.from, 'from', tz) : floorHour(toMs - 1) - 23 * HOUR_MS;
  if (fromMs >= toMs) throw new RangeInputError('from', 'must be before to');
  if (toMs - fromMs > MAX_SUMMARY_RANGE_MS) throw new RangeInputError('to', 'the range may span at most 400 days');
  return { fromMs, toMs, granularity: toMs - fromMs <= HOURLY_SERIES_MAX_MS ? 'hour' : 'day' };
}

/** Start of every UTC hour that overlaps [fromMs, toMs). */
export function hoursOverlapping(fromMs: number, toMs: number): number[] {
  const hours: number[] = [];
  for (let h = floorHour(fromMs); h < toMs; h += HOUR_MS) hours.push(h);
  return hours;
}

/** Start of every local day (in `tz`) that overlaps [fromMs, toMs). */
export function daysOverlapping(fromMs: number, toMs: number, tz: string): number[] {
  const days: number[] = [];
  for (let d = startOfLocalDay(fromMs, tz); d < toMs; d = nextLocalDayStart(d, tz)) days.push(d);
  return days;
}

/** `2025-01-15T13` — the UTC hour label the hourly rollups are keyed by. */
export function utcHourLabel(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/** Every date of the month holding `date` (`YYYY-MM-DD`), first to last. */
export function datesOfMonth(date: CalendarDate): string[] {
  const dates: string[] = [];
  for (let d: CalendarDate = { ...date, day: 1 }; d.month === date.month; d = addDays(d, 1)) dates.push(formatDate(d));
  return dates;
}
