import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTypes } from '../../../functions/local/dynalite-check-types.js';

// dynalite's own checkTypes is the reference: same output, or the same error, for every input.
const require = createRequire(import.meta.url);
const dynaliteDir = dirname(require.resolve('dynalite'));
const reference = require(`${dynaliteDir}/validations/index.js`) as { checkTypes(data: unknown, types: unknown): unknown };
const actions = readdirSync(`${dynaliteDir}/validations`)
  .filter((f) => f !== 'index.js' && f.endsWith('.js'))
  .map((f) => ({ name: f.replace(/\.js$/, ''), types: (require(`${dynaliteDir}/validations/${f}`) as { types: Record<string, unknown> }).types }));

const item = {
  PK: { S: 'LOG#2026-11-28' },
  SK: { S: '10:00:00.000Z#abc' },
  n: { N: '12.5' },
  b: { BOOL: true },
  nul: { NULL: true },
  bin: { B: 'AAEC' },
  ss: { SS: ['a', 'b'] },
  ns: { NS: ['1', '2'] },
  bs: { BS: ['AAEC'] },
  l: { L: [{ S: 'x' }, { N: '1' }, { L: [{ M: { deep: { S: 'y' } } }] }, { NULL: true }] },
  m: { M: { a: { S: 'b' }, c: { L: [] } } },
};

/** Realistic requests per action, then the same with values of every wrong kind put in each place. */
function samples(): { action: string; data: Record<string, unknown> }[] {
  const base: Record<string, Record<string, unknown>> = {
    putItem: { TableName: 't1', Item: item, ConditionExpression: 'attribute_not_exists(PK)', ReturnValues: 'ALL_OLD', ReturnConsumedCapacity: 'TOTAL' },
    getItem: { TableName: 't1', Key: { PK: item.PK, SK: item.SK }, ConsistentRead: true, ProjectionExpression: '#a', ExpressionAttributeNames: { '#a': 'n' } },
    updateItem: {
      TableName: 't1',
      Key: { PK: item.PK, SK: item.SK },
      UpdateExpression: 'ADD #a :v SET #b = :w',
      ExpressionAttributeNames: { '#a': 'n', '#b': 'm' },
      ExpressionAttributeValues: { ':v': { N: '1' }, ':w': item.m },
      ReturnValues: 'ALL_NEW',
    },
    batchWriteItem: { RequestItems: { t1: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: { PK: item.PK, SK: item.SK } } }] } },
    batchGetItem: { RequestItems: { t1: { Keys: [{ PK: item.PK, SK: item.SK }], ConsistentRead: true } } },
    query: {
      TableName: 't1',
      IndexName: 'GSI1',
      KeyConditionExpression: 'PK = :p',
      ExpressionAttributeValues: { ':p': item.PK },
      Limit: 25.7,
      ScanIndexForward: 'false',
      ExclusiveStartKey: { PK: item.PK, SK: item.SK },
    },
    scan: { TableName: 't1', Segment: 1, TotalSegments: 4, Limit: 10, Select: 'COUNT' },
    deleteItem: { TableName: 't1', Key: { PK: item.PK, SK: item.SK }, Expected: { n: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }] } } },
    createTable: {
      TableName: 't1',
      AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: '1' },
      BillingMode: 'PAY_PER_REQUEST',
    },
  };
  const wrong: unknown[] = [true, false, 1, 1.5, 'x', 'true', 'no', '1', 'maybe', [], [1], {}, { S: 1 }, null, 'AAE=', 'AA'];
  const out: { action: string; data: Record<string, unknown> }[] = [];
  for (const [action, data] of Object.entries(base)) {
    out.push({ action, data });
    out.push({ action, data: { ...data, Unknown: 'dropped', TableName: null } });
    // Every value anywhere in the request replaced by every wrong kind, one at a time.
    const paths: (string | number)[][] = [];
    const collect = (value: unknown, path: (string | number)[]) => {
      if (path.length > 0) paths.push(path);
      if (value && typeof value === 'object') for (const key of Object.keys(value)) collect((value as Record<string, unknown>)[key], [...path, key]);
    };
    collect(data, []);
    for (const path of paths) {
      for (const replacement of wrong) {
        const copy = structuredClone(data);
        let at = copy as Record<string | number, unknown>;
        for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
        at[path[path.length - 1]!] = structuredClone(replacement);
        out.push({ action, data: copy });
      }
    }
  }
  return out;
}

function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (err) {
    const e = err as Error & { statusCode?: number; body?: unknown };
    return { error: e.message, statusCode: e.statusCode, body: e.body };
  }
}

describe("dynalite's wire-type check, without its garbage", () => {
  const corpus = samples();

  it('covers every dynalite action and a large corpus of wrong types', () => {
    expect(actions.length).toBeGreaterThanOrEqual(15);
    expect(corpus.length).toBeGreaterThan(2000);
  });

  it('answers exactly as dynalite does: same checked request (order included) or the same error', () => {
    let compared = 0;
    for (const { action, data } of corpus) {
      const types = actions.find((a) => a.name === action)!.types;
      const expected = outcome(() => reference.checkTypes(structuredClone(data), types));
      const actual = outcome(() => checkTypes(structuredClone(data), types));
      expect(JSON.stringify(actual), `${action} ${JSON.stringify(data).slice(0, 200)}`).toBe(JSON.stringify(expected));
      compared++;
    }
    expect(compared).toBe(corpus.length);
  });

  it('answers every action type table with its own data the same way (types read through every child)', () => {
    for (const { name, types } of actions) {
      const data = Object.fromEntries(Object.keys(types).map((k) => [k, 'x']));
      expect(JSON.stringify(outcome(() => checkTypes(structuredClone(data), types))), name).toBe(
        JSON.stringify(outcome(() => reference.checkTypes(structuredClone(data), types))),
      );
    }
  });
});
