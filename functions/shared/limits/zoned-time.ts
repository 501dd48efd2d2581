// Wall-clock reading and local-midnight lookup in an IANA time zone, using only Intl.

export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

/** A local calendar date and its YYYY-MM-DD form. */
export interface LocalDay {
  readonly date: Readonly<CalendarDate>;
  readonly dateString: string;
}

interface WallClock extends LocalDay {
  hour: number;
  minute: number;
  second: number;
}

/**
 * A zone's formatter and its recent readings, keyed by epoch second: a request asks for the same
 * instants many times (now, its start, the same day and week boundaries for every window of every
 * scope), and Intl formatting is the slow part. Keying by second is exact: zone offsets and their
 * transitions are whole seconds, and the reading has no finer field, so every ms of a second reads
 * the same (test/functions/shared/limits/zoned-time.test.ts checks it against uncached readings).
 */
interface Zone {
  formatter: Intl.DateTimeFormat;
  readings: Map<number, WallClock>;
  lastSec: number;
  last: WallClock | null;
}

const zones = new Map<string, Zone>();
const MAX_READINGS = 512;

function zoneOf(tz: string): Zone {
  let zone = zones.get(tz);
  if (!zone) {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zone = { formatter, readings: new Map(), lastSec: NaN, last: null };
    zones.set(tz, zone);
  }
  return zone;
}

function wallClock(ms: number, tz: string): WallClock {
  const zone = zoneOf(tz);
  const sec = Math.floor(ms / 1000);
  if (sec === zone.lastSec) return zone.last!;
  let clock = zone.readings.get(sec);
  if (!clock) {
    clock = readWallClock(zone.formatter, sec * 1000);
    if (zone.readings.size >= MAX_READINGS) zone.readings.clear();
    zone.readings.set(sec, clock);
  }
  zone.lastSec = sec;
  zone.last = clock;
  return clock;
}

function readWallClock(formatter: Intl.DateTimeFormat, ms: number): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const date = Object.freeze({ year: fields.year, month: fields.month, day: fields.day });
  return { date, dateString: formatDate(date), hour: fields.hour, minute: fields.minute, second: fields.second };
}

/** The local calendar date of `ms` in `tz` (a shared reading: do not change it). */
export function calendarDateAt(ms: number, tz: string): Readonly<CalendarDate> {
  return wallClock(ms, tz).date;
}

/** The local date of `ms` in `tz`, with its YYYY-MM-DD form (a shared reading). */
export function localDayAt(ms: number, tz: string): LocalDay {
  return wallClock(ms, tz);
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
  const asUtc = Date.UTC(w.date.year, w.date.month - 1, w.date.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function dateKey(ms: number, tz: string): string {
  return wallClock(ms, tz).dateString;
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
