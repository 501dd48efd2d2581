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

/**
 * One item update, described by what happens to each top-level attribute. The coalescer keeps its
 * values (not copies) until they are written: change none of them after the call; sharing is fine.
 */
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

type OpKind = AttrOp['kind'];

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface PendingUpdate {
  key: ItemKey;
  /** Attribute → what happens to it, every update merged in. */
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

const hasOwn = (record: object, name: string) => Object.prototype.hasOwnProperty.call(record, name);

// An update's attributes are read straight from its records, without building a map per update.
// Its effective operations are those of reading add, set, setIfAbsent, remove in turn into one map:
// an attribute named twice takes its last kind, at the place where it was first named.
const KINDS: readonly OpKind[] = ['add', 'set', 'setIfAbsent', 'remove'];

function named(u: ItemUpdate, kind: number, name: string): boolean {
  switch (kind) {
    case 0:
      return u.add != null && hasOwn(u.add, name);
    case 1:
      return u.set != null && hasOwn(u.set, name);
    case 2:
      return u.setIfAbsent != null && hasOwn(u.setIfAbsent, name);
    default:
      return u.remove != null && u.remove.includes(name);
  }
}

function valueOf(u: ItemUpdate, kind: number, name: string): unknown {
  return kind === 0 ? u.add![name] : kind === 1 ? u.set![name] : kind === 2 ? u.setIfAbsent![name] : undefined;
}

/**
 * Checks (apply false) or applies (apply true) one named attribute of `u`, met in category `kind`.
 * A check fails when the attribute already has an operation of another kind.
 */
function visit(into: Map<string, AttrOp>, u: ItemUpdate, kind: number, name: string, value: unknown, apply: boolean): boolean {
  for (let k = 0; k < kind; k++) if (named(u, k, name)) return true; // handled where first named
  for (let k = 3; k > kind; k--) {
    if (named(u, k, name)) {
      kind = k;
      value = valueOf(u, k, name);
      break;
    }
  }
  const cur = into.get(name);
  const opKind = KINDS[kind]!;
  if (!apply) return cur === undefined || cur.kind === opKind;
  if (cur === undefined) into.set(name, opKind === 'remove' ? { kind: opKind } : ({ kind: opKind, value } as AttrOp));
  else if (cur.kind === 'add') cur.value += value as number;
  else if (cur.kind === 'set') cur.value = value;
  // setIfAbsent twice: the first value is the one an absent attribute would get; remove twice: one remove.
  return true;
}

function visitAll(into: Map<string, AttrOp>, u: ItemUpdate, apply: boolean): boolean {
  if (u.add != null) for (const name in u.add) if (hasOwn(u.add, name) && !visit(into, u, 0, name, u.add[name], apply)) return false;
  if (u.set != null) for (const name in u.set) if (hasOwn(u.set, name) && !visit(into, u, 1, name, u.set[name], apply)) return false;
  if (u.setIfAbsent != null) {
    for (const name in u.setIfAbsent) if (hasOwn(u.setIfAbsent, name) && !visit(into, u, 2, name, u.setIfAbsent[name], apply)) return false;
  }
  if (u.remove != null) for (const name of u.remove) if (!visit(into, u, 3, name, undefined, apply)) return false;
  return true;
}

/** Merges `u` into `into` when every shared attribute combines; false leaves `into` untouched. */
function mergeUpdate(into: Map<string, AttrOp>, u: ItemUpdate): boolean {
  if (!visitAll(into, u, false)) return false;
  visitAll(into, u, true);
  return true;
}

function opsOf(u: ItemUpdate): Map<string, AttrOp> {
  const ops = new Map<string, AttrOp>();
  visitAll(ops, u, true);
  return ops;
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

/** One phase's pending updates: per item (PK → SK), and every item's list in the order items came. */
interface PhaseUpdates {
  byKey: Map<string, Map<string, PendingUpdate[]>>;
  lists: PendingUpdate[][];
}

const keyString = (k: ItemKey) => `${k.PK}\u0000${k.SK}`;

export function createWriteCoalescer(db: Db, windowMs: number): WriteCoalescer {
  /** phase → its items' lists of pending updates, in order (one per run of updates that merged). */
  let updates = new Map<number, PhaseUpdates>();
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
    const { ops } = u;
    if (ops.size === 0) return settleWaiters(u.waiters);
    try {
      await db.doc.send(new UpdateCommand({ TableName: db.tableName, Key: u.key, ...updateExpression(ops) }));
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

  /** Each list holds one item's updates of one phase: lists of a phase go in parallel, a list's updates one after another. */
  async function writePhase(phase: PhaseUpdates): Promise<void> {
    const work: Promise<void>[] = [];
    for (const list of phase.lists) {
      work.push(
        (async () => {
          for (const u of list) await writeUpdate(u);
        })(),
      );
    }
    await Promise.all(work);
  }

  async function flush(): Promise<void> {
    const pendingUpdates = updates;
    const pendingPuts = puts;
    updates = new Map();
    puts = new Map();
    // Phases one after another, lowest first.
    const writeUpdates = async () => {
      for (const phase of [...pendingUpdates.keys()].sort((a, b) => a - b)) await writePhase(pendingUpdates.get(phase)!);
    };
    const work = [writePuts([...pendingPuts.values()]), writeUpdates()];
    await Promise.all(work);
  }

  return {
    update(update) {
      const phase = update.phase ?? 0;
      return new Promise<void>((resolve, reject) => {
        let pending = updates.get(phase);
        if (pending === undefined) updates.set(phase, (pending = { byKey: new Map(), lists: [] }));
        // Looked up by PK then SK: shared key strings (rollup items) keep their hash, no string is built.
        let bySk = pending.byKey.get(update.key.PK);
        if (bySk === undefined) pending.byKey.set(update.key.PK, (bySk = new Map()));
        let list = bySk.get(update.key.SK);
        if (list === undefined) {
          bySk.set(update.key.SK, (list = []));
          pending.lists.push(list);
        }
        const last = list.length > 0 ? list[list.length - 1]! : undefined;
        if (last !== undefined && mergeUpdate(last.ops, update)) last.waiters.push({ resolve, reject });
        else list.push({ key: update.key, ops: opsOf(update), waiters: [{ resolve, reject }] });
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
