// Counts DynamoDB operations (and how many happen one after another) by hooking the SDK client, and
// prices the writes in DynamoDB write units: while recording, write commands ask for the previous
// item (ALL_OLD, hidden from the caller) and the store's ConsumedCapacity; see write-units.ts.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Db } from '../../functions/shared/db/client.js';
import { priceWrites, type Item, type ItemWrite, type WriteUnits } from './write-units.js';

interface Op {
  name: string;
  start: number;
  end: number;
  writes: ItemWrite[];
  /** Table write units the store reported (dynalite reports the table, not the indexes). */
  reportedUnits: number;
}

export interface TripReport {
  total: number;
  beforeUpstream: number;
  /** Rounds of store calls that had to wait for the previous round, before the upstream call. */
  sequentialBeforeUpstream: number;
  byCommand: string;
  /** Write capacity units of the request (table and indexes; see write-units.ts). */
  writes: number;
}

export interface WindowReport {
  /** Store operations (round trips) in the window. */
  ops: number;
  writeCommands: number;
  byCommand: Record<string, number>;
  units: WriteUnits;
  /** Table units as the store itself reported them (a cross-check of units.tableUnits). */
  reportedTableUnits: number;
  failedWrites: number;
  /** Set when an upstream arrival time was given: store calls before it, and in how many rounds. */
  beforeUpstream?: number;
  sequentialBeforeUpstream?: number;
}

export interface StoreProbe {
  ops: Op[];
  /** Records one request: its store rounds before the upstream call and everything it wrote. */
  measure(run: () => Promise<void>, upstreamAt: () => number): Promise<TripReport>;
  /** Starts recording every store operation. */
  begin(): void;
  /** Waits until the store has been quiet, stops recording and prices what was recorded. */
  end(options?: { upstreamAt?: number; quietMs?: number }): Promise<WindowReport>;
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const KEY_OF = (k: Item) => `${String(k.PK)}\n${String(k.SK)}`;

/**
 * An item or key as the document client holds it. Commands sent on the plain client (batchPut's
 * BatchWriteItem) carry DynamoDB's typed form (`{ PK: { S: '…' } }`): their keys and sizes are
 * read from the item it stands for.
 */
function plain(item: Item): Item {
  const pk = item.PK as unknown;
  return pk !== null && typeof pk === 'object' && !(pk instanceof Uint8Array) ? (unmarshall(item as never) as Item) : item;
}

type Input = Record<string, unknown> & { ReturnValues?: string; ReturnConsumedCapacity?: string };

/** The items a write command touches, as far as its input tells. */
function itemWritesOf(name: string, input: Input): ItemWrite[] {
  switch (name) {
    case 'PutItemCommand': {
      const item = input.Item as Item;
      return [{ key: KEY_OF(item), kind: 'put', item }];
    }
    case 'UpdateItemCommand':
      return [{ key: KEY_OF(input.Key as Item), kind: 'update' }];
    case 'DeleteItemCommand':
      return [{ key: KEY_OF(input.Key as Item), kind: 'delete' }];
    case 'BatchWriteItemCommand': {
      const out: ItemWrite[] = [];
      for (const requests of Object.values(input.RequestItems as Record<string, Item[]>)) {
        for (const r of requests) {
          const put = r.PutRequest as { Item: Item } | undefined;
          const del = r.DeleteRequest as { Key: Item } | undefined;
          if (put) {
            const item = plain(put.Item);
            out.push({ key: KEY_OF(item), kind: 'put', item });
          } else if (del) out.push({ key: KEY_OF(plain(del.Key)), kind: 'delete' });
        }
      }
      return out;
    }
    case 'TransactWriteItemsCommand': {
      const out: ItemWrite[] = [];
      for (const t of input.TransactItems as Record<string, { Item?: Item; Key?: Item } | undefined>[]) {
        if (t.Put?.Item) out.push({ key: KEY_OF(t.Put.Item), kind: 'put', item: t.Put.Item });
        else if (t.Update?.Key) out.push({ key: KEY_OF(t.Update.Key), kind: 'update' });
        else if (t.Delete?.Key) out.push({ key: KEY_OF(t.Delete.Key), kind: 'delete' });
      }
      return out;
    }
    default:
      return [];
  }
}

function reportedUnitsOf(output: Record<string, unknown>): number {
  const cc = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
  if (!cc) return 0;
  return (Array.isArray(cc) ? cc : [cc]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

function rounds(ops: Op[]): number {
  let count = 0;
  let roundEnd = -Infinity;
  for (const op of [...ops].sort((a, b) => a.start - b.start)) {
    if (op.start >= roundEnd) {
      count++;
      roundEnd = op.end;
    } else roundEnd = Math.max(roundEnd, op.end);
  }
  return count;
}

export function instrumentStore(db: Db): StoreProbe {
  const ops: Op[] = [];
  let recording = false;
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!recording) return next(args);
      const name = String(context.commandName);
      const op: Op = { name, start: performance.now(), end: 0, writes: [], reportedUnits: 0 };
      const input = args.input as Input;
      let askedOld = false;
      let askedUnits = false;
      if (WRITE_COMMANDS.has(name)) {
        op.writes = itemWritesOf(name, input);
        askedUnits = input.ReturnConsumedCapacity === undefined;
        if (askedUnits) input.ReturnConsumedCapacity = 'TOTAL';
        if (name !== 'BatchWriteItemCommand' && name !== 'TransactWriteItemsCommand' && (input.ReturnValues ?? 'NONE') === 'NONE') {
          input.ReturnValues = 'ALL_OLD';
          askedOld = true;
        }
      }
      try {
        const result = await next(args);
        const output = result.output as unknown as Record<string, unknown>;
        op.reportedUnits = reportedUnitsOf(output);
        const w = op.writes[0];
        if (w && askedOld) {
          w.old = (output.Attributes as Item | undefined) ?? null;
          delete output.Attributes;
        } else if (w && input.ReturnValues === 'ALL_NEW') w.newItem = output.Attributes as Item | undefined;
        else if (w && input.ReturnValues === 'ALL_OLD') w.old = (output.Attributes as Item | undefined) ?? null;
        if (askedUnits) delete output.ConsumedCapacity;
        return result;
      } catch (err) {
        for (const w of op.writes) w.failed = true;
        throw err;
      } finally {
        op.end = performance.now();
        ops.push(op);
      }
    },
    { step: 'initialize', name: 'benchStoreProbe' },
  );

