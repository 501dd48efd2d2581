// Deletes items whose `expiresAt` has passed: the embedded store has no TTL of its own.
// Readers never rely on this (they check expiresAt themselves); it only keeps the store small. So it
// is housekeeping, paced to stay out of the way: one pass over the table an hour (the first a few
// minutes after start), a page of a few hundred items at a time with a pause between pages. A pass
// reads every item once (about 30 µs of the store's CPU each, ~0.5 s for 15,000 logs); sweeping the
// whole table every minute, as this did before, cost about 0.5 % of a core per 10,000 items kept, in bursts
// that held the store thread for the whole scan.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../shared/db/client.js';

export interface SweepPacing {
  /** Items the store examines per Scan page (its Limit, counted before the filter): one step's work. */
  pageItems: number;
  /** Pause between pages, so a pass interleaves with requests instead of holding the store. */
  pauseMs: number;
  /** Checked between pages: a pass stops early once it returns true. */
  stopped?: () => boolean;
}

export interface SweepSchedule extends Omit<SweepPacing, 'stopped'> {
  /** The first pass, after start (expired items of the time the gateway was down). */
  firstPassMs: number;
  /** From the end of one pass to the start of the next. */
  passIntervalMs: number;
}

export const SWEEP_SCHEDULE: SweepSchedule = { firstPassMs: 5 * 60_000, passIntervalMs: 60 * 60_000, pageItems: 500, pauseMs: 50 };

const UNPACED: SweepPacing = { pageItems: SWEEP_SCHEDULE.pageItems, pauseMs: 0 };

/**
 * One pass: deletes every item whose epoch-second `expiresAt` is at or before `nowMs`, and returns
 * how many. The delete is conditional, so an item refreshed after its page was read (a session
 * bound again) stays.
 */
export async function sweepExpired(db: Db, nowMs = Date.now(), pacing: SweepPacing = UNPACED): Promise<number> {
  const now = Math.floor(nowMs / 1000);
  let deleted = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new ScanCommand({
        TableName: db.tableName,
        FilterExpression: 'expiresAt <= :now',
        ExpressionAttributeValues: { ':now': now },
        ProjectionExpression: 'PK, SK',
        Limit: pacing.pageItems,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      try {
        await db.doc.send(
          new DeleteCommand({
            TableName: db.tableName,
            Key: { PK: item.PK, SK: item.SK },
            ConditionExpression: 'expiresAt <= :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        deleted++;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    startKey = page.LastEvaluatedKey;
    if (startKey && pacing.pauseMs > 0) await new Promise((r) => setTimeout(r, pacing.pauseMs));
  } while (startKey && !pacing.stopped?.());
  return deleted;
}

/**
 * Runs paced passes on `schedule` until the returned stop function is called; stop resolves once a
 * pass in progress has finished its page (so the store can close under it without an error).
 */
export function startTtlSweeper(db: Db, onError: (err: unknown) => void, schedule: SweepSchedule = SWEEP_SCHEDULE): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout;
  const pacing: SweepPacing = { pageItems: schedule.pageItems, pauseMs: schedule.pauseMs, stopped: () => stopped };
  const pass = () => {
    running = sweepExpired(db, Date.now(), pacing)
      .then(
        () => undefined,
        (err: unknown) => {
          if (!stopped) onError(err);
        },
      )
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(pass, schedule.passIntervalMs).unref();
      });
  };
  timer = setTimeout(pass, schedule.firstPassMs).unref();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
