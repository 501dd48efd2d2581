import { describe, expect, it } from 'vitest';
import { GSI1, GSI2, GSI3, keys } from '../../../../functions/shared/db/keys.js';
import { TABLE_DEFINITION, TTL_ATTRIBUTE, keyAttributeNames } from '../../../../functions/shared/db/table.js';

const T = '2025-03-04T05:06:07.890Z';

describe('key builders build exactly these strings', () => {
  const cases: [string, unknown, unknown][] = [
    ['user', keys.user('usr_1'), { PK: 'USER#usr_1', SK: 'PROFILE' }],
    ['userListPartition', keys.userListPartition(), 'USERS'],
    ['userList', keys.userList(T, 'usr_1'), { GSI1PK: 'USERS', GSI1SK: `${T}#usr_1` }],
    ['apiKey', keys.apiKey('ab12'), { PK: 'KEY#ab12', SK: 'KEY' }],
    ['apiKeyId', keys.apiKeyId('key_1'), { PK: 'KEYID#key_1', SK: 'KEYID' }],
    ['userKeysPartition', keys.userKeysPartition('usr_1'), 'USER#usr_1#KEYS'],
    ['apiKeyByUser', keys.apiKeyByUser('usr_1', T, 'key_1'), { GSI1PK: 'USER#usr_1#KEYS', GSI1SK: `${T}#key_1` }],
    ['provider', keys.provider('prv_1'), { PK: 'PROVIDER#prv_1', SK: 'PROVIDER' }],
    ['providerListPartition', keys.providerListPartition(), 'PROVIDERS'],
    ['providerList', keys.providerList('prv_1'), { GSI1PK: 'PROVIDERS', GSI1SK: 'prv_1' }],
    ['circuit', keys.circuit('prv_1'), { PK: 'PROVIDER#prv_1', SK: 'CIRCUIT' }],
    ['price', keys.price('anthropic/claude-sonnet-4-5'), { PK: 'PRICE#anthropic/claude-sonnet-4-5', SK: 'PRICE' }],
    ['priceListPartition', keys.priceListPartition(), 'PRICES'],
    ['priceList', keys.priceList('gpt-5'), { GSI1PK: 'PRICES', GSI1SK: 'gpt-5' }],
    ['priceSyncState', keys.priceSyncState(), { PK: 'PRICESYNC', SK: 'LATEST' }],
    ['session', keys.session('s-1'), { PK: 'SESSION#s-1', SK: 'SESSION' }],
    ['sessionListPartition', keys.sessionListPartition(), 'SESSIONS'],
    ['sessionList', keys.sessionList(T, 's-1'), { GSI1PK: 'SESSIONS', GSI1SK: `${T}#s-1` }],
    ['spendState', keys.spendState('user', 'usr_1'), { PK: 'SPEND#user#usr_1', SK: 'A#STATE' }],
    ['providerLimitShard', keys.providerLimitShard('prv_1', 2), { PK: 'SPEND#provider#prv_1#2', SK: 'A#STATE' }],
    ['logPartition', keys.logPartition('2025-03-04'), 'LOG#2025-03-04'],
    ['logSortKey', keys.logSortKey(T, 'req_1'), `${T}#req_1`],
    ['log', keys.log(T, 'req_1'), { PK: 'LOG#2025-03-04', SK: `${T}#req_1` }],
    ['logByUserPartition', keys.logByUserPartition('usr_1'), 'LOGUSER#usr_1'],
    ['logByUser', keys.logByUser('usr_1', T, 'req_1'), { GSI1PK: 'LOGUSER#usr_1', GSI1SK: `${T}#req_1` }],
    ['logByKeyPartition', keys.logByKeyPartition('key_1'), 'LOGKEY#key_1'],
    ['logByKey', keys.logByKey('key_1', T, 'req_1'), { GSI2PK: 'LOGKEY#key_1', GSI2SK: `${T}#req_1` }],
    ['logByProviderPartition', keys.logByProviderPartition('prv_1'), 'LOGPROV#prv_1'],
    ['logByProvider', keys.logByProvider('prv_1', T, 'req_1'), { GSI3PK: 'LOGPROV#prv_1', GSI3SK: `${T}#req_1` }],
    ['rollupPartition', keys.rollupPartition('2025-03-04'), 'ROLLUP#2025-03-04'],
    ['rollupDimensionPrefix', keys.rollupDimensionPrefix('key'), 'key#'],
    ['rollup', keys.rollup('2025-03-04', 'model', 'claude-sonnet-4-5'), { PK: 'ROLLUP#2025-03-04', SK: 'model#claude-sonnet-4-5' }],
    ['rollupHourPartition', keys.rollupHourPartition('2025-03-04'), 'ROLLUPH#2025-03-04'],
    ['rollupHourPrefix', keys.rollupHourPrefix('2025-03-04T05'), '2025-03-04T05#'],
    ['rollupHour', keys.rollupHour('2025-03-04T05', 3), { PK: 'ROLLUPH#2025-03-04', SK: '2025-03-04T05#3' }],
  ];

  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('covers every builder in keys.ts', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(Object.keys(keys).sort());
  });
});

