// /api/keys/{id}: update, delete, rotate.
import { Hono } from 'hono';
import { NotFoundError } from '../../shared/errors.js';
import type { Services } from '../../shared/services.js';
import type { AdminEnv } from '../env.js';
import { keyPatchSchema } from '../schemas.js';
import { jsonBody } from '../validate.js';

export function keyRoutes(services: Services, onChange: () => void) {
  const notFound = (id: string) => new NotFoundError(`key ${id} not found`);
  return new Hono<AdminEnv>()
    .get('/:id', async (c) => {
      const key = await services.apiKeys.get(c.req.param('id'));
      if (!key) throw notFound(c.req.param('id'));
      return c.json(key, 200);
    })
    .patch('/:id', jsonBody(keyPatchSchema), async (c) => {
      const key = await services.apiKeys.update(c.req.param('id'), c.req.valid('json'));
      if (!key) throw notFound(c.req.param('id'));
      onChange();
      return c.json(key, 200);
    })
    .delete('/:id', async (c) => {
      if (!(await services.apiKeys.delete(c.req.param('id')))) throw notFound(c.req.param('id'));
      onChange();
      return c.json({ deleted: true, id: c.req.param('id') }, 200);
    })
    .post('/:id/rotate', async (c) => {
      const rotated = await services.apiKeys.rotate(c.req.param('id'));
      if (!rotated) throw notFound(c.req.param('id'));
      onChange();
      return c.json(rotated, 200);
    });
}
