// Key builders: the only place that builds PK/SK/GSI key strings. See DATA_MODEL.md.

export type LimitScope = 'key' | 'user' | 'provider';
export type RollupDimension = 'user' | 'key' | 'provider' | 'model';

export const keys = {
  user: (id: string) => ({ PK: `USER#${id}`, SK: 'PROFILE' }),
  /** GSI1 partition listing every user. */
  userListPartition: () => 'USERS',
  userList: (createdAt: string, id: string) => ({ GSI1PK: keys.userListPartition(), GSI1SK: `${createdAt}#${id}` }),

  /** A client key is stored under the SHA-256 of its secret: auth is one GetItem. */
  apiKey: (hash: string) => ({ PK: `KEY#${hash}`, SK: 'KEY' }),
  /** Pointer from a key id to its current hash (admin operations address keys by id). */
  apiKeyId: (id: string) => ({ PK: `KEYID#${id}`, SK: 'KEYID' }),
  /** GSI1 partition listing one user's keys. */
  userKeysPartition: (userId: string) => `USER#${userId}#KEYS`,
  apiKeyByUser: (userId: string, createdAt: string, id: string) => ({
    GSI1PK: keys.userKeysPartition(userId),
    GSI1SK: `${createdAt}#${id}`,
  }),

  provider: (id: string) => ({ PK: `PROVIDER#${id}`, SK: 'PROVIDER' }),
  /** GSI1 partition listing every provider. */
  providerListPartition: () => 'PROVIDERS',
  providerList: (id: string) => ({ GSI1PK: keys.providerListPartition(), GSI1SK: id }),
  circuit: (providerId: string) => ({ PK: `PROVIDER#${providerId}`, SK: 'CIRCUIT' }),

  price: (model: string) => ({ PK: `PRICE#${model}`, SK: 'PRICE' }),
  /** GSI1 partition listing every price. */
  priceListPartition: () => 'PRICES',
  priceList: (model: string) => ({ GSI1PK: keys.priceListPartition(), GSI1SK: model }),
  priceSyncState: () => ({ PK: 'PRICESYNC', SK: 'LATEST' }),

  session: (sessionId: string) => ({ PK: `SESSION#${sessionId}`, SK: 'SESSION' }),
  /** GSI1 partition listing sessions by last activity. */
  sessionListPartition: () => 'SESSIONS',
  sessionList: (lastSeenAt: string, sessionId: string) => ({
    GSI1PK: keys.sessionListPartition(),
    GSI1SK: `${lastSeenAt}#${sessionId}`,
  }),

  /**
   * Limit state of a key or user (limits/limit-state.ts): spend counters (5-minute buckets, local
   * days, total), in-flight requests with their reservations, sessions and RPM slots, as attributes
   * of one item, so admission is one UpdateItem returning ALL_NEW and concurrent admissions are
   * ordered exactly (docs/limits.md).
   */
  spendState: (scope: LimitScope, scopeId: string) => ({ PK: `SPEND#${scope}#${scopeId}`, SK: 'A#STATE' }),
  /** A provider's limit state, sharded by session so no item takes every request's write (read with one BatchGet). */
  providerLimitShard: (providerId: string, shard: number) => ({ PK: `SPEND#provider#${providerId}#${shard}`, SK: 'A#STATE' }),

  /** Request logs: partitioned by UTC day, sorted by time; GSIs by user, key and provider. */
  logPartition: (utcDate: string) => `LOG#${utcDate}`,
  /** Sort key of a log in its day partition and in every log GSI: time first, so ranges are `between`. */
  logSortKey: (createdAt: string, id: string) => `${createdAt}#${id}`,
  log: (createdAt: string, id: string) => ({ PK: keys.logPartition(createdAt.slice(0, 10)), SK: keys.logSortKey(createdAt, id) }),
  logByUserPartition: (userId: string) => `LOGUSER#${userId}`,
  logByUser: (userId: string, createdAt: string, id: string) => ({
    GSI1PK: keys.logByUserPartition(userId),
    GSI1SK: keys.logSortKey(createdAt, id),
  }),
  logByKeyPartition: (keyId: string) => `LOGKEY#${keyId}`,
  logByKey: (keyId: string, createdAt: string, id: string) => ({
    GSI2PK: keys.logByKeyPartition(keyId),
    GSI2SK: keys.logSortKey(createdAt, id),
  }),
  logByProviderPartition: (providerId: string) => `LOGPROV#${providerId}`,
  logByProvider: (providerId: string, createdAt: string, id: string) => ({
    GSI3PK: keys.logByProviderPartition(providerId),
    GSI3SK: keys.logSortKey(createdAt, id),
  }),

  /** Daily statistics per dimension (date in HUB_TIMEZONE). */
  rollupPartition: (localDate: string) => `ROLLUP#${localDate}`,
  /** Sort-key prefix of one dimension's rollups in a day partition (leaderboards: `begins_with`). */
  rollupDimensionPrefix: (dimension: RollupDimension) => `${dimension}#`,
  rollup: (localDate: string, dimension: RollupDimension, id: string) => ({
    PK: keys.rollupPartition(localDate),
    SK: `${keys.rollupDimensionPrefix(dimension)}${id}`,
  }),
  /** Global hourly totals, sharded so no single item takes every request's write. */
  rollupHourPartition: (utcDate: string) => `ROLLUPH#${utcDate}`,
  /** Sort-key prefix of every shard of one UTC hour (`<prefix>` to `<prefix>~` selects them). */
  rollupHourPrefix: (utcHour: string) => `${utcHour}#`,
  rollupHour: (utcHour: string, shard: number) => ({
    PK: keys.rollupHourPartition(utcHour.slice(0, 10)),
    SK: `${keys.rollupHourPrefix(utcHour)}${shard}`,
  }),
};

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';
export const GSI3 = 'GSI3';
