import { describe, expect, it } from 'vitest';
import { createKeyAuthenticator, extractClientKey } from '../../../../functions/shared/auth/authenticate-key.js';
import { AuthError } from '../../../../functions/shared/errors.js';
import { keyInput, userInput } from '../../../support/inputs.js';
import { createTestContext } from '../../../support/store.js';

async function setup(keyFields: { enabled?: boolean; expiresAt?: string | null } = {}) {
  const ctx = await createTestContext({ now: Date.parse('2025-06-01T00:00:00.000Z') });
  const user = await ctx.services.users.create(userInput({ name: 'u' }));
  const key = await ctx.services.apiKeys.create(
    user.id,
    keyInput({ name: 'k', enabled: keyFields.enabled ?? true, expiresAt: keyFields.expiresAt ?? null }),
  );
  return { ctx, user, key, auth: createKeyAuthenticator(ctx.services, 3000) };
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthError);
  return err as AuthError;
}

describe('createKeyAuthenticator', () => {
  it('returns the key and its user for a valid secret', async () => {
    const { auth, key, user } = await setup();
    const out = await auth.authenticate(key.key);
    expect(out.key.id).toBe(key.id);
    expect(out.user.id).toBe(user.id);
  });

  it('refuses a malformed secret without a store read', async () => {
    const { auth } = await setup();
    expect((await refusal(auth.authenticate('sk-short'))).message).toMatch(/format/);
    expect((await refusal(auth.authenticate('not-a-key-at-all-0123456789abcdef0123'))).status).toBe(401);
  });

  it('refuses an unknown secret', async () => {
    const { auth } = await setup();
    const err = await refusal(auth.authenticate(`sk-${'a'.repeat(40)}`));
    expect(err.message).toMatch(/unknown/);
  });

  it('refuses a disabled key', async () => {
    const { auth, key } = await setup({ enabled: false });
    expect((await refusal(auth.authenticate(key.key))).message).toBe('API key is disabled');
  });

  it('refuses a key whose expiresAt has passed, and admits it just before', async () => {
    const { ctx, auth, key } = await setup({ expiresAt: '2025-06-01T00:00:10.000Z' });
    await expect(auth.authenticate(key.key)).resolves.toMatchObject({ key: { id: key.id } });
    ctx.clock.now += 10_000;
    expect((await refusal(auth.authenticate(key.key))).message).toBe('API key expired at 2025-06-01T00:00:10.000Z');
  });

  it('refuses a key of a disabled user', async () => {
    const { ctx, auth, key, user } = await setup();
    await ctx.services.users.update(user.id, { enabled: false });
    expect((await refusal(auth.authenticate(key.key))).message).toMatch(/user of this API key is disabled/);
  });

  it('serves from its cache for ttlMs, then sees a revocation; invalidate() sees it at once', async () => {
    const { ctx, auth, key } = await setup();
    await auth.authenticate(key.key);
    await ctx.services.apiKeys.update(key.id, { enabled: false });
    await expect(auth.authenticate(key.key)).resolves.toBeDefined();
    ctx.clock.now += 3001;
    await refusal(auth.authenticate(key.key));

    await ctx.services.apiKeys.update(key.id, { enabled: true });
    ctx.clock.now += 3001;
    await auth.authenticate(key.key);
    await ctx.services.apiKeys.delete(key.id);
    auth.invalidate();
    expect((await refusal(auth.authenticate(key.key))).message).toMatch(/unknown/);
  });

  it('sees a user disabled while its key was cached once the cache expires (user re-read beside the key)', async () => {
    const { ctx, auth, key, user } = await setup();
    await auth.authenticate(key.key);
    await ctx.services.users.update(user.id, { enabled: false });
    await expect(auth.authenticate(key.key)).resolves.toBeDefined();
    ctx.clock.now += 3001;
    expect((await refusal(auth.authenticate(key.key))).message).toMatch(/user of this API key is disabled/);
    await ctx.services.users.update(user.id, { enabled: true, name: 'renamed' });
    ctx.clock.now += 3001;
    expect((await auth.authenticate(key.key)).user.name).toBe('renamed');
  });
});

describe('extractClientKey', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it.each([
    ['x-api-key', { 'x-api-key': 'sk-a' }, 'sk-a'],
    ['bearer', { authorization: 'Bearer sk-b' }, 'sk-b'],
    ['both equal', { 'x-api-key': 'sk-c', authorization: 'bearer sk-c' }, 'sk-c'],
  ])('reads the key from %s', (_case, headers, expected) => {
    expect(extractClientKey(h(headers))).toBe(expected);
  });

  it('refuses two different keys and a missing key', () => {
    expect(() => extractClientKey(h({ 'x-api-key': 'sk-a', authorization: 'Bearer sk-b' }))).toThrow(AuthError);
    expect(() => extractClientKey(h({}))).toThrow(/missing API key/);
  });
});
