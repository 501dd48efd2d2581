import { describe, expect, it } from 'vitest';
import {
  bucketStart,
  FIVE_HOURS_SEC,
  localDate,
  monthDates,
  monthStart,
  nextLocalDayStart,
  nextMonthStart,
  nextWeekStart,
  rollingRetryAfterSec,
  rollingUsage,
  startOfLocalDay,
  weekDates,
  weekStart,
} from '../../../../functions/shared/limits/windows.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('localDate', () => {
  it.each([
    ['2026-03-22T22:59:59Z', 'Europe/Berlin', '2026-03-22'],
    ['2026-03-22T23:00:00Z', 'Europe/Berlin', '2026-03-23'],
    ['2026-03-23T06:59:59Z', 'America/Los_Angeles', '2026-03-22'],
    ['2026-03-23T07:00:00Z', 'America/Los_Angeles', '2026-03-23'],
    ['2026-01-15T12:00:00Z', 'Pacific/Kiritimati', '2026-01-16'],
    ['2026-01-15T18:29:59Z', 'Asia/Kolkata', '2026-01-15'],
    ['2026-01-15T18:30:00Z', 'Asia/Kolkata', '2026-01-16'],
    ['2026-12-31T23:59:59Z', 'UTC', '2026-12-31'],
  ])('%s in %s is %s', (instant, tz, expected) => {
    expect(localDate(at(instant), tz)).toBe(expected);
  });
});

