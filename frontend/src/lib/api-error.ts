// The error every /api call throws on a non-2xx answer, carrying the contract's message and per-field reasons.
import type { FieldErrors } from './types.js';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

/** The part of a fetch or typed-client response an error is read from. */
export interface ErrorResponse {
  status: number;
  statusText: string;
  json(): Promise<unknown>;
}

/** Reads `{"error":{"message","fields"}}` from a failed response; falls back to the status text. */
export async function apiErrorFrom(res: ErrorResponse): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`.trim();
  let fields: FieldErrors = {};
  try {
    const body: unknown = await res.json();
    const error = (body as { error?: unknown } | null)?.error;
    if (typeof error === 'string') message = error;
    else if (error && typeof error === 'object') {
      const e = error as { message?: unknown; fields?: unknown };
      if (typeof e.message === 'string') message = e.message;
      if (e.fields && typeof e.fields === 'object') fields = e.fields as FieldErrors;
    }
  } catch {
    /* not JSON: keep the status line */
  }
  return new ApiError(res.status, message, fields);
}
