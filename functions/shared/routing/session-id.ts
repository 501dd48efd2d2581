// Derives a stable session id from what Claude Code, Codex and other clients send, for stickiness.

import { createHash } from 'node:crypto';

export type SessionIdSource =
  | 'metadata_json'
  | 'metadata_legacy'
  | 'claude_header'
  | 'codex_header'
  | 'prompt_cache_key'
  | 'hash';

export interface SessionIdInput {
  body: unknown;
  headers: Headers | Record<string, string | undefined>;
  keyId: string;
}

export interface SessionId {
  sessionId: string;
  source: SessionIdSource;
}

const MAX_LENGTH = 128;
const SAFE_ID = /^[A-Za-z0-9._:-]+$/;
/** Claude Code before the JSON form: `user_<hash>_account_<id or empty>_session_<uuid>`. */
const LEGACY_USER_ID = /^user_[^_]+_account_.*_session_(.+)$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function hashId(material: string): string {
  return `h_${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}

/** Client ids end up in keys and logs, so anything long or unusual is replaced by its hash. */
function sanitize(value: string): string {
  return value.length <= MAX_LENGTH && SAFE_ID.test(value) ? value : hashId(`raw\n${value}`);
}

function header(headers: SessionIdInput['headers'], name: string): string | null {
  if (headers instanceof Headers) return nonEmptyString(headers.get(name));
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return nonEmptyString(value);
  }
  return null;
}

function fromMetadata(body: Json): SessionId | null {
  const metadata = body.metadata;
  if (!isObject(metadata)) return null;
  const userId = metadata.user_id;
  if (isObject(userId)) {
    const id = nonEmptyString(userId.session_id);
    return id === null ? null : { sessionId: id, source: 'metadata_json' };
  }
  const text = nonEmptyString(userId);
  if (text === null) return null;
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      const id = isObject(parsed) ? nonEmptyString(parsed.session_id) : null;
      if (id !== null) return { sessionId: id, source: 'metadata_json' };
    } catch {
      // Not JSON after all; the legacy form below or a later source may still apply.
    }
  }
  const legacy = LEGACY_USER_ID.exec(text);
  return legacy ? { sessionId: legacy[1], source: 'metadata_legacy' } : null;
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/** First user message text of an Anthropic/Chat `messages` body or a Responses `input`. */
export function firstUserText(body: unknown): string {
  if (!isObject(body)) return '';
  if (typeof body.input === 'string') return body.input;
  const items = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [];
  const first = items.find((item): item is Json => isObject(item) && item.role === 'user');
  return first ? textOfContent(first.content) : '';
}

/**
 * Sources in order: Claude Code `metadata.user_id` (JSON, then legacy form), the
 * `x-claude-code-session-id` header, Codex's `session_id`/`session-id` header, `prompt_cache_key`,
 * else a hash of the key and the first user message. A client-supplied id that is too long or
 * has unusual characters keeps its source but is replaced by its hash. Never throws.
 */
export function deriveSessionId(input: SessionIdInput): SessionId {
  const body = isObject(input.body) ? input.body : {};
  const found =
    fromMetadata(body) ??
    withSource(header(input.headers, 'x-claude-code-session-id'), 'claude_header') ??
    withSource(header(input.headers, 'session_id') ?? header(input.headers, 'session-id'), 'codex_header') ??
    withSource(nonEmptyString(body.prompt_cache_key), 'prompt_cache_key');
  if (found) return { sessionId: sanitize(found.sessionId), source: found.source };
  return { sessionId: hashId(`${input.keyId}\n${firstUserText(input.body)}`), source: 'hash' };
}

function withSource(id: string | null, source: SessionIdSource): SessionId | null {
  return id === null ? null : { sessionId: id, source };
}
