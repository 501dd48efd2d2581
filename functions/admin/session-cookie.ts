// Stateless signed session cookies: `role.subject.expiry.signature`, HMAC-SHA256 under a key derived
// from the admin token (changing the token logs everyone out). No store lookup on Lambda.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../shared/ids.js';

export const SESSION_COOKIE = 'codehub_session';
export const SESSION_MAX_AGE_SEC = 12 * 3600;

export type Role = 'admin' | 'keyholder';

export interface SessionClaims {
  role: Role;
  /** 'admin', or the key id of a key holder. */
  subject: string;
  expiresAtSec: number;
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', `codehub-session:${secret}`).update(payload).digest('base64url');
}

export function encodeSession(secret: string, claims: SessionClaims): string {
  const payload = `${claims.role}.${claims.subject}.${claims.expiresAtSec}`;
  return `${payload}.${sign(secret, payload)}`;
}

export function decodeSession(secret: string, value: string | undefined, nowMs: number): SessionClaims | null {
  if (!value) return null;
  const parts = value.split('.');
  if (parts.length !== 4) return null;
  const [role, subject, exp, signature] = parts as [string, string, string, string];
  if (role !== 'admin' && role !== 'keyholder') return null;
  if (!safeEqual(signature, sign(secret, `${role}.${subject}.${exp}`))) return null;
  const expiresAtSec = Number(exp);
  if (!Number.isFinite(expiresAtSec) || expiresAtSec * 1000 <= nowMs) return null;
  return { role, subject, expiresAtSec };
}
