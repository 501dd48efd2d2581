// Id → name lookups for users, keys and providers, so tables show names instead of ids.
import { api } from './api.js';
import type { ApiKey, ProviderView, User } from './types.js';
import type { NameLookup } from './log-detail.js';

export interface Directory extends NameLookup {
  users: User[];
  providers: ProviderView[];
  /** Loads the keys of these users (once each) so `key()` can name them. */
  loadKeysOf(userIds: Iterable<string | null>): Promise<void>;
  keysOf(userId: string): ApiKey[];
  /** The key's name alone, for tight tables. */
  keyName(id: string | null): string;
}

function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}

export async function loadDirectory(): Promise<Directory> {
  const [users, providers] = await Promise.all([api.listUsers(), api.listProviders()]);
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const providerName = new Map(providers.map((p) => [p.id, p.name]));
  const keys = new Map<string, ApiKey>();
  const keysByUser = new Map<string, ApiKey[]>();
  const loading = new Map<string, Promise<void>>();

  return {
    users,
    providers,
    user: (id) => (id ? userName.get(id) ?? shortId(id) : '—'),
    provider: (id, fallback) => (id ? providerName.get(id) ?? fallback ?? shortId(id) : fallback ?? '—'),
    key: (id) => {
      if (!id) return '—';
      const k = keys.get(id);
      return k ? `${k.name} (${k.keyPrefix}…)` : shortId(id);
    },
    keysOf: (userId) => keysByUser.get(userId) ?? [],
    keyName: (id) => (id ? keys.get(id)?.name ?? shortId(id) : '—'),
    async loadKeysOf(userIds) {
      const pending: Promise<void>[] = [];
      for (const id of new Set(userIds)) {
        if (!id || !userName.has(id)) continue;
        let p = loading.get(id);
        if (!p) {
          p = api.listKeys(id).then((list) => {
            keysByUser.set(id, list);
            for (const k of list) keys.set(k.id, k);
          }, () => undefined);
          loading.set(id, p);
        }
        pending.push(p);
      }
      await Promise.all(pending);
    },
  };
}
