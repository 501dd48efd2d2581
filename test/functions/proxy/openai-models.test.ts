import { AuthenticationError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProxyTestbed } from '../../support/proxy-testbed.js';
import { CODEX_PROVIDER, OPENAI_COMPATIBLE, sdk, startOpenAiBed } from './openai-helpers.js';

let bed: ProxyTestbed | null = null;
afterEach(async () => {
  await bed?.close();
  bed = null;
});

/** A claude provider (the testbed's), a codex provider limited to two models, and an openai-compatible one in a group the user is not in. */
async function startWithProviders(): Promise<ProxyTestbed> {
  const b = await startOpenAiBed({});
  await b.addProvider({ ...CODEX_PROVIDER, allowedModels: ['gpt-5-codex', 'gpt-5.1-codex'] });
  await b.addProvider({ ...OPENAI_COMPATIBLE, groupTag: 'research', allowedModels: ['gpt-4o-private'] });
  return b;
}

describe('GET /v1/models for OpenAI clients', () => {
  it('lists, in OpenAI list shape, the models of the providers the key may use', async () => {
    bed = await startWithProviders();
    const page = await sdk(bed).models.list();
    expect(page.data.map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'gpt-5-codex', 'gpt-5.1-codex']);
    expect(page.data[0]).toEqual({ id: 'claude-sonnet-4-5', object: 'model', created: expect.any(Number), owned_by: 'code-hub' });
  });

  it('leaves out models the user is not allowed to use', async () => {
    bed = await startWithProviders();
    await bed.services.users.update(bed.userId, { allowedModels: ['gpt-5*'] });
    bed.deps.keys.invalidate();
    const page = await sdk(bed).models.list();
    expect(page.data.map((m) => m.id)).toEqual(['gpt-5-codex', 'gpt-5.1-codex']);
  });

  it('refuses an unknown key with a 401 in OpenAI format', async () => {
    bed = await startWithProviders();
    const error = await sdk(bed, `sk-${'m'.repeat(40)}`)
      .models.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
  });
});
