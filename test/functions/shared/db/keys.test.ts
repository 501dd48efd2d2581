import { describe, expect, it } from 'vitest';
import { GSI1, GSI2, GSI3, keys } from '../../../../functions/shared/db/keys.js';
import { TABLE_DEFINITION, TTL_ATTRIBUTE, keyAttributeNames } from '../../../../functions/shared/db/table.js';

const T = '2025-03-04T05:06:07.890Z';

describe('key builders build exactly these strings', () => {
  const cases: [string, unknown, unknown][] = [
    ['user', keys.user('usr_1'), { PK: 'USER#usr_1', SK: 'PROFILE' }],
    ['userList', keys.userList(T, 'usr_1'), { GSI1PK: 'USERS', GSI1SK: `${T}#usr_1` }],
    ['apiKey', keys.apiKey('ab12'), { PK: 'KEY#ab12', SK: 'KEY' }],
    ['apiKeyId', keys.apiKeyId('key_1'), { PK: 'KEYID#key_1', SK: 'KEYID' }],
    ['apiKeyByUser', keys.apiKeyByUser('usr_1', T, 'key_1'), { GSI1PK: 'USER#usr_1#KEYS', GSI1SK: `${T}#key_1` }],
    ['provider', keys.provider('prv_1'), { PK: 'PROVIDER#prv_1', SK: 'PROVIDER' }],
    ['providerList', keys.providerList('prv_1'), { GSI1PK: 'PROVIDERS', GSI1SK: 'prv_1' }],
    ['circuit', keys.circuit('prv_1'), { PK: 'PROVIDER#prv_1', SK: 'CIRCUIT' }],
    ['price', keys.price('anthropic/claude-sonnet-4-5'), { PK: 'PRICE#anthropic/claude-sonnet-4-5', SK: 'PRICE' }],
    ['priceList', keys.priceList('gpt-5'), { GSI1PK: 'PRICES', GSI1SK: 'gpt-5' }],
    ['priceSyncState', keys.priceSyncState(), { PK: 'PRICESYNC', SK: 'LATEST' }],
    ['session', keys.session('s-1'), { PK: 'SESSION#s-1', SK: 'SESSION' }],
    ['sessionList', keys.sessionList(T, 's-1'), { GSI1PK: 'SESSIONS', GSI1SK: `${T}#s-1` }],
    ['leasePartition', keys.leasePartition('user', 'usr_1'), 'ACTIVE#user#usr_1'],
    ['lease', keys.lease('key', 'key_1', 's-1'), { PK: 'ACTIVE#key#key_1', SK: 's-1' }],
    ['rpmPartition', keys.rpmPartition('usr_1'), 'RPM#usr_1'],
    ['rpmSlot', keys.rpmSlot('usr_1', 1_700_000_000), { PK: 'RPM#usr_1', SK: 'S#001700000000' }],
    ['spendPartition', keys.spendPartition('provider', 'prv_1'), 'SPEND#provider#prv_1'],
    ['spendBucket', keys.spendBucket('key', 'key_1', 1_700_000_400), { PK: 'SPEND#key#key_1', SK: 'B#001700000400' }],
    ['spendDay', keys.spendDay('user', 'usr_1', '2025-03-04'), { PK: 'SPEND#user#usr_1', SK: 'D#2025-03-04' }],
    ['spendTotal', keys.spendTotal('user', 'usr_1'), { PK: 'SPEND#user#usr_1', SK: 'TOTAL' }],
    ['spendState', keys.spendState('user', 'usr_1'), { PK: 'SPEND#user#usr_1', SK: 'A#STATE' }],
    ['providerLimitShard', keys.providerLimitShard('prv_1', 2), { PK: 'SPEND#provider#prv_1#2', SK: 'A#STATE' }],
    ['spendReservation', keys.spendReservation('key', 'key_1', 'req_1'), { PK: 'SPEND#key#key_1', SK: 'R#req_1' }],
    ['logPartition', keys.logPartition('2025-03-04'), 'LOG#2025-03-04'],
    ['log', keys.log(T, 'req_1'), { PK: 'LOG#2025-03-04', SK: `${T}#req_1` }],
    ['logByUser', keys.logByUser('usr_1', T, 'req_1'), { GSI1PK: 'LOGUSER#usr_1', GSI1SK: `${T}#req_1` }],
    ['logByKey', keys.logByKey('key_1', T, 'req_1'), { GSI2PK: 'LOGKEY#key_1', GSI2SK: `${T}#req_1` }],
    ['logByProvider', keys.logByProvider('prv_1', T, 'req_1'), { GSI3PK: 'LOGPROV#prv_1', GSI3SK: `${T}#req_1` }],
    ['rollupPartition', keys.rollupPartition('2025-03-04'), 'ROLLUP#2025-03-04'],
    ['rollup', keys.rollup('2025-03-04', 'model', 'claude-sonnet-4-5'), { PK: 'ROLLUP#2025-03-04', SK: 'model#claude-sonnet-4-5' }],
    ['rollupHourPartition', keys.rollupHourPartition('2025-03-04'), 'ROLLUPH#2025-03-04'],
    ['rollupHour', keys.rollupHour('2025-03-04T05', 3), { PK: 'ROLLUPH#2025-03-04', SK: '2025-03-04T05#3' }],
    ['meta', keys.meta('schema'), { PK: 'META', SK: 'schema' }],
  ];

  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('covers every builder in keys.ts', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(Object.keys(keys).sort());
  });
});

