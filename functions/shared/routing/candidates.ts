// Decides which providers may serve a request, and records why the others were left out.

import type { Provider, ProviderType } from '../types.js';
import { applyModelRedirect } from './select.js';

export interface CandidateContext {
  /** Provider types that can serve the endpoint. */
  types: readonly ProviderType[];
  /** The user's `providerGroup`. */
  userGroup: string;
  /** Requested model; null when the request names none (e.g. a model listing). */
  model: string | null;
  isCircuitOpen: (providerId: string) => boolean;
  /** Returns the limit text when the provider's own limit is reached, else null. */
  isOverLimit: (providerId: string) => string | null;
}

export interface CandidateResult {
  candidates: Provider[];
  /** providerId → short reason: disabled, type, group, model, circuit_open, or the over-limit text. */
  filtered: Record<string, string>;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * True when a user's group list shares a group with a provider's tag list. `*` on either side
 * matches everything; comparison is case-sensitive. A blank side matches only a `*` on the other,
 * so a provider without a tag is not silently open to everyone.
 */
export function groupMatches(userGroup: string, providerGroupTag: string): boolean {
  const userGroups = splitList(userGroup);
  const providerGroups = splitList(providerGroupTag);
  if (userGroups.includes('*') || providerGroups.includes('*')) return true;
  return userGroups.some((group) => providerGroups.includes(group));
}

/**
 * True when `model` matches one of `patterns` (exact names or `prefix*`); an empty list allows
 * every model. A null model passes only an empty list, so a restricted user cannot slip past the
 * check by omitting the model.
 */
export function modelAllowed(patterns: readonly string[], model: string | null): boolean {
  const active = patterns.map((p) => p.trim()).filter((p) => p !== '');
  if (active.length === 0) return true;
  if (model === null) return false;
  return active.some((pattern) =>
    pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : model === pattern,
  );
}

/**
 * A provider accepts a model its allowedModels names, or one it redirects to an allowed model:
 * a redirect is the admin saying "send that model here as this one".
 */
function providerAcceptsModel(provider: Provider, model: string | null): boolean {
  if (model === null) return true;
  if (modelAllowed(provider.allowedModels, model)) return true;
  const redirected = applyModelRedirect(provider, model);
  return redirected !== model && modelAllowed(provider.allowedModels, redirected);
}

function rejectionOf(provider: Provider, ctx: CandidateContext): string | null {
  if (!provider.enabled) return 'disabled';
  if (!ctx.types.includes(provider.type)) return 'type';
  if (!groupMatches(ctx.userGroup, provider.groupTag)) return 'group';
  if (!providerAcceptsModel(provider, ctx.model)) return 'model';
  // The two callbacks may consult shared state, so they run only for otherwise eligible providers.
  if (ctx.isCircuitOpen(provider.id)) return 'circuit_open';
  return ctx.isOverLimit(provider.id);
}

export function filterCandidates(providers: Provider[], ctx: CandidateContext): CandidateResult {
  const candidates: Provider[] = [];
  const filtered: Record<string, string> = {};
  for (const provider of providers) {
    const reason = rejectionOf(provider, ctx);
    if (reason === null) candidates.push(provider);
    else filtered[provider.id] = reason;
  }
  return { candidates, filtered };
}
