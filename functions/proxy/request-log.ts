// Builds the log item of one request from what the pipeline learned, with its exact cost.
import { costOf } from '../shared/cost/cost.js';
import { emptyUsage, type StreamOutcome } from '../shared/providers/stream-outcome.js';
import type { ChainEntry, Endpoint, Price, RequestLog } from '../shared/types.js';

export interface RequestFacts {
  id: string;
  startedAt: number;
  endedAt: number;
  endpoint: Endpoint;
  stream: boolean;
  userId: string | null;
  keyId: string | null;
  providerId: string | null;
  providerName: string | null;
  model: string | null;
  upstreamModel: string | null;
  statusCode: number;
  ttfbMs: number | null;
  sessionId: string | null;
  userAgent: string | null;
  error: string | null;
  chain: ChainEntry[];
  filtered: Record<string, string>;
  outcome: StreamOutcome | null;
  billable: boolean;
  price: Price | null;
  costMultiplier: number;
}

export function buildRequestLog(f: RequestFacts): { log: RequestLog; costNanos: number | null; warning: string | null } {
  const usage = f.billable ? (f.outcome?.usage ?? null) : null;
  const counted = usage ?? emptyUsage();
  let costUsd: number | null = 0;
  let costNanos: number | null = 0;
  let breakdown: RequestLog['costBreakdown'] = null;
  let warning: string | null = null;
  const priceVersion = f.price?.version ?? null;
  if (usage) {
    const cost = costOf(usage, f.price, f.costMultiplier);
    costUsd = cost.costUsd;
    costNanos = cost.costNanos;
    breakdown = cost.breakdown;
    if (cost.warning) warning = `${cost.warning} (model ${f.upstreamModel ?? f.model})`;
  }
  const log: RequestLog = {
    id: f.id,
    createdAt: new Date(f.startedAt).toISOString(),
    userId: f.userId,
    keyId: f.keyId,
    providerId: f.providerId,
    providerName: f.providerName,
    endpoint: f.endpoint,
    model: f.model,
    upstreamModel: f.upstreamModel,
    stream: f.stream,
    statusCode: f.statusCode,
    inputTokens: counted.inputTokens,
    outputTokens: counted.outputTokens,
    cacheCreationInputTokens: counted.cacheCreationInputTokens,
    cacheWrite5mTokens: counted.cacheWrite5mTokens,
    cacheWrite1hTokens: counted.cacheWrite1hTokens,
    cacheReadInputTokens: counted.cacheReadInputTokens,
    reasoningTokens: counted.reasoningTokens,
    costUsd,
    costBreakdown: breakdown,
    priceVersion: usage ? priceVersion : null,
    durationMs: Math.max(0, f.endedAt - f.startedAt),
    ttfbMs: f.ttfbMs,
    sessionId: f.sessionId,
    userAgent: f.userAgent,
    error: f.error,
    chain: f.chain,
    filtered: f.filtered,
  };
  return { log, costNanos, warning };
}
