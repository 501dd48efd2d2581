// Who is signed in: asks /api/auth/session once per page, and sends visitors where their role belongs.
import { ApiError } from './api-error.js';
import { api } from './api.js';
import type { Role } from './types.js';

const ROLE_HINT = 'codehub.role';

/** Remembers that this browser signed in, so pages can skip the session probe when it clearly did not. */
export function rememberRole(role: Role): void {
  try { localStorage.setItem(ROLE_HINT, role); } catch { /* storage blocked: the probe still works */ }
}

export function forgetRole(): void {
  try { localStorage.removeItem(ROLE_HINT); } catch { /* storage blocked */ }
}

function roleHint(): string | null {
  try { return localStorage.getItem(ROLE_HINT); } catch { return 'unknown'; }
}

let probe: Promise<Role | null> | undefined;

/** The signed-in role, or null. Without a sign-in hint no request is made (a 401 would only add console noise). */
export function currentRole(): Promise<Role | null> {
  probe ??= (async () => {
    const hint = roleHint();
    if (!hint) return null;
    try {
      const { role } = await api.session();
      rememberRole(role);
      return role;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        forgetRole();
        return null;
      }
      // Server unreachable: let the page try and show its own error state.
      return hint === 'admin' || hint === 'keyholder' ? hint : null;
    }
  })();
  return probe;
}

const never = new Promise<never>(() => undefined);

export function goToLogin(): void {
  forgetRole();
  const next = location.pathname + location.search;
  location.assign(next === '/' || next.startsWith('/login') ? '/login/' : `/login/?next=${encodeURIComponent(next)}`);
}

export function goToMyUsage(): void {
  location.assign('/me/');
}

/**
 * Resolves with the role when the visitor may see this page; otherwise navigates away and never resolves.
 * Admin pages send key holders to My usage; every guarded page sends strangers to the login page.
 */
export async function requireRole(access: 'admin' | 'signed-in'): Promise<Role> {
  const role = await currentRole();
  if (!role) {
    goToLogin();
    return never;
  }
  if (access === 'admin' && role !== 'admin') {
    goToMyUsage();
    return never;
  }
  return role;
}
