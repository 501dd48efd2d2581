// Where limit state items live. `direct`: every change is one atomic UpdateItem returning the new
// item (any number of instances: Lambda, several servers on one store). `mirrored`: for a single
// instance that is the only writer of its table (npm start on the embedded store) — each item is
// read once, then changed in memory in the same order the store would apply the changes (the event
// loop serialises them), and written behind, whole, at most once per flush window. The admission
// decision is the same; it costs no store round trip, and N requests cost one write per item.
import { GetCommand, BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_MAX, batchPut, type Db } from '../db/client.js';
import type { HubLogger } from '../logger.js';

export interface StateKey {
  PK: string;
  SK: string;
}

/** One change to one item: top-level attributes set, added to, removed; optional preconditions. */
export interface StateChange {
  set: [string, unknown][];
  add: [string, number][];
  remove: string[];
  /** The item must exist and these attributes must hold these values. */
  expect?: { exists: true; equals: [string, unknown][] };
}

export class StateConditionFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

export interface StateBackend {
  /** Applies the change and returns the item as it stands after it (DynamoDB ALL_NEW). */
  update(key: StateKey, change: StateChange): Promise<Record<string, unknown>>;
  read(key: StateKey): Promise<Record<string, unknown> | undefined>;
  readMany(keys: readonly StateKey[]): Promise<(Record<string, unknown> | undefined)[]>;
  /** Writes whatever is still only in memory. */
  flush(): Promise<void>;
}

const BATCH_GET_MAX = 100;
const keyString = (k: StateKey) => `${k.PK}\n${k.SK}`;

