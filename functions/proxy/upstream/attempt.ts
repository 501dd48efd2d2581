// One upstream attempt: send the request, wait for the first byte within the timeout, and classify
// the answer as success (ready to relay), a client error (returned as is) or a provider failure
// (failover). A 200 that is really an HTML page or an error body is a failure.
import { detectFakeSuccess } from '../../shared/providers/fake-success.js';
import type { UpstreamBodyReader, UpstreamTransport } from './transport.js';

export interface AttemptRequest {
  url: string;
  headers: Headers;
  body: string;
  /** Time allowed until the first body byte (covers connect and headers). */
  firstByteTimeoutMs: number;
  /** Aborts when the client goes away. */
  clientSignal: AbortSignal;
  transport: UpstreamTransport;
}

export type AttemptOutcome =
  | {
      kind: 'success';
      status: number;
      headers: Headers;
      reader: UpstreamBodyReader;
      firstChunk: Uint8Array | null;
      abort: (reason: string) => void;
    }
  | { kind: 'client_error'; status: number; headers: Headers; body: Uint8Array; message: string }
  | { kind: 'failure'; status: number | null; reason: FailureReason; message: string }
  | { kind: 'client_abort' };

export type FailureReason = 'connect_error' | 'timeout' | 'http_error' | 'rate_limited' | 'overloaded' | 'fake_success' | 'empty_body';

/** Upstream statuses that are the client's fault: answered as is, no failover, no circuit count. */
export function isClientError(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 403, 404, 408, 429].includes(status);
}

const ERROR_BODY_CAP = 64 * 1024;

async function readCapped(reader: UpstreamBodyReader, cap: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < cap) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.byteLength;
  }
  reader.cancel().catch(() => {});
  const out = new Uint8Array(Math.min(size, cap));
  let offset = 0;
  for (const p of parts) {
    const take = Math.min(p.byteLength, out.byteLength - offset);
    out.set(p.subarray(0, take), offset);
    offset += take;
    if (offset >= out.byteLength) break;
  }
  return out;
}

/** A short message from an upstream error body (Anthropic or OpenAI shape), else the raw text start. */
export function upstreamErrorMessage(status: number, body: Uint8Array): string {
  const text = new TextDecoder().decode(body).trim();
  try {
    const json = JSON.parse(text) as { error?: { message?: string; type?: string } | string; message?: string };
    const err = json.error;
    if (typeof err === 'object' && err?.message) return `upstream ${status}: ${err.type ? `${err.type}: ` : ''}${err.message}`;
    if (typeof err === 'string') return `upstream ${status}: ${err}`;
    if (json.message) return `upstream ${status}: ${json.message}`;
  } catch {
    // not JSON
  }
  return `upstream ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

export async function attemptUpstream(req: AttemptRequest): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const abort = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new Error(reason));
  };
  const onClientAbort = () => abort('client aborted');
  if (req.clientSignal.aborted) return { kind: 'client_abort' };
  req.clientSignal.addEventListener('abort', onClientAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort('first byte timeout');
  }, req.firstByteTimeoutMs);
  const done = () => {
    clearTimeout(timer);
  };

  try {
    // An API answers, it does not redirect: transports refuse redirects (transport.ts).
    const res = await req.transport(req.url, { headers: req.headers, body: req.body, signal: controller.signal });
    const status = res.status;
    const reader = res.body;
    if (!reader) {
      done();
      return status >= 200 && status < 300
        ? { kind: 'failure', status, reason: 'empty_body', message: `upstream ${status} with no body` }
        : { kind: 'failure', status, reason: 'http_error', message: `upstream ${status} with no body` };
    }
    if (status < 200 || status >= 300) {
      const body = await readCapped(reader, ERROR_BODY_CAP);
      done();
      const message = upstreamErrorMessage(status, body);
      if (isClientError(status)) return { kind: 'client_error', status, headers: res.headers, body, message };
      const reason = status === 429 ? 'rate_limited' : status === 529 || status === 503 ? 'overloaded' : 'http_error';
      return { kind: 'failure', status, reason, message };
    }
    const first = await reader.read();
    done();
    const firstChunk = first.done ? null : first.value;
    if (!firstChunk) {
      return { kind: 'failure', status, reason: 'empty_body', message: `upstream ${status} with an empty body` };
    }
    const fake = detectFakeSuccess(res.headers.get('content-type'), new TextDecoder().decode(firstChunk.subarray(0, 2048)));
    if (fake) {
      reader.cancel().catch(() => {});
      return { kind: 'failure', status, reason: 'fake_success', message: `upstream ${status} was not a real answer: ${fake}` };
    }
    return { kind: 'success', status, headers: res.headers, reader, firstChunk, abort };
  } catch (err) {
    done();
    if (req.clientSignal.aborted) return { kind: 'client_abort' };
    if (timedOut) return { kind: 'failure', status: null, reason: 'timeout', message: `no first byte within ${req.firstByteTimeoutMs} ms` };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.message === 'unexpected redirect') {
      return { kind: 'failure', status: null, reason: 'http_error', message: 'upstream answered with a redirect' };
    }
    return {
      kind: 'failure',
      status: null,
      reason: 'connect_error',
      message: `could not reach upstream: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    };
  } finally {
    req.clientSignal.removeEventListener('abort', onClientAbort);
  }
}
