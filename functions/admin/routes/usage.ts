// Limits and current usage: GET /api/me for a key holder (CONTRACT.md "Key holders"), and
// GET /api/users/{id}/usage and /api/keys/{id}/usage for the dashboard.
import { Hono } from 'hono';
import { assertUsable } from '../../shared/auth/authenticate-key.js';
import { AuthError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { Services } from '../../shared/services.js';
import type { ApiKey, RequestLog, User } from '../../shared/types.js';
import type { AdminEnv } from '../env.js';

const RECENT_REQUESTS = 20;

/** What a key holder may see of a request: no provider names, decision chain or routing reasons. */
export type RecentRequest = Pick<
  RequestLog,
  | 'id'
  | 'createdAt'
  | 'endpoint'
  | 'model'
  | 'stream'
  | 'statusCode'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheCreationInputTokens'
  | 'cacheReadInputTokens'
  | 'costUsd'
  | 'durationMs'
  | 'sessionId'
  | 'error'
>;

function recentRequest(log: RequestLog): RecentRequest {
  const { id, createdAt, endpoint, model, stream, statusCode, inputTokens, outputTokens } = log;
  const { cacheCreationInputTokens, cacheReadInputTokens, costUsd, durationMs, sessionId, error } = log;
  return {
    id,
    createdAt,
    endpoint,
    model,
    stream,
    statusCode,
    inputTokens,
    outputTokens,
    cacheCreationInputTokens,
    cacheReadInputTokens,
    costUsd,
    durationMs,
    sessionId,
    error,
  };
}

/** The user's own limits, without admin-only fields (note, provider group). */
function publicUser(user: User) {
  const { id, name, allowedModels, rpmLimit, concurrentSessions } = user;
  const { limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd } = user;
  return { id, name, allowedModels, rpmLimit, concurrentSessions, limit5hUsd, dailyLimitUsd, limitWeeklyUsd, limitMonthlyUsd, limitTotalUsd };
}

/**
 * GET /api/me. Authentication is the app's keyholder middleware (cookie or Bearer client key),
 * which sets `role` and `keyId`; the admin token is refused here since it has no key.
 */
export function meRoutes(services: Services) {
  return new Hono<AdminEnv>().get('/', async (c) => {
    const role = c.get('role');
    if (role === 'admin') throw new ForbiddenError('/api/me shows the key it is called with: use a client key, not the admin token');
    const keyId = c.get('keyId');
    if (role !== 'keyholder' || !keyId) throw new AuthError('authentication required: log in or send a client key');
    const stored = await services.apiKeys.get(keyId);
    const owner = stored ? await services.users.get(stored.userId) : null;
    // A cookie outlives changes to its key: refuse a key deleted, disabled or expired since login.
    const { key, user } = assertUsable(stored, owner, services.now());
    const [keyUsage, userUsage, recent] = await Promise.all([
      services.limiter.usage('key', key.id, key),
      services.limiter.usage('user', user.id, user),
      services.logs.query({ keyId: key.id, limit: RECENT_REQUESTS }),
    ]);
    const sessionScope = key.concurrentSessions !== null ? 'key' : 'user';
    const sessions = sessionScope === 'key' ? keyUsage.activeSessions : userUsage.activeSessions;
    return c.json(
      {
        key,
        user: publicUser(user),
        windows: [...keyUsage.windows, ...userUsage.windows],
        rpm: userUsage.rpm,
        activeSessions: { scope: sessionScope, ...sessions },
        recent: recent.items.map(recentRequest),
      },
      200,
    );
  });
}

/** Admin: usage of one user or one key (the app's admin middleware guards these paths). */
export function usageRoutes(services: Services) {
  const report = (scope: 'key' | 'user', owner: ApiKey | User) => services.limiter.usage(scope, owner.id, owner);
  return new Hono<AdminEnv>()
    .get('/users/:id/usage', async (c) => {
      const user = await services.users.get(c.req.param('id'));
      if (!user) throw new NotFoundError(`user ${c.req.param('id')} not found`);
      return c.json(await report('user', user), 200);
    })
    .get('/keys/:id/usage', async (c) => {
      const key = await services.apiKeys.get(c.req.param('id'));
      if (!key) throw new NotFoundError(`key ${c.req.param('id')} not found`);
      return c.json(await report('key', key), 200);
    });
}
