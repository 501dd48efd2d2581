// Human-readable limit texts for 429 answers (CONTRACT.md: "5h spend limit of $10.00 reached; resets in 1h12m").

export type LimitKind = 'rpm' | 'concurrent_sessions' | 'daily' | '5h' | 'weekly' | 'monthly' | 'total';
export type LimitScope = 'key' | 'user';

/**
 * Compact duration, rounded up to the unit shown so "resets in" is never early:
 * `45s`, `12m`, `1h12m`, `2d3h`.
 */
export function formatDuration(sec: number): string {
  const seconds = Math.max(0, Math.ceil(sec));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? `${h}h` : `${h}h${m}m`;
  }
  const hours = Math.ceil(seconds / 3600);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `${d}d` : `${d}d${h}h`;
}

/** `$10.00`; amounts finer than a cent keep their digits (`$0.005`). */
export function formatUsd(amount: number): string {
  const cents = amount.toFixed(2);
  if (Number(cents) === amount) return `$${cents}`;
  return `$${Number(amount.toFixed(6))}`;
}

function describeLimit(kind: LimitKind, limit: number): string {
  switch (kind) {
    case 'rpm':
      return `rate limit of ${limit} requests per minute`;
    case 'concurrent_sessions':
      return `concurrent session limit of ${limit}`;
    default:
      return `${kind} spend limit of ${formatUsd(limit)}`;
  }
}

/**
 * The 429 message. A user's limit reads as in CONTRACT.md; a key's own limit is prefixed with
 * `key ` so the holder knows which budget ran out. Without a reset time the clause is left out.
 */
export function limitExceededMessage(
  kind: LimitKind,
  scope: LimitScope,
  limit: number,
  resetsInSec: number | null,
): string {
  const subject = `${scope === 'key' ? 'key ' : ''}${describeLimit(kind, limit)} reached`;
  return resetsInSec === null ? subject : `${subject}; resets in ${formatDuration(resetsInSec)}`;
}
