import { describe, expect, it } from 'vitest';
import { localDate, monthDates, weekDates } from '../../../../functions/shared/limits/windows.js';
import { calendarDateAt, localDayAt } from '../../../../functions/shared/limits/zoned-time.js';

// Readings are kept per zone and epoch second; these check the kept readings against fresh,
// uncached Intl readings at the instants where a wrong reuse would show: the ms either side of a
// local midnight, of DST jumps, and inside one second, asked in either order.

const at = (iso: string) => Date.parse(iso);

/** YYYY-MM-DD of `ms` in `tz` from a new formatter: nothing cached. */
function freshDate(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(ms);
  const field = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return `${String(field('year')).padStart(4, '0')}-${String(field('month')).padStart(2, '0')}-${String(field('day')).padStart(2, '0')}`;
}

/** Each ms around `boundary` that a per-second reading could confuse, ascending. */
function around(boundary: number): number[] {
  return [-1001, -1000, -999, -500, -1, 0, 1, 500, 999, 1000].map((d) => boundary + d);
}

const BOUNDARIES: [string, string, string][] = [
  ['local midnight in Berlin (winter)', 'Europe/Berlin', '2026-01-19T23:00:00Z'],
  ['the spring jump in Berlin (02:00 → 03:00)', 'Europe/Berlin', '2026-03-29T01:00:00Z'],
  ['the repeated autumn hour in Berlin', 'Europe/Berlin', '2026-10-25T01:00:00Z'],
  ['a jump that skips midnight (Santiago, 00:00 → 01:00)', 'America/Santiago', '2026-09-06T04:00:00Z'],
  ['a fall-back to 23:00 of the same day (Santiago)', 'America/Santiago', '2026-04-05T03:00:00Z'],
  ['midnight after a fall-back at midnight (Beirut)', 'Asia/Beirut', '2025-10-25T22:00:00Z'],
  ['a half-hour zone midnight (Kolkata)', 'Asia/Kolkata', '2026-01-15T18:30:00Z'],
  ['New Year in UTC', 'UTC', '2027-01-01T00:00:00Z'],
  ['an instant before 1970 (New York midnight)', 'America/New_York', '1969-12-31T05:00:00Z'],
];

describe('zoned readings kept per second', () => {
  it.each(BOUNDARIES)('match a fresh reading at every ms around %s, asked in either order', (_label, tz, iso) => {
    const instants = around(at(iso));
    for (const order of [instants, [...instants].reverse()]) {
      for (const ms of order) expect([ms, localDate(ms, tz)]).toEqual([ms, freshDate(ms, tz)]);
    }
  });

  it('tell the two sides of a local midnight apart within neighbouring seconds', () => {
    const midnight = at('2026-03-22T23:00:00Z'); // Monday 00:00 in Berlin
    expect(localDate(midnight, 'Europe/Berlin')).toBe('2026-03-23');
    expect(localDate(midnight - 1, 'Europe/Berlin')).toBe('2026-03-22');
    expect(localDate(midnight + 999, 'Europe/Berlin')).toBe('2026-03-23');
    expect(localDate(midnight - 1000, 'Europe/Berlin')).toBe('2026-03-22');
  });

  it('keep zones apart for the same instant', () => {
    const ms = at('2026-01-15T23:30:00Z');
    expect(localDate(ms, 'UTC')).toBe('2026-01-15');
    expect(localDate(ms, 'Europe/Berlin')).toBe('2026-01-16');
    expect(localDate(ms, 'America/Los_Angeles')).toBe('2026-01-15');
    expect(localDate(ms, 'UTC')).toBe('2026-01-15');
  });

  it('match fresh readings for spread-out instants in many zones', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/Santiago', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Australia/Lord_Howe', 'America/St_Johns'];
    // A fixed stride through 1990–2040 (not random, so a failure reproduces).
    for (let ms = at('1990-01-01T00:00:00Z') + 123; ms < at('2040-01-01T00:00:00Z'); ms += 86_400_000 * 37 + 3_601_777) {
      for (const tz of zones) expect([tz, ms, localDate(ms, tz)]).toEqual([tz, ms, freshDate(ms, tz)]);
    }
  });

  it('hand out readings no caller can change', () => {
    const ms = at('2026-05-01T12:00:00Z');
    const date = calendarDateAt(ms, 'UTC');
    expect(Object.isFrozen(date)).toBe(true);
    expect(localDayAt(ms, 'UTC')).toMatchObject({ date: { year: 2026, month: 5, day: 1 }, dateString: '2026-05-01' });
  });
});

describe('week and month date lists kept per local date', () => {
  const mondayMidnight = at('2026-03-22T23:00:00Z'); // Berlin

  it('switch exactly at local midnight, whichever side is asked first', () => {
    const sunday = ['2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22'];
    expect(weekDates(mondayMidnight, 'Europe/Berlin')).toEqual(['2026-03-23']);
    expect(weekDates(mondayMidnight - 1, 'Europe/Berlin')).toEqual(sunday);
    expect(weekDates(mondayMidnight + 1, 'Europe/Berlin')).toEqual(['2026-03-23']);
    expect(monthDates(mondayMidnight - 1, 'Europe/Berlin')).toHaveLength(22);
    expect(monthDates(mondayMidnight, 'Europe/Berlin')).toHaveLength(23);
  });

  it('give the same lists for the same local date in different zones, and different ones across a month end', () => {
    const berlinFeb1 = at('2026-01-31T23:00:00Z');
    expect(monthDates(berlinFeb1, 'Europe/Berlin')).toEqual(['2026-02-01']);
    expect(monthDates(berlinFeb1, 'UTC')).toHaveLength(31);
    expect(monthDates(at('2026-02-01T12:00:00Z'), 'UTC')).toEqual(['2026-02-01']);
  });

  it('follow a day that starts at 01:00 (Santiago skips midnight)', () => {
    const jump = at('2026-09-06T04:00:00Z'); // Sunday 2026-09-06 01:00 local
    expect(weekDates(jump - 1, 'America/Santiago').at(-1)).toBe('2026-09-05');
    expect(weekDates(jump, 'America/Santiago')).toHaveLength(7);
    expect(weekDates(jump, 'America/Santiago').at(-1)).toBe('2026-09-06');
    expect(monthDates(jump - 1, 'America/Santiago')).toHaveLength(5);
    expect(monthDates(jump, 'America/Santiago')).toHaveLength(6);
  });

  it('are lists no caller can change', () => {
    const list = weekDates(at('2026-03-25T12:00:00Z'), 'Europe/Berlin');
    expect(Object.isFrozen(list)).toBe(true);
    expect(() => (list as string[]).push('2026-03-26')).toThrow();
    expect(weekDates(at('2026-03-25T12:00:00Z'), 'Europe/Berlin')).toEqual(['2026-03-23', '2026-03-24', '2026-03-25']);
  });
});
