// Reads and checks a proxy request body: size limit (6 MB, the Function URL limit), UTF-8, JSON object.
import type { IncomingMessage } from 'node:http';
import { GatewayError, ValidationError } from '../shared/errors.js';

export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export class BodyTooLargeError extends GatewayError {
  constructor() {
    super(413, 'request_too_large', `request body exceeds the ${MAX_BODY_BYTES / 1024 / 1024} MB limit`);
  }
}

/** A declared content-length above the limit is refused before a byte of the body is read. */
function declaredTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  const declared = Number(contentLength ?? NaN);
  return Number.isFinite(declared) && declared > limit;
}

export async function readBodyText(req: Request, limit = MAX_BODY_BYTES): Promise<{ text: string; bytes: number }> {
  if (declaredTooLarge(req.headers.get('content-length'), limit)) throw new BodyTooLargeError();
  if (!req.body) return { text: '', bytes: 0 };
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      throw new BodyTooLargeError();
    }
    parts.push(value);
  }
  return decodeBody(Buffer.concat(parts, size));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBody(buf: Buffer): { text: string; bytes: number } {
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    throw new ValidationError('request body is not valid UTF-8');
  }
  return { text, bytes: buf.byteLength };
}

/** Thrown when the client goes away before its body has arrived. */
export class BodyAbortedError extends Error {
  override name = 'AbortError';
}

/**
 * The same checks straight from node's request stream (`npm start`): no WHATWG Request or stream is
 * built around it, which costs more CPU than the rest of reading a small body.
 */
export function readIncomingBody(incoming: IncomingMessage, limit = MAX_BODY_BYTES): Promise<{ text: string; bytes: number }> {
  if (declaredTooLarge(incoming.headers['content-length'], limit)) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        cleanup();
        // Stop reading; the 413 goes out and the connection closes after it.
        incoming.pause();
        reject(new BodyTooLargeError());
        return;
      }
      parts.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      try {
        resolve(decodeBody(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)));
      } catch (err) {
        reject(err);
      }
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      if (incoming.readableEnded) return onEnd();
      cleanup();
      reject(new BodyAbortedError('client closed the connection before sending its whole body'));
    };
    if (incoming.readableEnded) return reject(new BodyAbortedError('request body already read'));
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') throw new ValidationError('request body is empty; send a JSON object');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ValidationError('request body must be a JSON object');
  }
  return json as Record<string, unknown>;
}
