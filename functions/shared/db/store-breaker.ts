// Fails store calls fast while the store is unreachable. One attempt that cannot reach the store
// (connection refused or reset, timeout) opens the breaker: every call then fails at once instead
// of each waiting out its timeouts and retries, so a hung store does not hang every request. A
// background probe closes it as soon as the store answers again; no client request pays for that.

export class StoreDownError extends Error {
  override name = 'StoreDownError';
  constructor() {
    super('the store is unreachable (calls fail fast until it answers again)');
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** An attempt that never got an answer from the store (throttling and 5xx are answers: the SDK retries those). */
export function isConnectionFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: string; code?: string };
  return name === 'TimeoutError' || (code !== undefined && CONNECTION_CODES.has(code));
}

export interface StoreBreaker {
  /** Throws StoreDownError while open. */
  check(): void;
  /** Report how an attempt ended; a connection failure opens the breaker. */
  record(err: unknown | null): void;
  isOpen(): boolean;
}

export interface StoreBreakerOptions {
  /** Resolves when the store answers (with anything, an error response included); rejects when unreachable. */
  probe: () => Promise<void>;
  probeIntervalMs?: number;
  onChange?: (open: boolean) => void;
}

export function createStoreBreaker(options: StoreBreakerOptions): StoreBreaker {
  const interval = options.probeIntervalMs ?? 500;
  let open = false;

  const probeLater = () => {
    const timer = setTimeout(() => {
      options.probe().then(
        () => {
          open = false;
          options.onChange?.(false);
        },
        probeLater,
      );
    }, interval);
    // Probing never keeps a process alive on its own.
    timer.unref?.();
  };

  return {
    check() {
      if (open) throw new StoreDownError();
    },
    record(err) {
      if (open || err === null || !isConnectionFailure(err)) return;
      open = true;
      options.onChange?.(true);
      probeLater();
    },
    isOpen: () => open,
  };
}
