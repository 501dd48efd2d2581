// Where limit state items live. `direct`: every change is one atomic UpdateItem returning the new
// item (any number of instances: Lambda, several servers on one store). `mirrored`: for a single
// instance that is the only writer of its table (npm start on the embedded store) — each item is
// read once, then changed in memory in the same order the store would apply the changes (the event
// loop serialises them), and written behind, whole, at most once per flush window. The admission
// decision is the same; it costs no store round trip, and N requests cost one write per item.
import { GetCommand, BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_MAX, batchPut, type Db } from '../db/client.js';
import type { HubLogger } from '../logger.js';
import { parseLimitState, type LimitState } from './limit-state.js';
import { MirroredItem } from './mirrored-item.js';
import type { StateChange, StateKey } from './state-change.js';

export { StateConditionFailed, type StateChange, type StateKey } from './state-change.js';

/** Items as parsed states (limit-state.ts): a state handed out never changes afterwards. */
export interface StateBackend {
  /** Applies the change and returns the item as it stands after it (DynamoDB ALL_NEW). */
  update(key: StateKey, change: StateChange): Promise<LimitState>;
  /** The item as it stands; a missing item reads as an empty state. */
  read(key: StateKey): Promise<LimitState>;
  readMany(keys: readonly StateKey[]): Promise<LimitState[]>;
  /** Writes whatever is still only in memory. */
  flush(): Promise<void>;
}

const BATCH_GET_MAX = 100;
const keyString = (k: StateKey) => `${k.PK}\n${k.SK}`;

function expressionOf(change: StateChange) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let nameCount = 0;
  let valueCount = 0;
  const name = (attribute: string) => {
    const p = `#a${nameCount++}`;
    names[p] = attribute;
    return p;
  };
  const value = (v: unknown) => {
    const p = `:v${valueCount++}`;
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
    ExpressionAttributeValues: valueCount > 0 ? values : undefined,
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
      return parseLimitState(out.Attributes);
    },
    async read(key) {
      return parseLimitState((await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item);
    },
    readMany: async (stateKeys) => (await batchRead(db, stateKeys)).map((item) => parseLimitState(item)),
    async flush() {},
  };
}

export interface MirroredBackendOptions {
  /**
   * Called once per stored item as this process first reads it; a change it returns is applied
   * (and written behind), e.g. to release what an earlier process left half-done.
   */
  adopt?: (item: Record<string, unknown>) => StateChange | null;
}

export function createMirroredBackend(db: Db, flushMs: number, logger: HubLogger, options: MirroredBackendOptions = {}): StateBackend {
  const items = new Map<string, MirroredItem>();
  const loading = new Map<string, Promise<void>>();
  /** Items changed since their last write; each is written as it stands when the write starts. */
  const dirty = new Map<string, MirroredItem>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let failures = 0;

  async function load(stateKeys: readonly StateKey[]): Promise<void> {
    const missing = stateKeys.filter((k) => !items.has(keyString(k)) && !loading.has(keyString(k)));
    if (missing.length > 0) {
      const read = batchRead(db, missing).then((found) => {
        missing.forEach((k, i) => {
          if (items.has(keyString(k))) return;
          const stored = found[i] ?? {};
          const item = new MirroredItem(stored);
          const change = item.exists ? options.adopt?.(stored) : null;
          if (change) {
            item.apply(k, change);
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

  /** The item, read from the store first if this process has not yet. */
  async function itemOf(key: StateKey): Promise<MirroredItem> {
    const k = keyString(key);
    let item = items.get(k);
    if (!item) {
      await load([key]);
      item = items.get(k)!;
    }
    return item;
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
          // Fresh plain images: changes made while the write is in flight do not reach them.
          await batchPut(db, chunk.map(([, item]) => item.toItem()));
          failures = 0;
        } catch (err) {
          // Write these items again later, as they stand then (store down or throttled).
          for (const [k, item] of chunk) dirty.set(k, item);
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
      const item = await itemOf(key);
      item.apply(key, change);
      dirty.set(keyString(key), item);
      schedule(flushMs);
      return item.state();
    },
    async read(key) {
      return (await itemOf(key)).state();
    },
    async readMany(stateKeys) {
      if (stateKeys.some((k) => !items.has(keyString(k)))) await load(stateKeys);
      return stateKeys.map((k) => items.get(keyString(k))!.state());
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
