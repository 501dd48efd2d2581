// /api/providers: CRUD (apiKey write-only) with each provider's circuit state, and reset-circuit.
import { Hono } from 'hono';
import { NotFoundError } from '../../shared/errors.js';
import { toPublic } from '../../shared/routing/circuit-breaker.js';
import { publicProvider } from '../../shared/db/repos/providers.js';
import type { Services } from '../../shared/services.js';
import type { ProviderWithSecret } from '../../shared/types.js';
import type { AdminEnv } from '../env.js';
import { providerCreateSchema, providerPatchSchema } from '../schemas.js';
import { jsonBody } from '../validate.js';

export function providerRoutes(services: Services, onChange: () => void) {
  const withCircuits = async (providers: ProviderWithSecret[]) => {
    const circuits = await services.circuits.getMany(providers.map((p) => p.id));
    const now = services.now();
    return providers.map((p) => ({ ...publicProvider(p), circuit: toPublic(circuits.get(p.id)!, now) }));
  };
  const mustGet = async (id: string) => {
    const p = await services.providers.get(id);
    if (!p) throw new NotFoundError(`provider ${id} not found`);
    return p;
  };
  return new Hono<AdminEnv>()
    .get('/', async (c) => {
      const providers = (await services.providers.list()).sort(
        (a, b) => a.priority - b.priority || b.weight - a.weight || a.name.localeCompare(b.name),
      );
      return c.json({ items: await withCircuits(providers) }, 200);
    })
    .post('/', jsonBody(providerCreateSchema), async (c) => {
      const created = await services.providers.create(c.req.valid('json') as Parameters<Services['providers']['create']>[0]);
      onChange();
      return c.json((await withCircuits([created]))[0]!, 201);
    })
    .get('/:id', async (c) => c.json((await withCircuits([await mustGet(c.req.param('id'))]))[0]!, 200))
    .patch('/:id', jsonBody(providerPatchSchema), async (c) => {
      const updated = await services.providers.update(
        c.req.param('id'),
        c.req.valid('json') as Parameters<Services['providers']['update']>[1],
      );
      if (!updated) throw new NotFoundError(`provider ${c.req.param('id')} not found`);
      onChange();
      return c.json((await withCircuits([updated]))[0]!, 200);
    })
    .delete('/:id', async (c) => {
      const p = await mustGet(c.req.param('id'));
      await services.providers.delete(p.id);
      onChange();
      return c.json({ deleted: true, id: p.id }, 200);
    })
    .post('/:id/reset-circuit', async (c) => {
      const p = await mustGet(c.req.param('id'));
      await services.circuits.reset(p.id);
      onChange();
      return c.json((await withCircuits([p]))[0]!, 200);
    });
}
