// Usage tracker for non-streaming answers: keeps a capped copy of the body as it passes and reads
// usage from the parsed JSON at the end (the client still gets the bytes untouched, as they come).
import type { Usage } from '../../shared/types.js';
import type { StreamError, StreamOutcome, UsageTracker } from '../../shared/providers/stream-outcome.js';

const BODY_CAP = 32 * 1024 * 1024;

export function createBodyTracker(
  usageFromBody: (body: unknown) => Usage | null,
  errorFromBody: (body: Record<string, unknown>) => StreamError | null,
): UsageTracker {
  const parts: Uint8Array[] = [];
  let size = 0;
  let outcome: StreamOutcome = { usage: null, completed: false, error: null, model: null };
  return {
    push(chunk) {
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      if (size + bytes.byteLength > BODY_CAP) return;
      parts.push(bytes);
      size += bytes.byteLength;
    },
    end() {
      const text = Buffer.concat(parts).toString('utf8');
      try {
        const body = JSON.parse(text) as Record<string, unknown>;
        const error = body && typeof body === 'object' ? errorFromBody(body) : null;
        outcome = {
          usage: usageFromBody(body),
          completed: error === null,
          error,
          model: typeof body?.model === 'string' ? body.model : null,
        };
      } catch {
        outcome = { usage: null, completed: false, error: { type: 'api_error', message: 'upstream body is not valid JSON' }, model: null };
      }
    },
    result() {
      return outcome;
    },
  };
}

/** `{"type":"error","error":{...}}` (Anthropic) or `{"error":{...}}` (OpenAI) bodies. */
export function errorObjectOf(body: Record<string, unknown>): StreamError | null {
  const err = body.error;
  if (body.type === 'error' || (err && typeof err === 'object' && !('choices' in body) && !('content' in body) && !('output' in body))) {
    const e = (err ?? {}) as { type?: unknown; message?: unknown; code?: unknown };
    return { type: String(e.type ?? e.code ?? 'api_error'), message: String(e.message ?? 'upstream error') };
  }
  return null;
}
