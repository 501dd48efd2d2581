import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { marshallItem } from '../../../../functions/shared/db/fast-marshall.js';

const OPTIONS = { removeUndefinedValues: true, convertEmptyValues: false };

const outcome = (run: () => unknown) => {
  try {
    return { value: run() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

// What the document client's marshall gives with our options is the reference.
const items: Record<string, unknown>[] = [
  {
    PK: 'LOG#2026-11-28T10',
    SK: '2026-11-28T10:00:00.000Z#r1',
    entity: 'log',
    i: 'r1',
    s: false,
    sc: 200,
    it: 12,
    c: 0.0001234,
    cn: 123400,
    cb: [0.1, 0.2, 0, 0, 0, 1, false],
    ch: [['p1', 'Main', 1, 'priority', 200, null, 12]],
    f: { p2: 'circuit open' },
    er: undefined,
    empty: '',
    nested: { deep: { list: [1, 'two', true, null, { x: undefined, y: [] }], empty: {} } },
    fn: () => 1,
    listWithHoles: [1, undefined, () => 2, 3],
  },
  { n1: -0, n2: 1e21, n3: 1.5e-7, n4: Number.MAX_SAFE_INTEGER, n5: -Number.MAX_SAFE_INTEGER, n6: 0.1 + 0.2 },
  { tooBig: Number.MAX_SAFE_INTEGER + 2 },
  { nan: Number.NaN },
  { inf: Number.POSITIVE_INFINITY },
  { set: new Set(['a', 'b']), nums: new Set([1, 2]), bytes: new Uint8Array([1, 2, 3]) },
  { map: new Map([['k', 'v']]) },
  { bigint: 12n },
  { date: new Date(0) },
  { nullProto: Object.assign(Object.create(null) as object, { a: 1 }) },
];

describe('fast item marshalling for batch writes', () => {
  it.each(items.map((item, i) => [i, item] as const))('marshals item %i exactly as the document client does, errors included', (_i, item) => {
    expect(outcome(() => marshallItem(item))).toEqual(outcome(() => marshall(item, OPTIONS)));
  });
});