describe('key ordering', () => {
  it('pads epoch-second sort keys to 12 digits so string order is time order', () => {
    const early = keys.spendBucket('user', 'u', 999_999_999).SK;
    const late = keys.spendBucket('user', 'u', 1_000_000_000).SK;
    expect(early < late).toBe(true);
    expect(keys.rpmSlot('u', 9).SK < keys.rpmSlot('u', 10).SK).toBe(true);
  });

  it('sorts the admission state item before every spend bucket and day item', () => {
    const state = keys.spendState('user', 'u').SK;
    expect(state < keys.spendBucket('user', 'u', 0).SK).toBe(true);
    expect(state < keys.spendDay('user', 'u', '2000-01-01').SK).toBe(true);
  });

  it('puts a log in the partition of its UTC day, which logPartition names', () => {
    expect(keys.log('2025-12-31T23:59:59.999Z', 'r').PK).toBe(keys.logPartition('2025-12-31'));
    expect(keys.log('2026-01-01T00:00:00.000Z', 'r').PK).toBe(keys.logPartition('2026-01-01'));
  });

  it('keeps every spend item of a scope in the partition spendPartition names (one Query at admission)', () => {
    const pk = keys.spendPartition('key', 'k1');
    expect(keys.spendBucket('key', 'k1', 0).PK).toBe(pk);
    expect(keys.spendDay('key', 'k1', '2025-01-01').PK).toBe(pk);
    expect(keys.spendTotal('key', 'k1').PK).toBe(pk);
    expect(keys.spendState('key', 'k1').PK).toBe(pk);
    expect(keys.spendReservation('key', 'k1', 'r').PK).toBe(pk);
  });

  it('keeps the hourly rollup shards of one UTC day in the partition rollupHourPartition names', () => {
    expect(keys.rollupHour('2025-03-04T23', 0).PK).toBe(keys.rollupHourPartition('2025-03-04'));
    expect(keys.rollupHour('2025-03-04T23', 0).SK).not.toBe(keys.rollupHour('2025-03-04T23', 1).SK);
  });

  it('keeps lease and rpm items in the partitions their partition builders name', () => {
    expect(keys.lease('provider', 'p', 's').PK).toBe(keys.leasePartition('provider', 'p'));
    expect(keys.rpmSlot('u', 0).PK).toBe(keys.rpmPartition('u'));
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