describe('key ordering', () => {
  it('puts a log in the partition of its UTC day, which logPartition names', () => {
    expect(keys.log('2025-12-31T23:59:59.999Z', 'r').PK).toBe(keys.logPartition('2025-12-31'));
    expect(keys.log('2026-01-01T00:00:00.000Z', 'r').PK).toBe(keys.logPartition('2026-01-01'));
  });

  it('gives a log the same time-first sort key in its day partition and in every log index', () => {
    const sk = keys.logSortKey(T, 'r');
    expect(keys.log(T, 'r').SK).toBe(sk);
    expect(keys.logByUser('u', T, 'r').GSI1SK).toBe(sk);
    expect(keys.logByKey('k', T, 'r').GSI2SK).toBe(sk);
    expect(keys.logByProvider('p', T, 'r').GSI3SK).toBe(sk);
    expect(keys.logSortKey('2025-03-04T05:06:07.889Z', 'z') < sk).toBe(true);
  });

  it('puts list and log index entries in the partitions their partition builders name', () => {
    expect(keys.userList(T, 'u').GSI1PK).toBe(keys.userListPartition());
    expect(keys.apiKeyByUser('u', T, 'k').GSI1PK).toBe(keys.userKeysPartition('u'));
    expect(keys.providerList('p').GSI1PK).toBe(keys.providerListPartition());
    expect(keys.priceList('m').GSI1PK).toBe(keys.priceListPartition());
    expect(keys.sessionList(T, 's').GSI1PK).toBe(keys.sessionListPartition());
    expect(keys.logByUser('u', T, 'r').GSI1PK).toBe(keys.logByUserPartition('u'));
    expect(keys.logByKey('k', T, 'r').GSI2PK).toBe(keys.logByKeyPartition('k'));
    expect(keys.logByProvider('p', T, 'r').GSI3PK).toBe(keys.logByProviderPartition('p'));
  });

  it('keeps a user\'s key list apart from the user list and the user item', () => {
    expect(keys.userKeysPartition('u')).not.toBe(keys.userListPartition());
    expect(keys.userKeysPartition('u')).not.toBe(keys.user('u').PK);
  });

  it('keeps the hourly rollup shards of one UTC day in the partition rollupHourPartition names', () => {
    expect(keys.rollupHour('2025-03-04T23', 0).PK).toBe(keys.rollupHourPartition('2025-03-04'));
    expect(keys.rollupHour('2025-03-04T23', 0).SK).not.toBe(keys.rollupHour('2025-03-04T23', 1).SK);
  });

  it('selects every shard of an hour between its prefix and prefix~, and no shard of the next hour', () => {
    const prefix = keys.rollupHourPrefix('2025-03-04T05');
    for (const shard of [0, 7, 12]) {
      const sk = keys.rollupHour('2025-03-04T05', shard).SK;
      expect(sk >= prefix && sk <= `${prefix}~`).toBe(true);
    }
    expect(keys.rollupHour('2025-03-04T06', 0).SK > `${prefix}~`).toBe(true);
  });

  it('starts a rollup sort key with its dimension prefix, which no other dimension shares', () => {
    expect(keys.rollup('2025-03-04', 'key', 'k1').SK.startsWith(keys.rollupDimensionPrefix('key'))).toBe(true);
    expect(keys.rollup('2025-03-04', 'user', 'k1').SK.startsWith(keys.rollupDimensionPrefix('key'))).toBe(false);
  });

  it('keeps the limit state of each scope and of each provider shard in its own item', () => {
    expect(keys.spendState('key', 'k').PK).not.toBe(keys.spendState('user', 'k').PK);
    expect(keys.providerLimitShard('p', 0).PK).not.toBe(keys.providerLimitShard('p', 1).PK);
  });
});

describe('table definition', () => {
  it('declares PK/SK, three GSIs named as keys.ts exports them, and the expiresAt TTL attribute', () => {
    expect(TABLE_DEFINITION.partitionKey).toBe('PK');
    expect(TABLE_DEFINITION.sortKey).toBe('SK');
    expect(TTL_ATTRIBUTE).toBe('expiresAt');
    expect(TABLE_DEFINITION.globalSecondaryIndexes.map((g) => g.indexName)).toEqual([GSI1, GSI2, GSI3]);
    expect(keyAttributeNames()).toEqual(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK']);
  });
});
