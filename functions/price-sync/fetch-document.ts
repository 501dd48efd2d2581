// Downloads the price document: http(s) only, bounded in time and size, hashed over the exact bytes.
import { createHash } from 'node:crypto';
import { GatewayError, ValidationError } from '../shared/errors.js';

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** LiteLLM's full table is a few MB; anything far larger is not a price table. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

export interface FetchDocumentOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

export interface FetchedDocument {
  url: string;
  bytes: Buffer;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
}

export class PriceSourceError extends GatewayError {
  override name = 'PriceSourceError';
  constructor(message: string, status = 502) {
    super(status, status === 504 ? 'timeout_error' : 'upstream_error', message);
  }
}

function checkedUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`price source "${url}" is not a URL`, { url: 'must be an http or https URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError(`price source "${url}" is not http or https`, { url: 'must be an http or https URL' });
  }
  return parsed;
}

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number, url: string): Promise<Buffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PriceSourceError(`price document from ${url} is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** GETs `url` and returns its bytes and their SHA-256. Failures are PriceSourceError (502, 504 on timeout). */
export async function fetchDocument(url: string, options: FetchDocumentOptions = {}): Promise<FetchedDocument> {
  const target = checkedUrl(url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(target, { signal, redirect: 'follow', headers: { accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new PriceSourceError(`price source ${url} answered HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new PriceSourceError(`price document from ${url} is ${declared} bytes, over the ${maxBytes}-byte limit`);
    }
    const bytes = res.body ? await readCapped(res.body, maxBytes, url) : Buffer.alloc(0);
    return { url, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (isAbort(err) || signal.aborted) throw new PriceSourceError(`price source ${url} did not answer within ${timeoutMs} ms`, 504);
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new PriceSourceError(`price source ${url} could not be fetched (${(err as Error).message}${cause})`);
  }
}
