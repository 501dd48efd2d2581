// /api/users and /api/users/{id}/keys.
import { Hono } from 'hono';
import { NotFoundError } from '../../shared/errors.js';
import type { Services } from '../../shared/services.js';
import type { AdminEnv } from '../env.js';
import { keyCreateSchema, userCreateSchema, userPatchSchema } from '../schemas.js';
import { jsonBody } from '../validate.js';

export function userRoutes(services: Services, onChange: () => void) {
  const mustGetUser = async (id: string) => {
    const user = await services.users.get(id);
    if (!user) throw new NotFoundError(`user ${id} not found`);
    return user;
  };
  return new Hono<AdminEnv>()
    .get('/', async (c) => c.json({ items: await services.users.list() }, 200))
    .post('/', jsonBody(userCreateSchema), async (c) => {
      const user = await services.users.create(c.req.valid('json'));
      return c.json(user, 201);
    })
    .get('/:id', async (c) => c.json(await mustGetUser(c.req.param('id')), 200))
    .patch('/:id', jsonBody(userPatchSchema), async (c) => {
      const user = await services.users.update(c.req.param('id'), c.req.valid('json'));
      if (!user) throw new NotFoundError(`user ${c.req.param('id')} not found`);
      onChange();
      return c.json(user, 200);
    })
    .delete('/:id', async (c) => {
      const user = await mustGetUser(c.req.param('id'));
      // Keys go first so no key ever outlives its user.
      for (const key of await services.apiKeys.listByUser(user.id)) await services.apiKeys.delete(key.id);
      await services.users.delete(user.id);
      onChange();
      return c.json({ deleted: true, id: user.id }, 200);
    })
    .get('/:id/keys', async (c) => {
      const user = await mustGetUser(c.req.param('id'));
      return c.json({ items: await services.apiKeys.listByUser(user.id) }, 200);
    })
    .post('/:id/keys', jsonBody(keyCreateSchema), async (c) => {
      const user = await mustGetUser(c.req.param('id'));
      const created = await services.apiKeys.create(user.id, c.req.valid('json'));
      return c.json(created, 201);
    });
}
