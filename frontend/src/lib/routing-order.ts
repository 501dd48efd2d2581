// Orders providers the way routing tries them and computes each one's share of its tier's traffic.

export interface RoutableProvider {
  id: string;
  name: string;
  enabled: boolean;
  groupTag: string;
  priority: number;
  weight: number;
}

export interface RoutedRow<P extends RoutableProvider> {
  provider: P;
  /** Fraction of traffic (0..1) the provider receives among enabled providers of its group and priority. */
  share: number;
  /** True for the first row of a new group/priority tier, so the table can draw a divider. */
  tierStart: boolean;
}

/**
 * Group first (groups never share traffic), then priority ascending (lower is preferred), then
 * weight descending, then name for a stable order. Disabled providers get no share.
 */
export function orderForRouting<P extends RoutableProvider>(providers: readonly P[]): RoutedRow<P>[] {
  const sorted = [...providers].sort(
    (a, b) =>
      a.groupTag.localeCompare(b.groupTag) ||
      a.priority - b.priority ||
      b.weight - a.weight ||
      a.name.localeCompare(b.name),
  );
  const tierWeight = new Map<string, number>();
  for (const p of sorted) {
    if (!p.enabled) continue;
    const tier = tierOf(p);
    tierWeight.set(tier, (tierWeight.get(tier) ?? 0) + Math.max(0, p.weight));
  }
  let previousTier: string | null = null;
  return sorted.map((provider) => {
    const tier = tierOf(provider);
    const total = tierWeight.get(tier) ?? 0;
    const share = provider.enabled && total > 0 ? Math.max(0, provider.weight) / total : 0;
    const tierStart = tier !== previousTier;
    previousTier = tier;
    return { provider, share, tierStart };
  });
}

function tierOf(p: RoutableProvider): string {
  return `${p.groupTag}\u0000${p.priority}`;
}
