// One error hierarchy: every error the gateway raises itself carries an HTTP status and a stable code,
// and is rendered in the client's format (Anthropic, OpenAI or admin JSON) by the app's onError.

export type ErrorCode =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error'
  | 'timeout_error'
  | 'upstream_error';

export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Extra fields for the error object (e.g. `limit`) and response headers. */
    readonly extra: { fields?: Record<string, string>; limit?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export class ValidationError extends GatewayError {
  override name = 'ValidationError';
  constructor(message: string, fields: Record<string, string> = {}) {
    super(400, 'invalid_request_error', message, { fields });
  }
}

export class AuthError extends GatewayError {
  override name = 'AuthError';
  constructor(message: string) {
    super(401, 'authentication_error', message);
  }
}

export class ForbiddenError extends GatewayError {
  override name = 'ForbiddenError';
  constructor(message: string) {
    super(403, 'permission_error', message);
  }
}

export class NotFoundError extends GatewayError {
  override name = 'NotFoundError';
  constructor(message: string) {
    super(404, 'not_found_error', message);
  }
}

export class RateLimitError extends GatewayError {
  override name = 'RateLimitError';
  constructor(message: string, limit: string, headers: Record<string, string>) {
    super(429, 'rate_limit_error', message, { limit, headers });
  }
}

/**
 * The store could not be reached and the answer depends on it (e.g. a key this instance has not
 * seen recently): 503, so clients retry instead of treating it as a gateway bug.
 */
export class StoreUnavailableError extends GatewayError {
  override name = 'StoreUnavailableError';
  constructor(message = "the gateway's store is unreachable; retry in a few seconds") {
    super(503, 'overloaded_error', message, { headers: { 'Retry-After': '5' } });
  }
}

/** Anthropic error type names for each code (Anthropic endpoints). */
export function anthropicErrorType(err: GatewayError): string {
  switch (err.code) {
    case 'overloaded_error':
      return 'overloaded_error';
    case 'request_too_large':
      return 'request_too_large';
    case 'timeout_error':
    case 'upstream_error':
      return 'api_error';
    default:
      return err.code;
  }
}

export function anthropicErrorBody(err: GatewayError): Record<string, unknown> {
  const error: Record<string, unknown> = { type: anthropicErrorType(err), message: err.message };
  if (err.extra.limit) error.limit = err.extra.limit;
  return { type: 'error', error };
}

export function openaiErrorBody(err: GatewayError): Record<string, unknown> {
  const error: Record<string, unknown> = { message: err.message, type: err.code, code: openaiErrorCode(err) };
  if (err.extra.limit) error.limit = err.extra.limit;
  return { error };
}

function openaiErrorCode(err: GatewayError): string {
  switch (err.status) {
    case 401:
      return 'invalid_api_key';
    case 403:
      return 'model_not_allowed';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_exceeded';
    case 503:
      return 'no_provider_available';
    case 504:
      return 'upstream_timeout';
    case 502:
      return 'upstream_failed';
    default:
      return err.status >= 500 ? 'internal_error' : 'invalid_request';
  }
}

export function adminErrorBody(err: GatewayError): Record<string, unknown> {
  const error: Record<string, unknown> = { message: err.message, code: err.code };
  if (err.extra.fields) error.fields = err.extra.fields;
  return { error };
}
