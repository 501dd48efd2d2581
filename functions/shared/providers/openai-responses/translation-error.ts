// Errors raised when a request or a response cannot cross the Chat Completions ↔ Responses boundary.

import { GatewayError } from '../../errors.js';

/** The client's Chat request uses something the Responses API cannot express: answered as a 400. */
export class TranslationError extends GatewayError {
  override name = 'TranslationError';
  declare readonly status: 400;

  constructor(
    message: string,
    /** The offending Chat field, for the client's benefit (e.g. `n`, `messages[2].content`). */
    readonly param: string | null = null,
  ) {
    super(400, 'invalid_request_error', message);
  }
}

/**
 * A refused value as the error message shows it: JSON, cut short. The client sent it, so it may be
 * megabytes long or nested deeper than JSON.stringify can recurse; neither may turn a 400 into a 500.
 */
export function describeValue(value: unknown, maxLength = 120): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? '[…]' : '{…}';
  }
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** A non-streaming Responses body with `status: "failed"`: the upstream answered, but with no completion. */
export class ResponseFailedError extends GatewayError {
  override name = 'ResponseFailedError';

  constructor(
    message: string,
    /** The upstream's own error code (`server_error`, `rate_limit_exceeded`, ...), or null. */
    readonly upstreamCode: string | null,
  ) {
    super(502, 'upstream_error', message);
  }
}

export interface ChatStreamError {
  message: string;
  type: string;
  code: string;
}

const INVALID_REQUEST_CODES = new Set(['invalid_prompt', 'context_length_exceeded', 'bio_policy', 'data_residency_mismatch']);

/**
 * The OpenAI error object a Chat client expects for an upstream Responses error code. Image and
 * prompt problems are the request's fault; anything unknown is reported as the server's.
 */
export function chatErrorOf(code: string | null, message: string): ChatStreamError {
  let type = 'server_error';
  if (code === 'rate_limit_exceeded') type = 'rate_limit_error';
  else if (code !== null && (INVALID_REQUEST_CODES.has(code) || code.startsWith('invalid_') || code.includes('image'))) {
    type = 'invalid_request_error';
  }
  return { message, type, code: code ?? type };
}
