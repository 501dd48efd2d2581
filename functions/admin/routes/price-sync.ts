// /api/prices/sync: run a price sync now (optionally from another URL) and read the last one.
import { Hono } from 'hono';
import { syncPrices } from '../../price-sync/sync.js';
import type { Services } from '../../shared/services.js';
import type { AdminEnv } from '../env.js';
import { priceSyncSchema } from '../schemas.js';
import { jsonBody } from '../validate.js';

const syncBody = jsonBody(priceSyncSchema);

/** The body is optional: no body at all (even with a JSON content type) means `{}`. */
const optionalSyncBody = (async (c, next) => {
  if ((await c.req.text()).trim() === '') {
    c.req.addValidatedData('json', {});
    return next();
  }
  return syncBody(c, next);
}) as typeof syncBody;

export function priceSyncRoutes(services: Services, onChange: () => void) {
  return new Hono<AdminEnv>()
    .post('/', optionalSyncBody, async (c) => {
      const { url } = c.req.valid('json');
      const result = await syncPrices(services, { url: url ?? services.config.priceSourceUrl });
      if (result.updated > 0) onChange();
      return c.json(result, 200);
    })
    .get('/', async (c) => c.json(await services.prices.getSyncRecord(), 200));
}
