// Admin authentication: Bearer admin token or signed session cookie, keyholder sessions limited to
// /api/me, login throttled per source IP, and a same-origin check on cookie-authenticated writes.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AuthError, ForbiddenError, GatewayError } from '../shared/errors.js';
import { safeEqual } from '../shared/ids.js';
import type { KeyAuthenticator } from '../shared/auth/authenticate-key.js';
import { clientIpOf, type FailureThrottle } from '../shared/auth/failure-throttle.js';
import type { AdminEnv } from './env.js';
import { decodeSession, encodeSession, SESSION_COOKIE, SESSION_MAX_AGE_SEC, type Role } from './session-cookie.js';
import { loginSchema } from './schemas.js';
import { jsonBody } from './validate.js';

export interface AuthDeps {
  adminToken: string;
  keys: KeyAuthenticator;
  throttle: FailureThrottle;
  now: () => number;
}

function bearerOf(c: Context): string | null {
  const auth = c.req.header('authorization') ?? '';
  return /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : null;
}

function throttled(deps: AuthDeps, c: Context): void {
  const wait = deps.throttle.retryAfterSec(clientIpOf(c.env));
  if (wait > 0) {
    throw new GatewayError(429, 'rate_limit_error', `too many failed authentication attempts; retry in ${wait}s`, {
      headers: { 'Retry-After': String(wait) },
    });
  }
}

function isSecureRequest(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** Browsers always send Origin on cross-site writes; a mismatch with Host is refused. */
function assertSameOrigin(c: Context): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return;
  // Modern browsers say where a request comes from; this also holds behind CloudFront, where the
  // Host the function sees is its own URL's, not the dashboard's.
  const site = c.req.header('sec-fetch-site');
  if (site) {
    if (site === 'same-origin' || site === 'none') return;
    throw new ForbiddenError('cross-site request refused');
  }
  const origin = c.req.header('origin');
  if (!origin) return;
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new ForbiddenError('cross-site request refused');
  }
  if (!host || originHost !== host) throw new ForbiddenError('cross-site request refused');
}

/** Resolves the caller's role; `allowKeyholder` admits key holders (only /api/me and /api/auth/session). */
export function requireAuth(deps: AuthDeps, allowKeyholder = false): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const bearer = bearerOf(c);
    let role: Role | null = null;
    let keyId: string | null = null;
    if (bearer) {
      throttled(deps, c);
      if (safeEqual(bearer, deps.adminToken)) role = 'admin';
      else if (bearer.startsWith('sk-') && allowKeyholder) {
        try {
          keyId = (await deps.keys.authenticate(bearer)).key.id;
          role = 'keyholder';
        } catch (err) {
          deps.throttle.recordFailure(clientIpOf(c.env));
          throw err;
        }
      } else {
        deps.throttle.recordFailure(clientIpOf(c.env));
        throw new AuthError(allowKeyholder ? 'invalid token or API key' : 'invalid admin token');
      }
    } else {
      const claims = decodeSession(deps.adminToken, getCookie(c, SESSION_COOKIE), deps.now());
      if (!claims) throw new AuthError('authentication required: log in or send Authorization: Bearer <ADMIN_TOKEN>');
      assertSameOrigin(c);
      role = claims.role;
      keyId = claims.role === 'keyholder' ? claims.subject : null;
    }
    if (role === 'keyholder' && !allowKeyholder) throw new ForbiddenError('a key holder session can only use /api/me');
    c.set('role', role);
    c.set('keyId', keyId);
    await next();
  };
}

export function authRoutes(deps: AuthDeps) {
  return new Hono<AdminEnv>()
    .post('/login', jsonBody(loginSchema), async (c) => {
      throttled(deps, c);
      const { token } = c.req.valid('json');
      let role: Role;
      let subject: string;
      if (safeEqual(token, deps.adminToken)) {
        role = 'admin';
        subject = 'admin';
      } else {
        try {
          const { key } = await deps.keys.authenticate(token);
          role = 'keyholder';
          subject = key.id;
        } catch (err) {
          deps.throttle.recordFailure(clientIpOf(c.env));
          if (err instanceof AuthError && token.startsWith('sk-')) throw err;
          throw new AuthError('invalid admin token or API key');
        }
      }
      const expiresAtSec = Math.floor(deps.now() / 1000) + SESSION_MAX_AGE_SEC;
      setCookie(c, SESSION_COOKIE, encodeSession(deps.adminToken, { role, subject, expiresAtSec }), {
        httpOnly: true,
        sameSite: 'Strict',
        secure: isSecureRequest(c),
        path: '/',
        maxAge: SESSION_MAX_AGE_SEC,
      });
      return c.json({ role }, 200);
    })
    .post('/logout', (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json({ ok: true }, 200);
    })
    .get('/session', requireAuth(deps, true), (c) => c.json({ role: c.get('role') }, 200));
}
