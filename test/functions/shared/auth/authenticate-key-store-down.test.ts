import { describe, expect, it } from 'vitest';
import { createKeyAuthenticator, STALE_WHILE_STORE_DOWN_MS } from '../../../../functions/shared/auth/authenticate-key.js';
import type { ApiKeysRepo } from '../../../../functions/shared/db/repos/api-keys.js';
import type { UsersRepo } from '../../../../functions/shared/db/repos/users.js';
import { StoreDownError } from '../../../../functions/shared/db/store-breaker.js';
import { StoreUnavailableError } from '../../../../functions/shared/errors.js';
import type { ApiKey, User } from '../../../../functions/shared/types.js';

const SECRET = `sk-${'a'.repeat(40)}`;
const OTHER = `sk-${'b'.repeat(40)}`;
const user = { id: 'usr_1', enabled: true } as User;
const key = { id: 'key_1', userId: 'usr_1', enabled: true, expiresAt: null } as ApiKey;

/**
 * An authenticator over a store that can be switched off; counts the key reads that reached it (a
 * refresh reads the key and, beside it, the user it last saw: one attempt, one key read).
 */
function setup() {
  const store = { up: true, keyReads: 0, failure: new StoreDownError() as Error };
  const clock = { now: 1_000_000 };
  const read = <T>(value: T) => (store.up ? Promise.resolve(value) : Promise.reject(store.failure));
  const apiKeys = {
    getBySecret: (secret: string) => {
      store.keyReads++;
      return read(secret === SECRET ? key : null);
    },
  } as unknown as ApiKeysRepo;
  const users = { get: () => read(user) } as unknown as UsersRepo;
  const auth = createKeyAuthenticator({ apiKeys, users, now: () => clock.now }, 3000);
  return { auth, store, clock };
}

describe('key authentication while the store is unreachable', () => {
  it('keeps a key it checked recently, trying the store again once per cache period', async () => {
    const { auth, store, clock } = setup();
    await auth.authenticate(SECRET);
    store.up = false;
    clock.now += 3001;
    await expect(auth.authenticate(SECRET)).resolves.toMatchObject({ key: { id: 'key_1' } });
    const attempts = store.keyReads;
    clock.now += 1000;
    await auth.authenticate(SECRET);
    expect(store.keyReads).toBe(attempts);
    clock.now += 2500;
    await auth.authenticate(SECRET);
    expect(store.keyReads).toBe(attempts + 1);
  });

  it('answers 503 for a key it has not seen, and for one checked too long ago', async () => {
    const { auth, store, clock } = setup();
    await auth.authenticate(SECRET);
    store.up = false;
    const unseen = await auth.authenticate(OTHER).catch((e: unknown) => e);
    expect(unseen).toBeInstanceOf(StoreUnavailableError);
    expect(unseen).toMatchObject({ status: 503, code: 'overloaded_error' });
    clock.now += STALE_WHILE_STORE_DOWN_MS + 1;
    await expect(auth.authenticate(SECRET)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('does not hide errors that are not about reaching the store', async () => {
    const { auth, store, clock } = setup();
    await auth.authenticate(SECRET);
    store.up = false;
    store.failure = new TypeError('a bug');
    clock.now += 3001;
    await expect(auth.authenticate(SECRET)).rejects.toThrow('a bug');
  });

  it('checks the store again when it is back: a key disabled meanwhile is refused', async () => {
    const { auth, store, clock } = setup();
    await auth.authenticate(SECRET);
    store.up = false;
    clock.now += 3001;
    await auth.authenticate(SECRET);
    store.up = true;
    key.enabled = false;
    clock.now += 3001;
    try {
      await expect(auth.authenticate(SECRET)).rejects.toThrow('API key is disabled');
    } finally {
      key.enabled = true;
    }
  });
});
