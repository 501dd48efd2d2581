// Coalesces settle-time writes: updates to the same item within a short window become one
// UpdateItem (ADDs summed, SETs last-wins, REMOVEs merged) and item puts go out 25 to a
// BatchWriteItem. With many requests per second this divides the store operations per request
// (and DynamoDB write units) by the number of requests that share an item; with a window of 0 it
// only merges what one request writes in the same tick (Lambda).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_MAX, batchPut, type Db } from './client.js';

export interface ItemKey {
  PK: string;
  SK: string;
}

/** One item update, described by what happens to each top-level attribute. */
export interface ItemUpdate {
  key: ItemKey;
  /** ADD name :n (numbers; creates the attribute at 0). */
  add?: Record<string, number>;
  /** SET name = :v (the last value wins when merged). */
  set?: Record<string, unknown>;
  /** SET name = if_not_exists(name, :v). */
  setIfAbsent?: Record<string, unknown>;
  /** REMOVE name. */
  remove?: string[];
  /** Updates of a lower phase are written before those of a higher one in the same flush. */
  phase?: number;
}

type AttrOp =
  | { kind: 'add'; value: number }
  | { kind: 'set'; value: unknown }
  | { kind: 'setIfAbsent'; value: unknown }
  | { kind: 'remove' };

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface PendingUpdate {
  key: ItemKey;
  phase: number;
  ops: Map<string, AttrOp>;
  waiters: Waiter[];
}

export interface WriteCoalescer {
  update(update: ItemUpdate): Promise<void>;
  /** Puts an item (batched; a put of the same key in the window replaces the earlier one). */
  put(item: Record<string, unknown> & ItemKey): Promise<void>;
  /** Writes everything pending now. */
  flush(): Promise<void>;
}

function opsOf(u: ItemUpdate): Map<string, AttrOp> {
  const ops = new Map<string, AttrOp>();
  for (const [name, value] of Object.entries(u.add ?? {})) ops.set(name, { kind: 'add', value });
  for (const [name, value] of Object.entries(u.set ?? {})) ops.set(name, { kind: 'set', value });
  for (const [name, value] of Object.entries(u.setIfAbsent ?? {})) ops.set(name, { kind: 'setIfAbsent', value });
  for (const name of u.remove ?? []) ops.set(name, { kind: 'remove' });
  return ops;
}

/** Merges `next` into `into` when every shared attribute combines; false leaves `into` untouched. */
function mergeOps(into: Map<string, AttrOp>, next: Map<string, AttrOp>): boolean {
  for (const [name, op] of next) {
    const cur = into.get(name);
    if (cur && cur.kind !== op.kind) return false;
  }
  for (const [name, op] of next) {
    const cur = into.get(name);
    if (!cur || op.kind === 'set' || op.kind === 'remove') into.set(name, op);
    else if (op.kind === 'add' && cur.kind === 'add') into.set(name, { kind: 'add', value: cur.value + op.value });
    // setIfAbsent twice: the first value is the one an absent attribute would get.
  }
  return true;
}

/** Builds the UpdateItem expression of one merged update. */
export function updateExpression(ops: Map<string, AttrOp>): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const adds: string[] = [];
  const removes: string[] = [];
  let i = 0;
  for (const [name, op] of ops) {
    const n = `#n${i}`;
    const v = `:v${i}`;
    i++;
    names[n] = name;
    if (op.kind === 'remove') {
      removes.push(n);
      continue;
    }
    values[v] = op.value;
    if (op.kind === 'add') adds.push(`${n} ${v}`);
    else if (op.kind === 'set') sets.push(`${n} = ${v}`);
    else sets.push(`${n} = if_not_exists(${n}, ${v})`);
  }
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    adds.length ? `ADD ${adds.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ].filter(Boolean);
  return {
    UpdateExpression: clauses.join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
  };
}

const keyString = (k: ItemKey) => `${k.PK}\u0000${k.SK}`;

export function createWriteCoalescer(db: Db, windowMs: number): WriteCoalescer {
  let updates = new Map<string, PendingUpdate[]>();
  let puts = new Map<string, { item: Record<string, unknown>; waiters: Waiter[] }>();
  let scheduled = false;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    const run = () => {
      scheduled = false;
      void flush();
    };
    if (windowMs > 0) setTimeout(run, windowMs).unref?.();
    else setImmediate(run);
  };

  const settleWaiters = (waiters: Waiter[], err?: unknown) => {
    for (const w of waiters) (err === undefined ? w.resolve() : w.reject(err));
  };

  async function writeUpdate(u: PendingUpdate): Promise<void> {
    if (u.ops.size === 0) return settleWaiters(u.waiters);
    try {
      await db.doc.send(new UpdateCommand({ TableName: db.tableName, Key: u.key, ...updateExpression(u.ops) }));
      settleWaiters(u.waiters);
    } catch (err) {
      settleWaiters(u.waiters, err);
    }
  }

  async function writePuts(batch: { item: Record<string, unknown>; waiters: Waiter[] }[]): Promise<void> {
    for (let i = 0; i < batch.length; i += BATCH_WRITE_MAX) {
      const chunk = batch.slice(i, i + BATCH_WRITE_MAX);
      try {
        await batchPut(db, chunk.map((p) => p.item));
        for (const p of chunk) settleWaiters(p.waiters);
      } catch (err) {
        for (const p of chunk) settleWaiters(p.waiters, err);
      }
    }
  }

  async function flush(): Promise<void> {
    const pendingUpdates = updates;
    const pendingPuts = puts;
    updates = new Map();
    puts = new Map();
    // Each pending list holds one item's updates of one phase, in order: lists of a phase go in
    // parallel, a list's updates one after another, and phases one after another.
    const phases = new Map<number, PendingUpdate[][]>();
    for (const list of pendingUpdates.values()) {
      const phase = list[0]!.phase;
      phases.set(phase, [...(phases.get(phase) ?? []), list]);
    }
    const writeUpdates = async () => {
      for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
        await Promise.all(
          phases.get(phase)!.map(async (list) => {
            for (const u of list) await writeUpdate(u);
          }),
        );
      }
    };
    const work = [writePuts([...pendingPuts.values()]), writeUpdates()];
    await Promise.all(work);
  }

  return {
    update(update) {
      const ops = opsOf(update);
      const phase = update.phase ?? 0;
      const k = `${phase}\u0000${keyString(update.key)}`;
      return new Promise<void>((resolve, reject) => {
        const list = updates.get(k) ?? [];
        const last = list.at(-1);
        if (last && mergeOps(last.ops, ops)) last.waiters.push({ resolve, reject });
        else {
          list.push({ key: update.key, phase, ops, waiters: [{ resolve, reject }] });
          updates.set(k, list);
        }
        schedule();
      });
    },
    put(item) {
      return new Promise<void>((resolve, reject) => {
        const k = keyString(item);
        const entry = puts.get(k);
        if (entry) {
          entry.item = item;
          entry.waiters.push({ resolve, reject });
        } else puts.set(k, { item, waiters: [{ resolve, reject }] });
        schedule();
      });
    },
    flush,
  };
}
