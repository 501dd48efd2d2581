// What a usage tracker learned from one upstream response: tokens, whether it ended properly, any in-band error.

import type { Usage } from '../types.js';

export interface StreamError {
  type: string;
  message: string;
}

export interface StreamOutcome {
  /** Usage seen so far; null when the upstream never reported any. */
  usage: Usage | null;
  /** True once the format's terminal event arrived (message_stop, [DONE], response.completed...). */
  completed: boolean;
  error: StreamError | null;
  model: string | null;
}

/** The common interface of the per-format trackers: fed raw response bytes as they pass. */
export interface UsageTracker {
  push(chunk: Uint8Array | string): void;
  end(): void;
  result(): StreamOutcome;
}

export function emptyUsage(): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadInputTokens: 0,
    reasoningTokens: 0,
  };
}
