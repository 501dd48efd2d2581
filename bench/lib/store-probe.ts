// Counts DynamoDB operations (and how many happen one after another) by hooking the SDK client.
import type { Db } from '../../functions/shared/db/client.js';

interface Op {
  name: string;
  start: number;
  end: number;
}

export interface TripReport {
  total: number;
  beforeUpstream: number;
  /** Rounds of store calls that had to wait for the previous round, before the upstream call. */
  sequentialBeforeUpstream: number;
  byCommand: string;
  /** Write capacity units consumed per request (from ConsumedCapacity when the store reports it). */
  writes: number;
}

export interface StoreProbe {
  ops: Op[];
  measure(run: () => Promise<void>, upstreamAt: () => number): Promise<TripReport>;
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

export function instrumentStore(db: Db): StoreProbe {
  const ops: Op[] = [];
  let recording = false;
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!recording) return next(args);
      const op: Op = { name: String(context.commandName), start: performance.now(), end: 0 };
      try {
        return await next(args);
      } finally {
        op.end = performance.now();
        ops.push(op);
      }
    },
    { step: 'initialize', name: 'benchStoreProbe' },
  );
  return {
    ops,
    async measure(run, upstreamAt) {
      ops.length = 0;
      recording = true;
      await run();
      // Settle runs after the response: wait until the store has been quiet for a while.
      let seen = -1;
      while (seen !== ops.length) {
        seen = ops.length;
        await new Promise((r) => setTimeout(r, 150));
      }
      recording = false;
      const at = upstreamAt();
      const before = ops.filter((o) => o.start < at).sort((a, b) => a.start - b.start);
      let rounds = 0;
      let roundEnd = -Infinity;
      for (const op of before) {
        if (op.start >= roundEnd) {
          rounds++;
          roundEnd = op.end;
        } else roundEnd = Math.max(roundEnd, op.end);
      }
      const counts = new Map<string, number>();
      for (const op of ops) counts.set(op.name, (counts.get(op.name) ?? 0) + 1);
      return {
        total: ops.length,
        beforeUpstream: before.length,
        sequentialBeforeUpstream: rounds,
        byCommand: [...counts].map(([n, c]) => `${c}× ${n.replace(/Command$/, '')}`).join(', '),
        writes: ops.filter((o) => WRITE_COMMANDS.has(o.name)).length,
      };
    },
  };
}
