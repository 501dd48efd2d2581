import { describe, expect, it } from 'vitest';
import { createSettleQueue } from '../../../../functions/proxy/settle/settle-queue.js';
import { createLogger } from '../../../../functions/shared/logger.js';

const logger = createLogger('SILENT');

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('settle queue', () => {
  it('does not hold the limit counters back while the log item waits for its write window', async () => {
    const queue = createSettleQueue({ logger });
    const logWindow = deferred();
    const order: string[] = [];
    const submitted = queue.submit('r1', [
      { name: 'log', run: () => logWindow.promise.then(() => void order.push('log')) },
      { name: 'limits', run: async () => void order.push('limits') },
    ]);
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['limits']);
    logWindow.resolve();
    await submitted;
    expect(order).toEqual(['limits', 'log']);
    expect(queue.pending()).toBe(0);
  });

  it('retries only the step that failed, until it succeeds', async () => {
    const queue = createSettleQueue({ logger, retryDelaysMs: [1] });
    const runs = { log: 0, limits: 0 };
    await queue.submit('r1', [
      { name: 'log', run: async () => void runs.log++ },
      {
        name: 'limits',
        run: async () => {
          runs.limits++;
          if (runs.limits < 3) throw new Error('store unavailable');
        },
      },
    ]);
    expect(await queue.drain(5000)).toBe(true);
    expect(runs).toEqual({ log: 1, limits: 3 });
  });
});
