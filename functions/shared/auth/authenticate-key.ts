// Client-key authentication shared by the proxy and `/api/me`: key by hash, then its user, each
// reason for refusal named in the message (CONTRACT.md §2).
import type { ApiKey, User } from '../types.js';
import { AuthError, StoreUnavailableError } from '../errors.js';
import { isStoreUnavailable } from '../db/client.js';
import { CLIENT_KEY_PATTERN } from '../ids.js';
import type { ApiKeysRepo } from '../db/repos/api-keys.js';
import type { UsersRepo } from '../db/repos/users.js';

export interface AuthenticatedKey {
  key: ApiKey;
  user: User;
}

/** Pull the client key from `x-api-key` / `Authorization: Bearer`; both present and different → 401. */
export function extractClientKey(headers: Headers): string {
  const xApiKey = headers.get('x-api-key')?.trim() || null;
  const auth = headers.get('authorization')?.trim() || '';
  const bearer = /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() || null : null;
  if (xApiKey && bearer && xApiKey !== bearer) {
    throw new AuthError('x-api-key and Authorization headers carry different keys; send one key');
  }
  const key = xApiKey ?? bearer;
  if (!key) throw new AuthError('missing API key: send it in x-api-key or Authorization: Bearer');
  return key;
}

/** Check a key/user pair that was loaded (possibly from a cache) against the rules. */
export function assertUsable(key: ApiKey | null, user: User | null, nowMs: number): AuthenticatedKey {
  if (!key) throw new AuthError('invalid API key: this key is unknown (it may have been rotated or deleted)');
  if (!key.enabled) throw new AuthError('API key is disabled');
  if (key.expiresAt && Date.parse(key.expiresAt) <= nowMs) throw new AuthError(`API key expired at ${key.expiresAt}`);
  if (!user) throw new AuthError('invalid API key: its user no longer exists');
  if (!user.enabled) throw new AuthError('the user of this API key is disabled');
  return { key, user };
}

/** How long a key checked against the store keeps working while the store is unreachable. */
export const STALE_WHILE_STORE_DOWN_MS = 10 * 60_000;

export interface KeyAuthenticator {
  authenticate(secret: string): Promise<AuthenticatedKey>;
  /** Forget cached entries (after an admin change in this process). */
  invalidate(): void;
}

/**
 * Authenticates a secret with a short per-process cache (ttlMs, a few seconds) so the warm path
 * does no store round trip while a revoked key stops working within ttlMs everywhere. While the
 * store is unreachable a cached answer is kept (up to STALE_WHILE_STORE_DOWN_MS old) and another key
 * gets StoreUnavailableError (503).
 */
export function createKeyAuthenticator(
  deps: { apiKeys: ApiKeysRepo; users: UsersRepo; now: () => number },
  ttlMs = 3000,
): KeyAuthenticator {
  const cache = new Map<string, { at: number; checkedAt: number; key: ApiKey | null; user: User | null }>();
  return {
    async authenticate(secret) {
      if (!CLIENT_KEY_PATTERN.test(secret)) {
        throw new AuthError('invalid API key format: expected sk- followed by at least 32 URL-safe characters');
      }
      const now = deps.now();
      let entry = cache.get(secret);
      if (!entry || now - entry.at > ttlMs) {
        try {
          // A key never changes owner: on a refresh its user is read beside it (one round, not two).
          const knownUserId = entry?.key?.userId;
          const [key, knownUser] = await Promise.all([
            deps.apiKeys.getBySecret(secret),
            knownUserId ? deps.users.get(knownUserId) : Promise.resolve(null),
          ]);
          const user = !key ? null : key.userId === knownUserId ? knownUser : await deps.users.get(key.userId);
          entry = { at: now, checkedAt: now, key, user };
        } catch (err) {
          if (!isStoreUnavailable(err)) throw err;
          // Store unreachable: no admin change can be written either, so the last answer this
          // instance had still holds for a while (the store is tried again after another ttlMs).
          if (!entry || now - entry.checkedAt > STALE_WHILE_STORE_DOWN_MS) throw new StoreUnavailableError();
          entry = { ...entry, at: now };
        }
        if (cache.size > 10_000) cache.clear();
        cache.set(secret, entry);
      }
      return assertUsable(entry.key, entry.user, now);
    },
    invalidate() {
      cache.clear();
    },
  };
}