function expressionOf(change: StateChange) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (attribute: string) => {
    const p = `#a${Object.keys(names).length}`;
    names[p] = attribute;
    return p;
  };
  const value = (v: unknown) => {
    const p = `:v${Object.keys(values).length}`;
    values[p] = v;
    return p;
  };
  const sets = change.set.map(([a, v]) => `${name(a)} = ${value(v)}`);
  const adds = change.add.map(([a, n]) => `${name(a)} ${value(n)}`);
  const removes = change.remove.map((a) => name(a));
  const conditions = change.expect
    ? ['attribute_exists(PK)', ...change.expect.equals.map(([a, v]) => `${name(a)} = ${value(v)}`)]
    : [];
  return {
    UpdateExpression: [
      sets.length ? `SET ${sets.join(', ')}` : '',
      adds.length ? `ADD ${adds.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' '),
    ConditionExpression: conditions.length ? conditions.join(' AND ') : undefined,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
  };
}

async function batchRead(db: Db, stateKeys: readonly StateKey[]): Promise<(Record<string, unknown> | undefined)[]> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < stateKeys.length; i += BATCH_GET_MAX) {
    let pending: StateKey[] = stateKeys.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 5) throw new Error('limit state reads stayed unprocessed (store throttled)');
      const out = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of out.Responses?.[db.tableName] ?? []) found.set(keyString(item as StateKey), item);
      pending = (out.UnprocessedKeys?.[db.tableName]?.Keys ?? []) as StateKey[];
    }
  }
  return stateKeys.map((k) => found.get(keyString(k)));
}

export function createDirectBackend(db: Db): StateBackend {
  return {
    async update(key, change) {
      const out = await db.doc.send(new UpdateCommand({ TableName: db.tableName, Key: key, ...expressionOf(change), ReturnValues: 'ALL_NEW' }));
      return out.Attributes ?? {};
    },
    async read(key) {
      return (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item;
    },
    readMany: (stateKeys) => batchRead(db, stateKeys),
    async flush() {},
  };
}

/** Applies a change to a stored item the way DynamoDB would (top-level attributes only). */
export function applyChange(item: Record<string, unknown>, key: StateKey, change: StateChange): Record<string, unknown> {
  if (change.expect) {
    if (!('PK' in item)) throw new StateConditionFailed('the item does not exist');
    for (const [a, v] of change.expect.equals) if (item[a] !== v) throw new StateConditionFailed(`${a} changed`);
  }
  // A new object built without `delete` (which would turn it into a slow dictionary-mode object).
  const removed = change.remove.length > 0 ? new Set(change.remove) : null;
  const next: Record<string, unknown> = {};
  for (const a of Object.keys(item)) if (!removed?.has(a)) next[a] = item[a];
  next.PK = key.PK;
  next.SK = key.SK;
  for (const [a, v] of change.set) next[a] = v;
  for (const [a, n] of change.add) next[a] = (typeof next[a] === 'number' ? (next[a] as number) : 0) + n;
  return next;
}

export interface MirroredBackendOptions {
  /**
   * Called once per stored item as this process first reads it; a change it returns is applied
   * (and written behind), e.g. to release what an earlier process left half-done.
   */
  adopt?: (item: Record<string, unknown>) => StateChange | null;
}

export function createMirroredBackend(db: Db, flushMs: number, logger: HubLogger, options: MirroredBackendOptions = {}): StateBackend {
  const items = new Map<string, Record<string, unknown>>();
  const loading = new Map<string, Promise<void>>();
  const dirty = new Map<string, Record<string, unknown>>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let failures = 0;

  async function load(stateKeys: readonly StateKey[]): Promise<void> {
    const missing = stateKeys.filter((k) => !items.has(keyString(k)) && !loading.has(keyString(k)));
    if (missing.length > 0) {
      const read = batchRead(db, missing).then((found) => {
        missing.forEach((k, i) => {
          if (items.has(keyString(k))) return;
          let item = found[i] ?? {};
          const change = 'PK' in item ? options.adopt?.(item) : null;
          if (change) {
            item = applyChange(item, k, change);
            dirty.set(keyString(k), item);
            schedule(flushMs);
          }
          items.set(keyString(k), item);
        });
      });
      const tracked = read.finally(() => missing.forEach((k) => loading.delete(keyString(k))));
      for (const k of missing) loading.set(keyString(k), tracked);
    }
    await Promise.all(stateKeys.map((k) => loading.get(keyString(k))).filter(Boolean));
  }

  function schedule(delayMs: number): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void writeDirty();
    }, delayMs);
    timer.unref?.();
  }

  async function writeDirty(): Promise<void> {
    if (flushing) return flushing;
    flushing = (async () => {
      const batch = [...dirty.entries()];
      dirty.clear();
      for (let i = 0; i < batch.length; i += BATCH_WRITE_MAX) {
        const chunk = batch.slice(i, i + BATCH_WRITE_MAX);
        try {
          await batchPut(db, chunk.map(([, item]) => item));
          failures = 0;
        } catch (err) {
          // Keep the newest image of each item and try again later (store down or throttled).
          for (const [k, item] of chunk) if (!dirty.has(k)) dirty.set(k, item);
          failures++;
          logger.warn('limit state write-behind failed; will retry', { items: chunk.length, error: String(err) });
        }
      }
    })().finally(() => {
      flushing = null;
      if (dirty.size > 0) schedule(Math.min(30_000, flushMs * 2 ** Math.min(failures, 10)));
    });
    return flushing;
  }

  return {
    async update(key, change) {
      await load([key]);
      const k = keyString(key);
      const next = applyChange(items.get(k)!, key, change);
      items.set(k, next);
      dirty.set(k, next);
      schedule(flushMs);
      return next;
    },
    async read(key) {
      await load([key]);
      const item = items.get(keyString(key))!;
      return 'PK' in item ? item : undefined;
    },
    async readMany(stateKeys) {
      await load(stateKeys);
      return stateKeys.map((k) => {
        const item = items.get(keyString(k))!;
        return 'PK' in item ? item : undefined;
      });
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      if (flushing) await flushing;
      if (dirty.size > 0) await writeDirty();
    },
  };
}
