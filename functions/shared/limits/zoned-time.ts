// Wall-clock reading and local-midnight lookup in an IANA time zone, using only Intl.

export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

interface WallClock extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let formatter = formatters.get(tz);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, formatter);
  }
  return formatter;
}

/**
 * Recent readings: a request asks for the same instants many times (now, and the same day and week
 * boundaries for every window of every scope), and Intl formatting is the slow part.
 */
const readings = new Map<string, WallClock>();
const MAX_READINGS = 512;

function wallClock(ms: number, tz: string): WallClock {
  const key = `${tz}|${ms}`;
  let clock = readings.get(key);
  if (!clock) {
    clock = readWallClock(ms, tz);
    if (readings.size >= MAX_READINGS) readings.clear();
    readings.set(key, clock);
  }
  return clock;
}

function readWallClock(ms: number, tz: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(tz).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year,
    month: fields.month,
    day: fields.day,
    hour: fields.hour,
    minute: fields.minute,
    second: fields.second,
  };
}

export function calendarDateAt(ms: number, tz: string): CalendarDate {
  const { year, month, day } = wallClock(ms, tz);
  return { year, month, day };
}

/** The date `days` later (or earlier) in the proleptic calendar; overflow rolls into months/years. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** 0 = Monday … 6 = Sunday. */
export function isoWeekdayIndex(date: CalendarDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

export function formatDate(date: CalendarDate): string {
  const mm = String(date.month).padStart(2, '0');
  const dd = String(date.day).padStart(2, '0');
  return `${String(date.year).padStart(4, '0')}-${mm}-${dd}`;
}

/** Local wall time minus UTC at `ms`, in ms (whole seconds). */
function offsetMs(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function dateKey(ms: number, tz: string): string {
  return formatDate(calendarDateAt(ms, tz));
}

/**
 * Epoch ms of the first instant of `date` in `tz`. Normally local midnight; where a DST jump
 * skips midnight, the day starts at the jump.
 */
export function startOfDate(date: CalendarDate, tz: string): number {
  const target = formatDate(date);
  const wallMidnight = Date.UTC(date.year, date.month - 1, date.day);
  let guess = wallMidnight - offsetMs(wallMidnight, tz);
  guess = wallMidnight - offsetMs(guess, tz);
  if (dateKey(guess, tz) === target && dateKey(guess - 1, tz) !== target) return guess;

  // Midnight does not exist that day (or the offsets disagreed): find the first instant of the date.
  const hour = 3_600_000;
  let lo = wallMidnight - 15 * hour; // still the previous local date in every zone
  let hi = wallMidnight + 15 * hour; // already the target date in every zone
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (dateKey(mid, tz) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}
