import { describe, expect, it } from 'vitest';
import { indexKeys, itemClass, itemSize, priceWrites, transitionUnits, unitsOf, valueSize, type Item, type ItemWrite } from '../../../bench/lib/write-units.js';

const big = (bytes: number) => 'x'.repeat(bytes);
const log = (extra: Item = {}): Item => ({
  PK: 'LOG#2026-11-28',
  SK: 't#1',
  GSI1PK: 'LOGUSER#u',
  GSI1SK: 't#1',
  GSI2PK: 'LOGKEY#k',
  GSI2SK: 't#1',
  GSI3PK: 'LOGPROV#p',
  GSI3SK: 't#1',
  ...extra,
});
const session = (lastSeen: string, extra: Item = {}): Item => ({ PK: 'SESSION#s', SK: 'SESSION', GSI1PK: 'SESSIONS', GSI1SK: `${lastSeen}#s`, ...extra });

describe('valueSize and itemSize', () => {
  it.each([
    ['an ASCII string', 'hello', 5],
    ['a string with a two-byte character', 'héllo', 6],
    ['a boolean', true, 1],
    ['null', null, 1],
    ['a three-digit number', 123, 3],
    ['a number with trailing zeros', 1200, 2],
    ['a list', [1, 'a'], 3 + (1 + 2) + (1 + 1)],
    ['a map', { a: 'xy' }, 3 + 1 + 1 + 2],
    ['a string set', new Set(['ab', 'c']), 3],
  ])('sizes %s', (_, value, size) => {
    expect(valueSize(value)).toBe(size);
  });

  it('counts attribute names and skips undefined attributes', () => {
    expect(itemSize({ PK: 'ab', n: 5, gone: undefined })).toBe(2 + 2 + 1 + 2);
  });
});

describe('unitsOf', () => {
  it.each([
    ['a small item', { PK: 'a' }, 1],
    ['exactly 1 KB', { PK: big(1022) }, 1],
    ['one byte over 1 KB', { PK: big(1023) }, 2],
    ['an absent item', null, 1],
  ])('charges %s', (_, item, units) => {
    expect(unitsOf(item as Item | null)).toBe(units);
  });
});

describe('indexKeys', () => {
  it('finds every index whose two key attributes an item has', () => {
    expect([...indexKeys(log()).keys()]).toEqual(['GSI1', 'GSI2', 'GSI3']);
  });
  it('ignores an index with only its partition key set', () => {
    expect(indexKeys({ PK: 'a', SK: 'b', GSI1PK: 'x' }).size).toBe(0);
  });
});

describe('transitionUnits', () => {
  const cases: [string, Item | null | undefined, Item | null, number, Record<string, number>][] = [
    ['a new log item lands in three indexes', null, log(), 1, { GSI1: 1, GSI2: 1, GSI3: 1 }],
    ['a 2 KB log item costs 2 units in the table and in each index', null, log({ body: big(1500) }), 2, { GSI1: 2, GSI2: 2, GSI3: 2 }],
    ['a session moved within GSI1 is a delete and a put there', session('t1'), session('t2'), 1, { GSI1: 2 }],
    ['a session updated in place is one GSI1 write', session('t1'), session('t1', { requests: 2 }), 1, { GSI1: 1 }],
    ['deleting an indexed item deletes its index entries', session('t1'), null, 1, { GSI1: 1 }],
    ['an unknown previous state keeps the item where it is', undefined, session('t1'), 1, { GSI1: 1 }],
    ['an item outside every index writes only the table', null, { PK: 'SPEND#key#k', SK: 'A#STATE', n: 1 }, 1, {}],
    ['a shrinking item costs its larger version', { PK: 'a', SK: 'b', v: big(3000) }, { PK: 'a', SK: 'b' }, 3, {}],
  ];
  it.each(cases)('%s', (_, old, next, table, byIndex) => {
    const t = transitionUnits(old, next);
    expect(t.table).toBe(table);
    expect(Object.fromEntries(t.byIndex)).toEqual(byIndex);
  });
});

describe('itemClass', () => {
  it.each([
    ['LOG#2026-11-28\nt#1', 'LOG'],
    ['SESSION#s\nSESSION', 'SESSION'],
    ['SPEND#user#u1\nA#STATE', 'SPEND#user'],
    ['SPEND#provider#p#2\nA#STATE', 'SPEND#provider'],
    ['ROLLUP#2026-11-28\nmodel#claude', 'ROLLUP#model'],
    ['ROLLUPH#2026-11-28\n2026-11-28T07#3', 'ROLLUPH'],
  ])('classes %j as %s', (key, kind) => {
    expect(itemClass(key)).toBe(kind);
  });
});

describe('priceWrites', () => {
  it('chains updates of one item: each one moves the session within GSI1', () => {
    const writes: ItemWrite[] = [
      { key: 'SESSION#s\nSESSION', kind: 'update', old: null },
      { key: 'SESSION#s\nSESSION', kind: 'update', old: session('t1') },
    ];
    const finals = new Map([['SESSION#s\nSESSION', session('t2')]]);
    const units = priceWrites(writes, finals);
    // First: created (1 table, 1 GSI1 put); second: moved (1 table, GSI1 delete + put).
    expect(units).toMatchObject({ itemWrites: 2, tableUnits: 2, indexUnits: 3, total: 5, byIndex: { GSI1: 3 } });
    expect(units.byItem).toEqual({ SESSION: { writes: 2, units: 5, bytes: itemSize(session('t1')) + itemSize(session('t2')) } });
  });

  it('prices batched log puts per item and sums them by kind', () => {
    const writes: ItemWrite[] = [
      { key: 'LOG#d\nt#1', kind: 'put', item: log({ SK: 't#1' }) },
      { key: 'LOG#d\nt#2', kind: 'put', item: log({ SK: 't#2', body: big(1500) }) },
      { key: 'ROLLUP#d\nmodel#m', kind: 'update', newItem: { PK: 'ROLLUP#d', SK: 'model#m', n: 2 } },
    ];
    const units = priceWrites(writes, new Map());
    expect(units.byItem).toMatchObject({ LOG: { writes: 2, units: 4 + 8 }, 'ROLLUP#model': { writes: 1, units: 1 } });
    expect(units.byItem.LOG!.bytes).toBe(itemSize(log({ SK: 't#1' })) + itemSize(log({ SK: 't#2', body: big(1500) })));
    expect(units.total).toBe(13);
  });

  it('charges a refused conditional write without touching the indexes', () => {
    const writes: ItemWrite[] = [{ key: 'SESSION#s\nSESSION', kind: 'update', old: session('t1', { v: big(1100) }), failed: true }];
    expect(priceWrites(writes, new Map())).toMatchObject({ tableUnits: 2, indexUnits: 0 });
  });
});
