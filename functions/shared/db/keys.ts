// Key builders: the only place that builds PK/SK/GSI key strings. See DATA_MODEL.md.

export type LimitScope = 'key' | 'user' | 'provider';
export type RollupDimension = 'user' | 'key' | 'provider' | 'model';

export const keys = {
  user: (id: string) => ({ PK: `USER#${id}`, SK: 'PROFILE' }),
  userList: (createdAt: string, id: string) => ({ GSI1PK: 'USERS', GSI1SK: `${createdAt}#${id}` }),

  /** A client key is stored under the SHA-256 of its secret: auth is one GetItem. */
  apiKey: (hash: string) => ({ PK: `KEY#${hash}`, SK: 'KEY' }),
  /** Pointer from a key id to its current hash (admin operations address keys by id). */
  apiKeyId: (id: string) => ({ PK: `KEYID#${id}`, SK: 'KEYID' }),
  apiKeyByUser: (userId: string, createdAt: string, id: string) => ({
    GSI1PK: `USER#${userId}#KEYS`,
    GSI1SK: `${createdAt}#${id}`,
  }),

  provider: (id: string) => ({ PK: `PROVIDER#${id}`, SK: 'PROVIDER' }),
  providerList: (id: string) => ({ GSI1PK: 'PROVIDERS', GSI1SK: id }),
  circuit: (providerId: string) => ({ PK: `PROVIDER#${providerId}`, SK: 'CIRCUIT' }),

  price: (model: string) => ({ PK: `PRICE#${model}`, SK: 'PRICE' }),
  priceList: (model: string) => ({ GSI1PK: 'PRICES', GSI1SK: model }),
  priceSyncState: () => ({ PK: 'PRICESYNC', SK: 'LATEST' }),

  session: (sessionId: string) => ({ PK: `SESSION#${sessionId}`, SK: 'SESSION' }),
  sessionList: (lastSeenAt: string, sessionId: string) => ({
    GSI1PK: 'SESSIONS',
    GSI1SK: `${lastSeenAt}#${sessionId}`,
  }),

  /** Active-session leases of one scope: one item per session, counted with one Query. */
  leasePartition: (scope: LimitScope, scopeId: string) => `ACTIVE#${scope}#${scopeId}`,
  lease: (scope: LimitScope, scopeId: string, sessionId: string) => ({
    PK: `ACTIVE#${scope}#${scopeId}`,
    SK: sessionId,
  }),

  /** Requests of one user in a 10-second slot (sliding 60 s = the last six slots). */
  rpmPartition: (userId: string) => `RPM#${userId}`,
  rpmSlot: (userId: string, slotStartEpochSec: number) => ({
    PK: `RPM#${userId}`,
    SK: `S#${String(slotStartEpochSec).padStart(12, '0')}`,
  }),

  /** Spend counters of one scope live in one partition, read with one Query at admission. */
  spendPartition: (scope: LimitScope, scopeId: string) => `SPEND#${scope}#${scopeId}`,
  spendBucket: (scope: LimitScope, scopeId: string, bucketStartEpochSec: number) => ({
    PK: `SPEND#${scope}#${scopeId}`,
    SK: `B#${String(bucketStartEpochSec).padStart(12, '0')}`,
  }),
  spendDay: (scope: LimitScope, scopeId: string, localDate: string) => ({
    PK: `SPEND#${scope}#${scopeId}`,
    SK: `D#${localDate}`,
  }),
  spendTotal: (scope: LimitScope, scopeId: string) => ({ PK: `SPEND#${scope}#${scopeId}`, SK: 'TOTAL' }),
  /**
   * Limit state of a key or user (limits/limit-state.ts): spend counters (5-minute buckets, local
   * days, total), in-flight requests with their reservations, sessions and RPM slots, as attributes
   * of one item, so admission is one UpdateItem returning ALL_NEW and concurrent admissions are
   * ordered exactly (docs/limits.md).
   */
  spendState: (scope: LimitScope, scopeId: string) => ({ PK: `SPEND#${scope}#${scopeId}`, SK: 'A#STATE' }),
  /** A provider's limit state, sharded by session so no item takes every request's write (read with one BatchGet). */
  providerLimitShard: (providerId: string, shard: number) => ({ PK: `SPEND#provider#${providerId}#${shard}`, SK: 'A#STATE' }),
  /** In-flight reservations (estimated cost held at admission, released at settle). */
  spendReservation: (scope: LimitScope, scopeId: string, requestId: string) => ({
    PK: `SPEND#${scope}#${scopeId}`,
    SK: `R#${requestId}`,
  }),

  /** Request logs: partitioned by UTC day, sorted by time; GSIs by user, key and provider. */
  logPartition: (utcDate: string) => `LOG#${utcDate}`,
  log: (createdAt: string, id: string) => ({ PK: `LOG#${createdAt.slice(0, 10)}`, SK: `${createdAt}#${id}` }),
  logByUser: (userId: string, createdAt: string, id: string) => ({
    GSI1PK: `LOGUSER#${userId}`,
    GSI1SK: `${createdAt}#${id}`,
  }),
  logByKey: (keyId: string, createdAt: string, id: string) => ({
    GSI2PK: `LOGKEY#${keyId}`,
    GSI2SK: `${createdAt}#${id}`,
  }),
  logByProvider: (providerId: string, createdAt: string, id: string) => ({
    GSI3PK: `LOGPROV#${providerId}`,
    GSI3SK: `${createdAt}#${id}`,
  }),

  /** Daily statistics per dimension (date in HUB_TIMEZONE). */
  rollupPartition: (localDate: string) => `ROLLUP#${localDate}`,
  rollup: (localDate: string, dimension: RollupDimension, id: string) => ({
    PK: `ROLLUP#${localDate}`,
    SK: `${dimension}#${id}`,
  }),
  /** Global hourly totals, sharded so no single item takes every request's write. */
  rollupHourPartition: (utcDate: string) => `ROLLUPH#${utcDate}`,
  rollupHour: (utcHour: string, shard: number) => ({
    PK: `ROLLUPH#${utcHour.slice(0, 10)}`,
    SK: `${utcHour}#${shard}`,
  }),

  /** Small singleton records (schema version, local settings). */
  meta: (name: string) => ({ PK: 'META', SK: name }),
};

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';
export const GSI3 = 'GSI3';
