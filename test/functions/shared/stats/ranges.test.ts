import { describe, expect, it } from 'vitest';
import {
  datesOfMonth,
  daysOverlapping,
  hoursOverlapping,
  parseCalendarDate,
  RangeInputError,
  resolveSummaryRange,
  utcHourLabel,
} from '../../../../functions/shared/stats/ranges.js';

const iso = (ms: number) => new Date(ms).toISOString();
const NOW = Date.parse('2025-03-10T14:25:00.000Z');

describe('parseCalendarDate', () => {
  it.each([
    ['2025-03-10', { year: 2025, month: 3, day: 10 }],
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['2025-02-29', null],
    ['2025-13-01', null],
    ['2025-3-10', null],
    ['2025-03-10T00:00:00Z', null],
  ])('%s → %j', (value, expected) => {
    expect(parseCalendarDate(value)).toEqual(expected);
  });
});

describe('resolveSummaryRange', () => {
  it.each([
    ['defaults to the 24 hours ending with the current hour', {}, 'UTC', '2025-03-09T15:00:00.000Z', '2025-03-10T14:25:00.000Z', 'hour'],
    ['takes ISO times as they are', { from: '2025-03-10T01:30:00Z', to: '2025-03-10T03:00:00Z' }, 'UTC', '2025-03-10T01:30:00.000Z', '2025-03-10T03:00:00.000Z', 'hour'],
    ['honours an offset', { from: '2025-03-10T01:00:00+02:00', to: '2025-03-10T02:00:00+02:00' }, 'UTC', '2025-03-09T23:00:00.000Z', '2025-03-10T00:00:00.000Z', 'hour'],
    ['reads dates as whole local days, to inclusive', { from: '2025-03-09', to: '2025-03-10' }, 'UTC', '2025-03-09T00:00:00.000Z', '2025-03-11T00:00:00.000Z', 'hour'],
    ['reads dates in HUB_TIMEZONE', { from: '2025-03-10', to: '2025-03-10' }, 'Asia/Tokyo', '2025-03-09T15:00:00.000Z', '2025-03-10T15:00:00.000Z', 'hour'],
    ['gives a daily series beyond 48 hours', { from: '2025-03-01', to: '2025-03-10' }, 'UTC', '2025-03-01T00:00:00.000Z', '2025-03-11T00:00:00.000Z', 'day'],
    ['keeps exactly 48 hours hourly', { from: '2025-03-08T00:00:00Z', to: '2025-03-10T00:00:00Z' }, 'UTC', '2025-03-08T00:00:00.000Z', '2025-03-10T00:00:00.000Z', 'hour'],
    ['defaults from to 24 hourly points before a given to', { to: '2025-03-05T10:00:00Z' }, 'UTC', '2025-03-04T10:00:00.000Z', '2025-03-05T10:00:00.000Z', 'hour'],
  ])('%s', (_case, input, tz, from, to, granularity) => {
    const range = resolveSummaryRange(input, NOW, tz);
    expect({ from: iso(range.fromMs), to: iso(range.toMs), granularity: range.granularity }).toEqual({ from, to, granularity });
  });

  it.each([
    ['from after to', { from: '2025-03-10T05:00:00Z', to: '2025-03-10T04:00:00Z' }, 'from', /before to/],
    ['from equal to to', { from: '2025-03-10T05:00:00Z', to: '2025-03-10T05:00:00Z' }, 'from', /before to/],
    ['a loose time', { from: 'March 10' }, 'from', /ISO-8601/],
    ['a time without a zone', { to: '2025-03-10T05:00:00' }, 'to', /ISO-8601/],
    ['an impossible date', { from: '2025-02-30' }, 'from', /not a calendar date/],
    ['more than 400 days', { from: '2023-01-01', to: '2025-03-10' }, 'to', /400 days/],
  ])('refuses %s', (_case, input, field, message) => {
    let caught: unknown;
    try {
      resolveSummaryRange(input, NOW, 'UTC');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RangeInputError);
    expect((caught as RangeInputError).field).toBe(field);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('series buckets', () => {
  it('lists every UTC hour overlapping the range, partial ones included', () => {
    const hours = hoursOverlapping(Date.parse('2025-03-10T01:30:00Z'), Date.parse('2025-03-10T04:00:00Z'));
    expect(hours.map(utcHourLabel)).toEqual(['2025-03-10T01', '2025-03-10T02', '2025-03-10T03']);
  });

  it('lists local day starts, across a DST change', () => {
    const days = daysOverlapping(Date.parse('2025-03-08T05:00:00Z'), Date.parse('2025-03-11T04:00:00Z'), 'America/New_York');
    expect(days.map(iso)).toEqual(['2025-03-08T05:00:00.000Z', '2025-03-09T05:00:00.000Z', '2025-03-10T04:00:00.000Z']);
  });

  it.each([
    ['2025-02-14', 28, '2025-02-28'],
    ['2024-02-01', 29, '2024-02-29'],
    ['2025-12-31', 31, '2025-12-31'],
    ['2025-04-30', 30, '2025-04-30'],
  ])('the month of %s has %i dates ending %s', (date, count, last) => {
    const dates = datesOfMonth(parseCalendarDate(date)!);
    expect(dates).toHaveLength(count);
    expect(dates[0]).toBe(`${date.slice(0, 7)}-01`);
    expect(dates[dates.length - 1]).toBe(last);
  });
});
