// GET /v1/models: the models a key may use, from the providers its user can reach (OpenAI list
// shape; Anthropic shape when the client sends anthropic-version).
import type { Context } from 'hono';
import { modelAllowed, groupMatches } from '../shared/routing/candidates.js';
import type { Price, ProviderType, ProviderWithSecret, User } from '../shared/types.js';

const FAMILY: Record<ProviderType, RegExp> = {
  claude: /^claude-/,
  'claude-auth': /^claude-/,
  codex: /^(gpt-|o\d|codex-)/,
  'openai-compatible': /^(gpt-|o\d|chatgpt-)/,
};

/** Concrete model names a provider serves: its exact allowed models and redirect sources, else the priced models of its family. */
export function modelsOfProvider(provider: ProviderWithSecret, prices: Price[]): string[] {
  const exact = (names: string[]) => names.filter((n) => !n.endsWith('*'));
  const named = [...exact(provider.allowedModels), ...exact(Object.keys(provider.modelRedirects))];
  const patterns = provider.allowedModels;
  const fromPrices = prices
    .map((p) => p.model)
    .filter((m) => !m.includes('/') && FAMILY[provider.type].test(m) && (patterns.length === 0 || modelAllowed(patterns, m)));
  return [...new Set([...named, ...fromPrices])];
}

export function listModels(user: User, providers: ProviderWithSecret[], prices: Price[]): string[] {
  const names = new Set<string>();
  for (const p of providers) {
    if (!p.enabled || !groupMatches(user.providerGroup, p.groupTag)) continue;
    for (const m of modelsOfProvider(p, prices)) if (modelAllowed(user.allowedModels, m)) names.add(m);
  }
  return [...names].sort();
}

export function modelsResponse(c: Context, models: string[], createdAt: string): Response {
  const created = Math.floor(Date.parse(createdAt) / 1000) || 0;
  if (c.req.header('anthropic-version')) {
    const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: createdAt }));
    return c.json({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }
  return c.json({ object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'code-hub' })) });
}
