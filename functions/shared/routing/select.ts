// Orders candidate providers into the attempt list (priority tiers, weighted random) and maps models.

import type { Provider } from '../types.js';

/** A provider's share within its tier; anything not a positive finite number counts as 0. */
function weightOf(provider: Provider): number {
  return Number.isFinite(provider.weight) && provider.weight > 0 ? provider.weight : 0;
}

/** Index in [0, length) from a `random()` in [0, 1), tolerant of a generator that returns 1. */
function randomIndex(length: number, random: () => number): number {
  return Math.min(length - 1, Math.floor(random() * length));
}

/** Weighted draw without replacement; zero-weight providers follow in uniform random order. */
function orderTier(tier: Provider[], random: () => number): Provider[] {
  const weighted = tier.filter((p) => weightOf(p) > 0);
  const unweighted = tier.filter((p) => weightOf(p) === 0);
  const ordered: Provider[] = [];

  let remaining = weighted;
  while (remaining.length > 0) {
    const total = remaining.reduce((sum, p) => sum + weightOf(p), 0);
    let point = random() * total;
    let chosen = remaining.length - 1;
    for (let i = 0; i < remaining.length; i += 1) {
      point -= weightOf(remaining[i]);
      if (point < 0) {
        chosen = i;
        break;
      }
    }
    ordered.push(remaining[chosen]);
    remaining = remaining.filter((_, i) => i !== chosen);
  }

  const rest = [...unweighted];
  while (rest.length > 0) {
    const [picked] = rest.splice(randomIndex(rest.length, random), 1);
    ordered.push(picked);
  }
  return ordered;
}

/**
 * The full attempt order: tiers by ascending `priority`, each tier in weighted random order.
 * The first element is the pick; failover walks the rest (same tier first, then lower tiers).
 */
export function orderCandidates(candidates: Provider[], random: () => number): Provider[] {
  const tiers = new Map<number, Provider[]>();
  for (const provider of candidates) {
    const tier = tiers.get(provider.priority);
    if (tier) tier.push(provider);
    else tiers.set(provider.priority, [provider]);
  }
  return [...tiers.keys()]
    .sort((a, b) => a - b)
    .flatMap((priority) => orderTier(tiers.get(priority) ?? [], random));
}

/**
 * The model name to send upstream. An exact key of `modelRedirects` wins; otherwise the longest
 * matching `prefix*` key applies. The target is used literally (no wildcard substitution).
 * Without a match the model is sent unchanged.
 */
export function applyModelRedirect(provider: Pick<Provider, 'modelRedirects'>, model: string): string {
  const redirects = provider.modelRedirects ?? {};
  if (Object.prototype.hasOwnProperty.call(redirects, model)) return redirects[model];
  let best: { prefixLength: number; target: string } | null = null;
  for (const [pattern, target] of Object.entries(redirects)) {
    if (!pattern.endsWith('*')) continue;
    const prefix = pattern.slice(0, -1);
    if (model.startsWith(prefix) && (best === null || prefix.length > best.prefixLength)) {
      best = { prefixLength: prefix.length, target };
    }
  }
  return best === null ? model : best.target;
}
