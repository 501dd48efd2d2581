// What differs between the proxy's endpoints: which providers serve them, the client's wire format
// (errors), how a request is prepared for a given provider, and how usage is read back.
import type { GatewayError } from '../../shared/errors.js';
import type { UsageTracker } from '../../shared/providers/stream-outcome.js';
import type { Endpoint, ProviderType, ProviderWithSecret } from '../../shared/types.js';

export type { UsageTracker } from '../../shared/providers/stream-outcome.js';

export interface ParsedRequest {
  /** The raw body text as the client sent it. */
  text: string;
  /** The parsed body (a JSON object). */
  json: Record<string, unknown>;
  model: string | null;
  stream: boolean;
  path: string;
  search: string;
  headers: Headers;
}

export interface PreparedUpstream {
  /** Upstream path (the client's, or another for a translated request). */
  path: string;
  body: string;
  /** Parses the upstream's response bytes (stream or body) for usage. */
  tracker: UsageTracker;
  /** Rewrites upstream bytes into the client's format (translation, usage-chunk stripping); none = pass through. */
  transform?: () => TransformStream<Uint8Array, Uint8Array>;
  /** Rewrites a non-streaming upstream body into the client's format (translation). */
  transformBody?: (upstream: Record<string, unknown>) => Record<string, unknown>;
}

export interface EndpointSpec {
  endpoint: Endpoint;
  providerTypes: readonly ProviderType[];
  format: 'anthropic' | 'openai';
  /** count_tokens is never billed. */
  billable: boolean;
  prepare(req: ParsedRequest, provider: ProviderWithSecret, upstreamModel: string | null): PreparedUpstream;
  /** The error body in the client's format. */
  errorBody(err: GatewayError): Record<string, unknown>;
  /** An error inside an already started stream, in the client's format (bytes to append). */
  inBandError(message: string, type: string): Uint8Array;
}
