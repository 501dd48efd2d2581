// The admin API (/api/*): typed Hono routes; the dashboard's client type is `AdminApp`.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { adminErrorBody, GatewayError, NotFoundError } from '../shared/errors.js';
import { createKeyAuthenticator, type KeyAuthenticator } from '../shared/auth/authenticate-key.js';
import { createFailureThrottle, type FailureThrottle } from '../shared/auth/failure-throttle.js';
import type { Services } from '../shared/services.js';
import { authRoutes, requireAuth, type AuthDeps } from './auth.js';
import type { AdminEnv } from './env.js';
import { keyRoutes } from './routes/keys.js';
import { logRoutes } from './routes/logs.js';
import { priceSyncRoutes } from './routes/price-sync.js';
import { priceRoutes } from './routes/prices.js';
import { providerRoutes } from './routes/providers.js';
import { sessionRoutes } from './routes/sessions.js';
import { statsRoutes } from './routes/stats.js';
import { meRoutes, usageRoutes } from './routes/usage.js';
import { userRoutes } from './routes/users.js';

export interface AdminAppOptions {
  adminToken: string;
  /** Shared with the proxy in one process so admin changes reach it at once. */
  keyAuthenticator?: KeyAuthenticator;
  throttle?: FailureThrottle;
  /** Called after any change to users, keys, providers or prices (cache invalidation). */
  onChange?: () => void;
}

/** Longest path segment (an id or a model name part) worth looking up. */
const MAX_PATH_SEGMENT_BYTES = 512;

export function renderAdminError(err: Error): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  if (err instanceof GatewayError) return { status: err.status, body: adminErrorBody(err), headers: err.extra.headers ?? {} };
  if (err instanceof HTTPException) {
    return { status: err.status, body: { error: { message: err.message || 'bad request', code: 'invalid_request_error' } }, headers: {} };
  }
  return { status: 500, body: { error: { message: 'internal error', code: 'api_error' } }, headers: {} };
}

export function createAdminApp(services: Services, options: AdminAppOptions) {
  const keys = options.keyAuthenticator ?? createKeyAuthenticator(services, 3000);
  const onChange = () => {
    keys.invalidate();
    options.onChange?.();
  };
  const auth: AuthDeps = {
    adminToken: options.adminToken,
    keys,
    throttle: options.throttle ?? createFailureThrottle(services.config.authFailuresPerMinute, services.now),
    now: services.now,
  };
  const admin = requireAuth(auth);

  const app = new Hono<AdminEnv>().basePath('/api');
  app.onError((err, c) => {
    const { status, body, headers } = renderAdminError(err);
    if (status >= 500) services.logger.error('admin request failed', { path: c.req.path, error: err });
    return c.json(body, status as 400, headers);
  });
  app.notFound((c) => c.json({ error: { message: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found_error' } }, 404));

  // Default deny: every route needs the admin unless listed here (health, login/logout; /api/me
  // and /api/auth/session also admit key holders, checked by their own middleware).
  const keyholder = requireAuth(auth, true);
  app.use('*', async (c, next) => {
    const path = c.req.path.replace(/\/+$/, '');
    if (path === '/api/health' || path === '/api/auth/login' || path === '/api/auth/logout') return next();
    if (path === '/api/auth/session' || path === '/api/me' || path.startsWith('/api/me/')) return keyholder(c, next);
    return admin(c, next);
  });
  // Ids and model names are short; a longer path segment names nothing, and the store would refuse it
  // as a key (DynamoDB caps keys at 1-2 KB) with an error that is not the caller's to see.
  app.use('*', async (c, next) => {
    if (c.req.path.split('/').some((segment) => Buffer.byteLength(segment) > MAX_PATH_SEGMENT_BYTES)) {
      throw new NotFoundError(`no resource at ${c.req.path.slice(0, 60)}… (path segment too long)`);
    }
    await next();
  });

  const routes = app
    .get('/health', async (c) => {
      try {
        await services.users.get('__health__');
        return c.json({ status: 'ok' }, 200);
      } catch {
        return c.json({ status: 'unavailable' }, 503);
      }
    })
    .route('/auth', authRoutes(auth))
    .route('/me', meRoutes(services))
    .route('/', usageRoutes(services))
    .route('/users', userRoutes(services, onChange))
    .route('/keys', keyRoutes(services, onChange))
    .route('/providers', providerRoutes(services, onChange))
    .route('/sessions', sessionRoutes(services))
    .route('/logs', logRoutes(services))
    // Before /prices: its `/:model{.+}` patterns would take `sync` for a model name.
    .route('/prices/sync', priceSyncRoutes(services, onChange))
    .route('/prices', priceRoutes(services, onChange))
    .route('/stats', statsRoutes(services));
  return routes;
}

export type AdminApp = ReturnType<typeof createAdminApp>;
