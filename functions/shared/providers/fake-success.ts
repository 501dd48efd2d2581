// Spots an upstream 200 that is really a failure (an HTML page, an error object) so it can fail over.

import { isRecord } from './json-fields.js';

const MAX_DETAIL_CHARS = 160;
// Keys of a real Anthropic message, chat completion or Responses object.
const CONTENT_KEYS = ['content', 'choices', 'output', 'data'];

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL_CHARS ? `${flat.slice(0, MAX_DETAIL_CHARS)}…` : flat;
}

function describeError(error: unknown): string {
  if (typeof error === 'string') return shorten(error);
  if (!isRecord(error)) return '';
  // A Responses `error` event puts its code beside `"type": "error"`, which says nothing by itself.
  const type = [error.type, error.code].find((value) => typeof value === 'string' && value !== '' && value !== 'error');
  const message = typeof error.message === 'string' ? error.message : '';
  return shorten([type, message].filter((part) => typeof part === 'string' && part !== '').join(': '));
}

function errorReason(detail: string): string {
  return detail === '' ? 'upstream returned an error object with status 200' : `upstream returned an error with status 200: ${detail}`;
}

/** The reason a parsed JSON value is an error rather than a response, or null. */
function jsonErrorReason(value: unknown): string | null {
  if (!isRecord(value)) return null;
  if (value.type === 'error') return errorReason(describeError(value.error ?? value));
  const hasError = value.error !== undefined && value.error !== null && value.error !== false;
  if (hasError && !CONTENT_KEYS.some((key) => key in value)) return errorReason(describeError(value.error));
  return null;
}

/** Detects an error object in a prefix cut mid-document, where JSON.parse cannot help. */
function truncatedJsonErrorReason(text: string): string | null {
  if (/^\{\s*"type"\s*:\s*"error"/.test(text) || /^\{\s*"error"\s*:\s*[{"]/.test(text)) {
    return errorReason('');
  }
  return null;
}

/** The first event of an SSE body whose opening event is an error (`event: error`, or an error data payload). */
function sseErrorReason(text: string): string | null {
  let eventName: string | null = null;
  const data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0 || eventName !== null) break;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') eventName = value;
    else if (field === 'data') data.push(value);
  }
  const payload = data.join('\n');
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return eventName === 'error' ? errorReason('') : null;
  }
  if (eventName === 'error') return errorReason(describeError(isRecord(parsed) ? (parsed.error ?? parsed) : parsed));
  return jsonErrorReason(parsed);
}

/**
 * Why an upstream 200 is a disguised failure, or null when it looks like a real response.
 * `bodyPrefix` is the start of the body (the whole body or its first chunk, decoded).
 */
export function detectFakeSuccess(contentType: string | null, bodyPrefix: string): string | null {
  const type = (contentType ?? '').toLowerCase();
  const text = bodyPrefix.replace(/^\uFEFF/, '').trimStart();
  const lower = text.slice(0, 16).toLowerCase();
  if (type.includes('text/html') || lower.startsWith('<!doctype') || lower.startsWith('<html')) {
    return 'upstream returned an HTML page instead of an API response';
  }
  if (/^(?:event|data|:)/.test(text)) return sseErrorReason(text);
  if (!text.startsWith('{')) return null;
  try {
    return jsonErrorReason(JSON.parse(text));
  } catch {
    return truncatedJsonErrorReason(text);
  }
}
