// Local stand-in for the EventBridge schedule: sync once at start when the table has no prices, then on a timer.
import { syncPrices, type PriceSyncDeps, type PriceSyncResult } from '../price-sync/sync.js';

export interface PriceSyncTimer {
  /** Stops the timer and waits for a sync in progress (so the store can close under it). */
  stop(): Promise<void>;
  /** The sync in progress, if any (tests wait on it). */
  readonly running: Promise<void> | null;
}

export interface PriceSyncTimerOptions {
  /** Called after each successful sync (cache invalidation). */
  onSynced?: (result: PriceSyncResult) => void;
}

export function startPriceSyncTimer(services: PriceSyncDeps, intervalMs: number, options: PriceSyncTimerOptions = {}): PriceSyncTimer {
  let running: Promise<void> | null = null;
  let stopped = false;

  // Errors are logged and never thrown: an offline machine must still start and serve.
  const run = (onlyIfEmpty: boolean) => {
    if (running || stopped) return;
    running = (async () => {
      try {
        if (onlyIfEmpty && (await services.prices.list()).length > 0) return;
        const result = await syncPrices(services);
        options.onSynced?.(result);
      } catch (err) {
        services.logger.warn('price sync failed; prices stay as they were', {
          source: services.config.priceSourceUrl,
          error: err instanceof Error ? err.message : String(err),
        });
      } finally {
        running = null;
      }
    })();
  };

  run(true);
  const timer = setInterval(() => run(false), intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    get running() {
      return running;
    },
  };
}
