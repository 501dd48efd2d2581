// /api/logs: request logs, newest first, filtered through the table's indexes (no scans).
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { CursorError } from '../../shared/db/repos/logs.js';
import type { Services } from '../../shared/services.js';
import type { AdminEnv } from '../env.js';
import { fieldsOf } from '../validate.js';

const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time or date')
  .transform((s) => new Date(s).toISOString());

const logQuerySchema = z
  .object({
    userId: z.string().min(1).max(100),
    keyId: z.string().min(1).max(100),
    providerId: z.string().min(1).max(100),
    model: z.string().min(1).max(200),
    status: z.coerce.number().int().min(100).max(599),
    sessionId: z.string().min(1).max(200),
    from: isoTime,
    to: isoTime,
    limit: z.coerce.number().int().min(1).max(200),
    cursor: z.string().min(1).max(4000),
  })
  .partial()
  .strict();

export function logRoutes(services: Services) {
  return new Hono<AdminEnv>()
    .get('/', async (c) => {
      const parsed = logQuerySchema.safeParse(c.req.query());
      if (!parsed.success) throw new ValidationError('invalid query', fieldsOf(parsed.error));
      const q = parsed.data;
      if (q.from && q.to && q.from > q.to) throw new ValidationError('invalid query', { from: 'must not be after to' });
      try {
        return c.json(await services.logs.query(q), 200);
      } catch (err) {
        if (err instanceof CursorError) throw new ValidationError('invalid query', { cursor: 'not a cursor from this API' });
        throw err;
      }
    })
    .get('/:id', async (c) => {
      const log = await services.logs.get(c.req.param('id'));
      if (!log) throw new NotFoundError(`request log ${c.req.param('id')} not found`);
      return c.json(log, 200);
    });
}
