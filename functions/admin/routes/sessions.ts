// /api/sessions: sessions active within SESSION_TTL, with the provider each one is bound to.
import { Hono } from 'hono';
import type { Services } from '../../shared/services.js';
import type { AdminEnv } from '../env.js';

export function sessionRoutes(services: Services) {
  const sessions = services.sessions;
  return new Hono<AdminEnv>().get('/', async (c) => c.json({ items: await sessions.listActive() }, 200));
}
