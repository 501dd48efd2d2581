// An SDK request handler for a store running in this same process (the embedded store): each
// DynamoDB call is handed to the store as a function call instead of crossing a loopback socket,
// which saves node's HTTP client and server work per call. Timeouts and aborts fail the way the
// node HTTP handler's do, so the store breaker and isStoreUnavailable see the same errors.
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/** One DynamoDB JSON-protocol call, as the store's HTTP listener would have read it. */
export interface StoreCall {
  method: string;
  /** The x-amz-target header, e.g. `DynamoDB_20120810.GetItem`. */
  target: string;
  contentType: string;
  body: string;
}

/** The store's answer: status, headers (lower-case names) and body bytes, as on the wire. */
export interface StoreAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A store the SDK can call without HTTP (see functions/local/embedded-store.ts). */
export interface InProcessStore {
  /** Answers every request, error responses included; rejects only when the store cannot answer (closed). */
  call(request: StoreCall): Promise<StoreAnswer>;
}

/** The store was closed: a call then fails as a refused connection would, so callers treat it as unavailable. */
export class StoreClosedError extends Error {
  override name = 'StoreClosedError';
  readonly code = 'ECONNREFUSED';
  constructor() {
    super('the in-process store is closed');
  }
}

/** The parts of the SDK's HttpRequest this handler reads. */
interface SdkRequest {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkHandlerOptions {
  abortSignal?: { aborted: boolean; reason?: unknown; addEventListener?(type: 'abort', listener: () => void): void; removeEventListener?(type: 'abort', listener: () => void): void };
  requestTimeout?: number;
}

export interface InProcessHandler {
  readonly metadata: { handlerProtocol: string };
  handle(request: SdkRequest, options?: SdkHandlerOptions): Promise<{ response: StoreAnswer }>;
  updateHttpClientConfig(key: string, value: unknown): void;
  httpHandlerConfigs(): Record<string, unknown>;
  destroy(): void;
}

function header(headers: Record<string, string>, name: string): string {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const key in headers) if (key.toLowerCase() === name) return headers[key]!;
  return '';
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // The JSON protocol always serializes to a string; anything else (a stream) is not a store call.
  throw new TypeError('the in-process store handler only sends string or byte bodies');
}

function timeoutError(ms: number): Error {
  // Same name and code as @smithy/node-http-handler's requestTimeout error.
  return Object.assign(new Error(`in-process store: a request has exceeded the configured ${ms} ms requestTimeout.`), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
}

function abortError(signal: NonNullable<SdkHandlerOptions['abortSignal']>): Error {
  // As @smithy/node-http-handler builds it (an abort reason may be a DOMException, whose name is read-only).
  const reason = signal.reason;
  const error = new Error(reason && !(reason instanceof Error) ? String(reason) : 'Request aborted');
  error.name = 'AbortError';
  if (reason instanceof Error) error.cause = reason;
  return error;
}

function onTimeout(reject: (err: unknown) => void, ms: number): void {
  reject(timeoutError(ms));
}

/** The SDK request handler for `store`; `requestTimeoutMs` bounds every call as the HTTP handler's requestTimeout does. */
export function createInProcessHandler(store: InProcessStore, options: { requestTimeoutMs: number }): InProcessHandler {
  let config: Record<string, unknown> = { requestTimeout: options.requestTimeoutMs };
  return {
    metadata: { handlerProtocol: 'in-process' },
    handle(request, handlerOptions = {}) {
      const { abortSignal } = handlerOptions;
      const timeoutMs = handlerOptions.requestTimeout ?? (config.requestTimeout as number | undefined) ?? 0;
      // Few closures on purpose: this runs for every store call. A promise settles once, so the
      // timer, an abort and the answer may race without a flag.
      return new Promise((resolve, reject) => {
        if (abortSignal?.aborted) return reject(abortError(abortSignal));
        const timer = timeoutMs > 0 ? setTimeout(onTimeout, timeoutMs, reject, timeoutMs) : undefined;
        let onAbort: (() => void) | undefined;
        if (abortSignal?.addEventListener) {
          onAbort = () => reject(abortError(abortSignal));
          abortSignal.addEventListener('abort', onAbort);
        }
        let call: Promise<StoreAnswer>;
        try {
          call = store.call({
            method: request.method,
            target: header(request.headers, 'x-amz-target'),
            contentType: header(request.headers, 'content-type'),
            body: bodyText(request.body),
          });
        } catch (err) {
          call = Promise.reject(err);
        }
        call.then(
          (answer) => {
            clearTimeout(timer);
            if (onAbort) abortSignal!.removeEventListener?.('abort', onAbort);
            resolve({ response: answer });
          },
          (err: unknown) => {
            clearTimeout(timer);
            if (onAbort) abortSignal!.removeEventListener?.('abort', onAbort);
            reject(err);
          },
        );
      });
    },
    updateHttpClientConfig(key, value) {
      config = { ...config, [key]: value };
    },
    httpHandlerConfigs: () => config,
    destroy() {},
  };
}

/**
 * The SigV4 scheme with a signer that leaves the request as it is: the in-process store is this
 * process, so signing (hashing the body, HMAC chains) would be pure cost.
 */
export const UNSIGNED_SIGV4_SCHEMES: NonNullable<DynamoDBClientConfig['httpAuthSchemes']> = [
  {
    schemeId: 'aws.auth#sigv4',
    identityProvider: (config) => config.getIdentityProvider('aws.auth#sigv4'),
    signer: { sign: (request) => Promise.resolve(request) },
  },
];
