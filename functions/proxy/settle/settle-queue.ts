// Settles requests exactly once, off the client's critical path: each request's steps (log item,
// limit counters, rollups, session binding) run once; a step that fails (store throttled or
// unreachable) is retried with backoff until it succeeds, so no request is lost from the logs.
// The log write is idempotent by request id, so a retry never writes a second item.
import type { HubLogger } from '../../shared/logger.js';

export interface SettleStep {
  name: string;
  run(): Promise<unknown>;
}

interface Pending {
  id: string;
  steps: SettleStep[];
  attempts: number;
}

export interface SettleQueue {
  /** Runs the steps now; failed steps stay queued for retry. Resolves when the first try is over. */
  submit(id: string, steps: SettleStep[]): Promise<void>;
  /** Waits until every queued step has succeeded (or `timeoutMs` passed). */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Requests with steps still to do. */
  pending(): number;
}

export interface SettleQueueOptions {
  logger: HubLogger;
  /** Backoff before retry n (ms); the last value repeats. */
  retryDelaysMs?: number[];
}

export function createSettleQueue(options: SettleQueueOptions): SettleQueue {
  const delays = options.retryDelaysMs ?? [250, 500, 1000, 2000, 5000, 10_000];
  const queue = new Map<string, Pending>();
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let waiters: (() => void)[] = [];

  const notifyIfIdle = () => {
    if (queue.size === 0 && inFlight.size === 0) {
      for (const w of waiters) w();
      waiters = [];
    }
  };

  async function runSteps(p: Pending): Promise<void> {
    // Side by side: the log item waits for the write window (merged writes), and the limit counters
    // must not wait for it — a request's reservation and session mark would outlive it by the window.
    // Each step is idempotent or remembered, so a failed one is retried alone.
    const results = await Promise.allSettled(p.steps.map((s) => s.run()));
    const failed: SettleStep[] = [];
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        failed.push(p.steps[i]!);
        options.logger.warn('settle step failed; will retry', { requestId: p.id, step: p.steps[i]!.name, attempt: p.attempts + 1, error: String(r.reason) });
      }
    });
    if (failed.length > 0) {
      p.steps = failed;
      p.attempts++;
      queue.set(p.id, p);
    } else {
      queue.delete(p.id);
    }
  }

  function schedule(): void {
    if (timer || queue.size === 0) return;
    const attempts = Math.min(...[...queue.values()].map((p) => p.attempts));
    const delay = delays[Math.min(Math.max(attempts - 1, 0), delays.length - 1)]!;
    timer = setTimeout(() => {
      timer = null;
      const batch = [...queue.values()];
      queue.clear();
      for (const p of batch) track(runSteps(p));
    }, delay);
    timer.unref?.();
  }

  function track(work: Promise<void>): Promise<void> {
    const done = work
      .catch((err) => options.logger.error('settle failed unexpectedly', { error: String(err) }))
      .finally(() => {
        inFlight.delete(done);
        schedule();
        notifyIfIdle();
      });
    inFlight.add(done);
    return done;
  }

  return {
    submit(id, steps) {
      return track(runSteps({ id, steps, attempts: 0 }));
    },
    drain(timeoutMs = 30_000) {
      if (queue.size === 0 && inFlight.size === 0) return Promise.resolve(true);
      if (timer) {
        // Retry now rather than waiting out the backoff.
        clearTimeout(timer);
        timer = null;
        const batch = [...queue.values()];
        queue.clear();
        for (const p of batch) track(runSteps(p));
      }
      return new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), timeoutMs);
        t.unref?.();
        waiters.push(() => {
          clearTimeout(t);
          resolve(true);
        });
      });
    },
    pending() {
      return queue.size + inFlight.size;
    },
  };
}
