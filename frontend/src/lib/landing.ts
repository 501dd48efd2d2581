// Where a role lands after logging in, honouring a same-site `next` path only when the role may open it.
import type { Role } from './types.js';

export function landingFor(role: Role, next: string | null): string {
  // `//host` and `/\host` are other sites to a browser, so only single-slash paths count as same-site.
  const safeNext = next && /^\/(?![/\\])/.test(next) && !next.startsWith('/login') ? next : null;
  if (role === 'admin') return safeNext && !safeNext.startsWith('/me') ? safeNext : '/';
  return safeNext && (safeNext.startsWith('/me') || safeNext.startsWith('/usage-doc')) ? safeNext : '/me/';
}
