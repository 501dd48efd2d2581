// The stored form of a request log: short attribute names and the decision chain and cost breakdown
// as arrays. Attribute names count toward an item's size and the log item is written to the table
// and its three indexes, so keeping a typical log under 1 KB halves its write units (8 → 4 WRU).
import type { ChainEntry, CostBreakdown, RequestLog } from '../../types.js';

/** RequestLog field → stored attribute name. */
export const LOG_ATTRIBUTES = {
  id: 'i',
  createdAt: 't',
  userId: 'u',
  keyId: 'k',
  providerId: 'p',
  providerName: 'pn',
  endpoint: 'e',
  model: 'm',
  upstreamModel: 'um',
  stream: 's',
  statusCode: 'sc',
  inputTokens: 'it',
  outputTokens: 'ot',
  cacheCreationInputTokens: 'cc',
  cacheWrite5mTokens: 'c5',
  cacheWrite1hTokens: 'c1',
  cacheReadInputTokens: 'cr',
  reasoningTokens: 'rt',
  costUsd: 'c',
  costBreakdown: 'cb',
  priceVersion: 'pv',
  durationMs: 'd',
  ttfbMs: 'tf',
  sessionId: 'ss',
  userAgent: 'ua',
  error: 'er',
  chain: 'ch',
  filtered: 'f',
} as const satisfies Record<keyof RequestLog, string>;

type StoredChainEntry = [string, string, number, string, number | null, string | null, number];
type StoredBreakdown = [number, number, number, number, number, number, boolean];

function encodeChain(chain: ChainEntry[]): StoredChainEntry[] {
  return chain.map((e) => [e.providerId, e.providerName, e.attempt, e.reason, e.statusCode, e.error, e.durationMs]);
}

function decodeChain(stored: unknown): ChainEntry[] {
  if (!Array.isArray(stored)) return [];
  return (stored as StoredChainEntry[]).map(([providerId, providerName, attempt, reason, statusCode, error, durationMs]) => ({
    providerId,
    providerName,
    attempt,
    reason,
    statusCode: statusCode ?? null,
    error: error ?? null,
    durationMs,
  }));
}

function encodeBreakdown(b: CostBreakdown | null): StoredBreakdown | null {
  return b ? [b.inputUsd, b.outputUsd, b.cacheWrite5mUsd, b.cacheWrite1hUsd, b.cacheReadUsd, b.multiplier, b.longContext] : null;
}

function decodeBreakdown(stored: unknown): CostBreakdown | null {
  if (!Array.isArray(stored)) return null;
  const [inputUsd, outputUsd, cacheWrite5mUsd, cacheWrite1hUsd, cacheReadUsd, multiplier, longContext] = stored as StoredBreakdown;
  return { inputUsd, outputUsd, cacheWrite5mUsd, cacheWrite1hUsd, cacheReadUsd, multiplier, longContext };
}

const LOG_FIELDS = Object.entries(LOG_ATTRIBUTES) as [keyof RequestLog, string][];

/** Stored attributes of a log (nulls left out: an absent attribute reads back as null). */
export function encodeLog(log: RequestLog): Record<string, unknown> {
  return encodeLogInto(log, {});
}

/** Adds the stored attributes of a log to `out` (the item being built), in LOG_ATTRIBUTES order. */
export function encodeLogInto(log: RequestLog, out: Record<string, unknown>): Record<string, unknown> {
  for (let i = 0; i < LOG_FIELDS.length; i++) {
    const [field, attribute] = LOG_FIELDS[i]!;
    const value = field === 'chain' ? encodeChain(log.chain) : field === 'costBreakdown' ? encodeBreakdown(log.costBreakdown) : log[field];
    if (value === null || value === undefined) continue;
    if (field === 'filtered' && Object.keys(log.filtered).length === 0) continue;
    out[attribute] = value;
  }
  return out;
}

export function decodeLog(item: Record<string, unknown>): RequestLog {
  const log: Record<string, unknown> = {};
  for (const [field, attribute] of LOG_FIELDS) {
    const value = item[attribute];
    if (field === 'chain') log.chain = decodeChain(value);
    else if (field === 'costBreakdown') log.costBreakdown = decodeBreakdown(value);
    else if (field === 'filtered') log.filtered = (value as Record<string, string> | undefined) ?? {};
    else log[field] = value ?? null;
  }
  return log as unknown as RequestLog;
}
