// The routes under test, read from the apps themselves (not listed by hand), and the error shapes
// each part of the gateway must answer in.
import { createAdminApp } from '../../../functions/admin/app.js';
import type { Services } from '../../../functions/shared/services.js';

export interface AdminRoute {
  method: string;
  /** Hono pattern, e.g. `/api/users/:id` or `/api/prices/:model{.+}`. */
  path: string;
}

/** Reachable without any credentials (CONTRACT.md §3). */
export const PUBLIC_ADMIN_PATHS = new Set(['/api/health', '/api/auth/login', '/api/auth/logout']);
/** Admit key holders as well as the admin. */
export const KEYHOLDER_PATHS = new Set(['/api/me', '/api/auth/session']);

/** Every method + path the admin app registers (middleware entries left out), writes last. */
export function adminRoutes(services: Services): AdminRoute[] {
  const app = createAdminApp(services, { adminToken: 'route-listing-token-0123456789' });
  const seen = new Map<string, AdminRoute>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  const order = ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'];
  return [...seen.values()].sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
}

/** Resource whose id a pattern's parameter takes: the segment before it (`users`, `keys`, `prices`...). */
export function paramResources(path: string): string[] {
  const segments = path.split('/');
  return segments.flatMap((s, i) => (s.startsWith(':') ? [segments[i - 1]!] : []));
}

/**
 * Fills each parameter with the id for its resource (`ids.users`, `ids.keys`...). A route whose
 * resource has no id throws: a new route must be given one, so it cannot go untested.
 */
export function fillPath(path: string, ids: Record<string, string>): string {
  const segments = path.split('/');
  return segments
    .map((s, i) => {
      if (!s.startsWith(':')) return s;
      const resource = segments[i - 1]!;
      const id = ids[resource];
      if (id === undefined) throw new Error(`no id for the ${resource} parameter of ${path}; add one to the test`);
      return id;
    })
    .join('/');
}

export type ErrorFormat = 'anthropic' | 'openai' | 'admin' | 'none';

/** Which error shape a request to this path must get back. */
export function errorFormatOf(path: string, headers: Record<string, string> = {}): ErrorFormat {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  const anthropicClient = Object.keys(headers).some((h) => h.toLowerCase() === 'anthropic-version');
  if (path.startsWith('/v1/models') && anthropicClient) return 'anthropic';
  if (path.startsWith('/v1/')) return 'openai';
  if (path.startsWith('/api/') || path === '/api') return 'admin';
  return 'none';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Null when `text` is an error body in `format`, else what is wrong with it. */
export function errorShapeProblem(format: ErrorFormat, text: string): string | null {
  if (format === 'none') return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 120))}`;
  }
  if (!isRecord(body) || !isRecord(body.error)) return `no error object: ${text.slice(0, 120)}`;
  const error = body.error;
  if (typeof error.message !== 'string' || error.message === '') return `error.message missing: ${text.slice(0, 120)}`;
  if (format === 'anthropic' && (body.type !== 'error' || typeof error.type !== 'string')) return `not Anthropic-shaped: ${text.slice(0, 120)}`;
  if (format === 'openai' && (typeof error.type !== 'string' || typeof error.code !== 'string' || 'type' in body)) {
    return `not OpenAI-shaped: ${text.slice(0, 120)}`;
  }
  if (format === 'admin' && 'type' in body) return `not admin-shaped: ${text.slice(0, 120)}`;
  return null;
}
