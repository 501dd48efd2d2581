// Request logs for rollup and statistics tests: only the fields the rollups read vary.
import type { RequestLog } from '../../../../functions/shared/types.js';

let counter = 0;

export function requestLog(fields: Partial<RequestLog> & { createdAt: string }): RequestLog {
  counter++;
  return {
    id: `req_test${String(counter).padStart(6, '0')}`,
    userId: 'usr_a',
    keyId: 'key_a',
    providerId: 'prv_x',
    providerName: 'x',
    endpoint: 'messages',
    model: 'claude-sonnet-4-5',
    upstreamModel: 'claude-sonnet-4-5',
    stream: true,
    statusCode: 200,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadInputTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    costBreakdown: null,
    priceVersion: null,
    durationMs: 100,
    ttfbMs: 10,
    sessionId: null,
    userAgent: null,
    error: null,
    chain: [],
    filtered: {},
    ...fields,
  };
}
