// Reads and checks a proxy request body: size limit (6 MB, the Function URL limit), UTF-8, JSON object.
import { GatewayError, ValidationError } from '../shared/errors.js';

export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export class BodyTooLargeError extends GatewayError {
  constructor() {
    super(413, 'request_too_large', `request body exceeds the ${MAX_BODY_BYTES / 1024 / 1024} MB limit`);
  }
}

export async function readBodyText(req: Request, limit = MAX_BODY_BYTES): Promise<{ text: string; bytes: number }> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
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
  const buf = Buffer.concat(parts, size);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new ValidationError('request body is not valid UTF-8');
  }
  return { text, bytes: size };
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
