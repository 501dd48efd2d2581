// /api/stats: summary with an hourly or daily series, and daily/monthly leaderboards with names.
import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z, type ZodError } from 'zod';
import { ValidationError } from '../../shared/errors.js';
import { localDate } from '../../shared/limits/windows.js';
import type { Services } from '../../shared/services.js';
import { createStatsReader } from '../../shared/stats/queries.js';
import { datesOfMonth, parseCalendarDate, RangeInputError, resolveSummaryRange } from '../../shared/stats/ranges.js';
import type { AdminEnv } from '../env.js';
import { fieldsOf } from '../validate.js';

const summaryQuery = z.object({ from: z.string().trim().min(1).optional(), to: z.string().trim().min(1).optional() }).strict();

const leaderboardQuery = z
  .object({
    period: z.enum(['daily', 'monthly']).default('daily'),
    by: z.enum(['user', 'key', 'provider', 'model']).default('user'),
    date: z
      .string()
      .refine((d) => parseCalendarDate(d) !== null, 'must be a date YYYY-MM-DD')
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

function queryOf<T extends z.ZodTypeAny>(schema: T) {
  return zValidator('query', schema, (result) => {
    if (!result.success) throw new ValidationError('invalid query parameters', fieldsOf(result.error as ZodError));
  });
}

export function statsRoutes(services: Services) {
  const reader = createStatsReader(services);
  const tz = services.config.timezone;
  return new Hono<AdminEnv>()
    .get('/summary', queryOf(summaryQuery), async (c) => {
      let range;
      try {
        range = resolveSummaryRange(c.req.valid('query'), services.now(), tz);
      } catch (err) {
        if (err instanceof RangeInputError) throw new ValidationError(`invalid ${err.field}: ${err.message}`, { [err.field]: err.message });
        throw err;
      }
      return c.json(await reader.summary(range), 200);
    })
    .get('/leaderboard', queryOf(leaderboardQuery), async (c) => {
      const { period, by, limit, ...rest } = c.req.valid('query');
      const date = rest.date ?? localDate(services.now(), tz);
      const day = parseCalendarDate(date)!;
      const dates = period === 'daily' ? [date] : datesOfMonth(day);
      const items = await reader.leaderboard({ by, dates });
      return c.json({ period, by, date, from: dates[0], to: dates[dates.length - 1], items: limit ? items.slice(0, limit) : items }, 200);
    });
}
