// /api/prices: list/search, manual set (never overwritten by a sync), delete.
import { Hono } from 'hono';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import type { Services } from '../../shared/services.js';
import type { Price } from '../../shared/types.js';
import type { AdminEnv } from '../env.js';
import { priceSchema } from '../schemas.js';
import { jsonBody } from '../validate.js';

const MODEL_NAME = /^[\w.:@/+-]{1,200}$/;

/** `c.req.param` is already percent-decoded (a second decode would turn `%2541` into `A`). */
function modelParam(model: string): string {
  if (!MODEL_NAME.test(model)) throw new ValidationError('invalid model name', { model: 'letters, digits and ._:@/+- only' });
  return model;
}

export function priceRoutes(services: Services, onChange: () => void) {
  return new Hono<AdminEnv>()
    .get('/', async (c) => {
      const items = await services.prices.list(c.req.query('model') || undefined);
      items.sort((a, b) => a.model.localeCompare(b.model));
      return c.json({ items }, 200);
    })
    .get('/:model{.+}', async (c) => {
      const model = modelParam(c.req.param('model'));
      const price = await services.prices.get(model);
      if (!price) throw new NotFoundError(`no price for model ${model}`);
      return c.json(price, 200);
    })
    .put('/:model{.+}', jsonBody(priceSchema), async (c) => {
      const model = modelParam(c.req.param('model'));
      const body = c.req.valid('json');
      const price: Price = {
        ...body,
        model,
        source: 'manual',
        version: 'manual',
        updatedAt: new Date(services.now()).toISOString(),
      };
      await services.prices.put(price);
      onChange();
      return c.json(price, 200);
    })
    .delete('/:model{.+}', async (c) => {
      const model = modelParam(c.req.param('model'));
      if (!(await services.prices.delete(model))) throw new NotFoundError(`no price for model ${model}`);
      onChange();
      return c.json({ deleted: true, model }, 200);
    });
}
