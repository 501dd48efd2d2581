// Per-source-IP throttle for failed logins and unknown client keys: after `limit` failures within a
// minute, further attempts from that IP get a 429 until the minute has passed (per instance).

export interface FailureThrottle {
  /** Seconds to wait when the IP is blocked, else 0. */
  retryAfterSec(ip: string): number;
  recordFailure(ip: string): void;
}

export function createFailureThrottle(limitPerMinute: number, now: () => number = Date.now): FailureThrottle {
  const windows = new Map<string, { startMs: number; failures: number }>();
  const current = (ip: string) => {
    const t = now();
    const w = windows.get(ip);
    if (!w || t - w.startMs >= 60_000) return null;
    return w;
  };
  return {
    retryAfterSec(ip) {
      if (limitPerMinute <= 0) return 0;
      const w = current(ip);
      if (!w || w.failures < limitPerMinute) return 0;
      return Math.max(1, Math.ceil((w.startMs + 60_000 - now()) / 1000));
    },
    recordFailure(ip) {
      if (limitPerMinute <= 0) return;
      const w = current(ip);
      if (w) w.failures++;
      else {
        if (windows.size > 50_000) windows.clear();
        windows.set(ip, { startMs: now(), failures: 1 });
      }
    },
  };
}

/** The caller's address: Lambda Function URL request context, else the node socket. */
export function clientIpOf(env: unknown): string {
  const e = env as {
    requestContext?: { http?: { sourceIp?: string } };
    incoming?: { socket?: { remoteAddress?: string } };
  } | undefined;
  return e?.requestContext?.http?.sourceIp ?? e?.incoming?.socket?.remoteAddress ?? 'unknown';
}