describe('local days across DST in Europe/Berlin', () => {
  it('makes 2026-03-29 a 23-hour day', () => {
    const noon = at('2026-03-29T10:00:00Z');
    expect(iso(startOfLocalDay(noon, 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(nextLocalDayStart(noon, 'Europe/Berlin'))).toBe('2026-03-29T22:00:00.000Z');
    expect(nextLocalDayStart(noon, 'Europe/Berlin') - startOfLocalDay(noon, 'Europe/Berlin')).toBe(23 * HOUR);
  });

  it('makes 2026-10-25 a 25-hour day', () => {
    const noon = at('2026-10-25T11:00:00Z');
    expect(iso(startOfLocalDay(noon, 'Europe/Berlin'))).toBe('2026-10-24T22:00:00.000Z');
    expect(iso(nextLocalDayStart(noon, 'Europe/Berlin'))).toBe('2026-10-25T23:00:00.000Z');
    expect(nextLocalDayStart(noon, 'Europe/Berlin') - startOfLocalDay(noon, 'Europe/Berlin')).toBe(25 * HOUR);
  });

  it.each([
    ['just before the spring jump (01:59:59 CET)', '2026-03-29T00:59:59Z'],
    ['just after the spring jump (03:00 CEST)', '2026-03-29T01:00:00Z'],
    ['the first 02:30 of the repeated autumn hour', '2026-10-25T00:30:00Z'],
    ['the second 02:30 of the repeated autumn hour', '2026-10-25T01:30:00Z'],
  ])('keeps %s in the same local day', (_label, instant) => {
    const ms = at(instant);
    const start = startOfLocalDay(ms, 'Europe/Berlin');
    expect(start).toBeLessThanOrEqual(ms);
    expect(nextLocalDayStart(ms, 'Europe/Berlin')).toBeGreaterThan(ms);
    expect(localDate(start, 'Europe/Berlin')).toBe(localDate(ms, 'Europe/Berlin'));
    expect(localDate(start - 1, 'Europe/Berlin')).not.toBe(localDate(ms, 'Europe/Berlin'));
  });

  it('starts the day at 01:00 where the DST jump skips midnight (America/Santiago 2026-09-06)', () => {
    const start = startOfLocalDay(at('2026-09-06T12:00:00Z'), 'America/Santiago');
    expect(iso(start)).toBe('2026-09-06T04:00:00.000Z');
    expect(localDate(start - 1, 'America/Santiago')).toBe('2026-09-05');
  });

  it('handles half-hour and far-east offsets', () => {
    expect(iso(startOfLocalDay(at('2026-01-15T12:00:00Z'), 'Asia/Kolkata'))).toBe('2026-01-14T18:30:00.000Z');
    expect(iso(startOfLocalDay(at('2026-01-15T12:00:00Z'), 'Pacific/Kiritimati'))).toBe('2026-01-15T10:00:00.000Z');
  });
});

describe('Monday weeks', () => {
  it.each([
    ['Europe/Berlin', 'Sunday 23:59', '2026-03-22T22:59:00Z', '2026-03-15T23:00:00.000Z', '2026-03-22T23:00:00.000Z'],
    ['Europe/Berlin', 'Monday 00:00', '2026-03-22T23:00:00Z', '2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    ['America/Los_Angeles', 'Sunday 23:59 (DST began that day)', '2026-03-09T06:59:00Z', '2026-03-02T08:00:00.000Z', '2026-03-09T07:00:00.000Z'],
    ['America/Los_Angeles', 'Monday 00:00', '2026-03-09T07:00:00Z', '2026-03-09T07:00:00.000Z', '2026-03-16T07:00:00.000Z'],
    ['America/Los_Angeles', 'Sunday 23:59 in winter', '2026-01-19T07:59:00Z', '2026-01-12T08:00:00.000Z', '2026-01-19T08:00:00.000Z'],
    ['America/Los_Angeles', 'Monday 00:00 in winter', '2026-01-19T08:00:00Z', '2026-01-19T08:00:00.000Z', '2026-01-26T08:00:00.000Z'],
  ])('%s %s belongs to the week starting %s', (tz, _label, instant, start, next) => {
    expect(iso(weekStart(at(instant), tz))).toBe(start);
    expect(iso(nextWeekStart(at(instant), tz))).toBe(next);
  });

  it('lists the week dates from Monday through today', () => {
    expect(weekDates(at('2026-03-25T12:00:00Z'), 'Europe/Berlin')).toEqual(['2026-03-23', '2026-03-24', '2026-03-25']);
    expect(weekDates(at('2026-03-22T23:00:00Z'), 'Europe/Berlin')).toEqual(['2026-03-23']);
    expect(weekDates(at('2026-03-22T22:59:00Z'), 'Europe/Berlin')).toEqual([
      '2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20', '2026-03-21', '2026-03-22',
    ]);
  });

  it('lists week dates across a month end', () => {
    expect(weekDates(at('2026-02-01T12:00:00Z'), 'UTC')).toEqual([
      '2026-01-26', '2026-01-27', '2026-01-28', '2026-01-29', '2026-01-30', '2026-01-31', '2026-02-01',
    ]);
  });
});

describe('months', () => {
  it.each([
    ['Jan 31 23:59:59 Berlin', '2026-01-31T22:59:59Z', 'Europe/Berlin', '2025-12-31T23:00:00.000Z', '2026-01-31T23:00:00.000Z'],
    ['Feb 1 00:00 Berlin', '2026-01-31T23:00:00Z', 'Europe/Berlin', '2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z'],
    ['Feb 28 of a common year', '2026-02-28T12:00:00Z', 'UTC', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['Feb 29 of a leap year', '2028-02-29T12:00:00Z', 'UTC', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
    ['December, rolling into the next year', '2026-12-31T23:59:59Z', 'UTC', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['a month whose end crosses DST (Berlin October)', '2026-10-31T12:00:00Z', 'Europe/Berlin', '2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'],
    ['a UTC instant that is still the previous month in LA', '2026-02-01T07:59:00Z', 'America/Los_Angeles', '2026-01-01T08:00:00.000Z', '2026-02-01T08:00:00.000Z'],
  ])('%s', (_label, instant, tz, start, next) => {
    expect(iso(monthStart(at(instant), tz))).toBe(start);
    expect(iso(nextMonthStart(at(instant), tz))).toBe(next);
  });

  it('moves from Feb 28 to Mar 1 in a common year and through Feb 29 in a leap year', () => {
    expect(localDate(nextLocalDayStart(at('2026-02-28T12:00:00Z'), 'UTC'), 'UTC')).toBe('2026-03-01');
    expect(localDate(nextLocalDayStart(at('2028-02-28T12:00:00Z'), 'UTC'), 'UTC')).toBe('2028-02-29');
  });

  it('lists month dates from the 1st through today', () => {
    expect(monthDates(at('2026-02-03T12:00:00Z'), 'UTC')).toEqual(['2026-02-01', '2026-02-02', '2026-02-03']);
    expect(monthDates(at('2026-01-31T23:00:00Z'), 'Europe/Berlin')).toEqual(['2026-02-01']);
    expect(monthDates(at('2028-02-29T12:00:00Z'), 'UTC')).toHaveLength(29);
    expect(monthDates(at('2026-02-28T12:00:00Z'), 'UTC').at(-1)).toBe('2026-02-28');
  });
});

describe('bucketStart', () => {
  it.each([
    ['2026-05-01T12:04:59.999Z', 300, '2026-05-01T12:00:00Z'],
    ['2026-05-01T12:05:00.000Z', 300, '2026-05-01T12:05:00Z'],
    ['2026-05-01T12:05:00.001Z', 300, '2026-05-01T12:05:00Z'],
    ['2026-05-01T12:00:59.999Z', 60, '2026-05-01T12:00:00Z'],
    ['2026-05-01T12:00:19.000Z', 10, '2026-05-01T12:00:10Z'],
  ])('puts %s (bucket %is) in the bucket starting %s', (instant, size, start) => {
    expect(bucketStart(at(instant), size)).toBe(at(start) / 1000);
  });

  it('defaults to 5-minute buckets', () => {
    expect(bucketStart(at('2026-05-01T12:09:00Z'))).toBe(at('2026-05-01T12:05:00Z') / 1000);
  });
});

describe('rolling 5h window', () => {
  const T = at('2026-05-01T12:00:00Z');
  const T_SEC = T / 1000;
  const usd = (amount: number) => Math.round(amount * 1e9);

  it('counts a bucket until five hours after its start', () => {
    const bucket = { startSec: T_SEC - FIVE_HOURS_SEC, nanos: usd(1) };
    expect(rollingUsage([bucket], T - 1)).toBe(usd(1));
    expect(rollingUsage([bucket], T)).toBe(0);
  });

  it('sums only the buckets inside the window', () => {
    const buckets = [
      { startSec: T_SEC - FIVE_HOURS_SEC - 300, nanos: usd(100) },
      { startSec: T_SEC - FIVE_HOURS_SEC + 300, nanos: usd(4) },
      { startSec: T_SEC - 3600, nanos: usd(5) },
      { startSec: T_SEC, nanos: usd(0.5) },
    ];
    expect(rollingUsage(buckets, T)).toBe(usd(9.5));
    expect(rollingUsage([], T)).toBe(0);
  });

  const buckets = [
    { startSec: T_SEC - 3600, nanos: usd(5) },
    { startSec: T_SEC - FIVE_HOURS_SEC + 300, nanos: usd(4) },
    { startSec: T_SEC - 4 * 3600, nanos: usd(3) },
  ];

  it.each([
    ['usage already under the limit', usd(13), T, 0],
    ['the oldest bucket rolling off is enough', usd(10), T, 300],
    ['usage equal to the limit still has to wait', usd(12), T, 300],
    ['several buckets must roll off', usd(5), T, 4 * 3600],
    ['a tiny limit waits for the newest bucket', usd(0.01), T, 4 * 3600],
    ['part of a second is rounded up', usd(10), T + 400, 300],
    ['a limit of zero is never undercut, so the whole window', 0, T, FIVE_HOURS_SEC],
  ])('Retry-After when %s', (_label, limit, now, expected) => {
    expect(rollingRetryAfterSec(buckets, now, limit)).toBe(expected);
  });

  it('rolls buckets with the same start off together', () => {
    const sameStart = [
      { startSec: T_SEC - 4 * 3600, nanos: usd(2) },
      { startSec: T_SEC - 4 * 3600, nanos: usd(2) },
      { startSec: T_SEC - 600, nanos: usd(1) },
    ];
    expect(rollingRetryAfterSec(sameStart, T, usd(2))).toBe(3600);
  });

  it('ignores buckets that already left the window', () => {
    const stale = [{ startSec: T_SEC - FIVE_HOURS_SEC, nanos: usd(50) }, { startSec: T_SEC - 60, nanos: usd(10) }];
    expect(rollingRetryAfterSec(stale, T, usd(10))).toBe(FIVE_HOURS_SEC - 60);
  });
});
