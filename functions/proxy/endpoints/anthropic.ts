// Anthropic Messages endpoints (/v1/messages, /v1/messages/count_tokens) served by claude and
// claude-auth providers: bodies pass through byte for byte except `model` under a redirect.
import { anthropicErrorBody, type GatewayError } from '../../shared/errors.js';
import { replaceTopLevelString } from '../../shared/json/top-level-field.js';
import { createAnthropicStreamTracker, usageFromAnthropicBody } from '../../shared/providers/anthropic/usage.js';
import { createBodyTracker, errorObjectOf } from './body-tracker.js';
import type { EndpointSpec, ParsedRequest, PreparedUpstream } from './types.js';

const encoder = new TextEncoder();

export function anthropicInBandError(message: string, type: string): Uint8Array {
  const payload = JSON.stringify({ type: 'error', error: { type, message } });
  return encoder.encode(`event: error\ndata: ${payload}\n\n`);
}

function prepare(req: ParsedRequest, upstreamModel: string | null): PreparedUpstream {
  const body = upstreamModel && upstreamModel !== req.model ? replaceTopLevelString(req.text, 'model', upstreamModel) : req.text;
  return {
    path: req.path,
    body,
    tracker: req.stream ? createAnthropicStreamTracker() : createBodyTracker(usageFromAnthropicBody, errorObjectOf),
  };
}

const shared = {
  providerTypes: ['claude', 'claude-auth'] as const,
  format: 'anthropic' as const,
  errorBody: (err: GatewayError) => anthropicErrorBody(err),
  inBandError: anthropicInBandError,
};

export const messagesEndpoint: EndpointSpec = {
  ...shared,
  endpoint: 'messages',
  billable: true,
  prepare: (req, _provider, upstreamModel) => prepare(req, upstreamModel),
};

export const countTokensEndpoint: EndpointSpec = {
  ...shared,
  endpoint: 'count_tokens',
  billable: false,
  prepare: (req, _provider, upstreamModel) => {
    const prepared = prepare({ ...req, stream: false }, upstreamModel);
    // A token count has no usage of its own; the body is only checked for an error object.
    return { ...prepared, tracker: createBodyTracker(() => null, errorObjectOf) };
  },
};