  const waitQuiet = async (quietMs: number) => {
    let seen = -1;
    while (seen !== ops.length) {
      seen = ops.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
  };

  const finalStates = async (keys: Set<string>) => {
    const finals = new Map<string, Item | null>();
    for (const key of keys) {
      const [PK, SK] = key.split('\n');
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: { PK, SK } }));
      finals.set(key, (out.Item as Item | undefined) ?? null);
    }
    return finals;
  };

  const probe: StoreProbe = {
    ops,
    begin() {
      ops.length = 0;
      recording = true;
    },
    async end(options = {}) {
      // Settle runs after the response: wait until the store has been quiet for a while.
      await waitQuiet(options.quietMs ?? 150);
      recording = false;
      const recorded = [...ops].sort((a, b) => a.end - b.end);
      const writes = recorded.flatMap((o) => o.writes);
      const units = priceWrites(writes, await finalStates(new Set(writes.map((w) => w.key))));
      const byCommand: Record<string, number> = {};
      for (const op of recorded) byCommand[op.name.replace(/Command$/, '')] = (byCommand[op.name.replace(/Command$/, '')] ?? 0) + 1;
      const report: WindowReport = {
        ops: recorded.length,
        writeCommands: recorded.filter((o) => WRITE_COMMANDS.has(o.name)).length,
        byCommand,
        units,
        reportedTableUnits: recorded.reduce((sum, o) => sum + o.reportedUnits, 0),
        failedWrites: writes.filter((w) => w.failed).length,
      };
      if (options.upstreamAt !== undefined) {
        const before = recorded.filter((o) => o.start < options.upstreamAt!);
        report.beforeUpstream = before.length;
        report.sequentialBeforeUpstream = rounds(before);
      }
      return report;
    },
    async measure(run, upstreamAt) {
      probe.begin();
      await run();
      const report = await probe.end({ upstreamAt: upstreamAt() });
      return {
        total: report.ops,
        beforeUpstream: report.beforeUpstream ?? 0,
        sequentialBeforeUpstream: report.sequentialBeforeUpstream ?? 0,
        byCommand: Object.entries(report.byCommand)
          .map(([n, c]) => `${c}× ${n}`)
          .join(', '),
        writes: report.units.total,
      };
    },
  };
  return probe;
}
