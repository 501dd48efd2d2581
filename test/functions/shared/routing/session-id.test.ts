import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveSessionId, firstUserText } from '../../../../functions/shared/routing/session-id.js';

interface CapturedRequest {
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function fixture(name: string): CapturedRequest {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/routing/${name}`, import.meta.url), 'utf8')) as CapturedRequest;
}

const claudeCode = fixture('claude-code-request.json');
const claudeLegacy = fixture('claude-code-legacy-request.json');
const codex = fixture('codex-request.json');

function expectedHash(keyId: string, text: string): string {
  return `h_${createHash('sha256').update(`${keyId}\n${text}`).digest('hex').slice(0, 32)}`;
}

describe('deriveSessionId sources, in order', () => {
  it('reads the session_id inside Claude Code metadata.user_id JSON first', () => {
    const request = { ...claudeCode, headers: { ...claudeCode.headers, 'x-claude-code-session-id': 'header-loses' } };
    expect(deriveSessionId({ ...request, keyId: 'k1' })).toEqual({
      sessionId: '6f1d2c3b-8a9e-4f70-b1c2-d3e4f5a6b7c8',
      source: 'metadata_json',
    });
  });

  it('reads the legacy user_<hash>_account_<id>_session_<uuid> form', () => {
    expect(deriveSessionId({ ...claudeLegacy, keyId: 'k1' })).toEqual({
      sessionId: '0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a',
      source: 'metadata_legacy',
    });
  });

  it('reads the legacy form when the account part is filled', () => {
    const body = { metadata: { user_id: 'user_abc123_account_5f0e1d2c-aaaa-bbbb-cccc-1234567890ab_session_sess-1' } };
    expect(deriveSessionId({ body, headers: {}, keyId: 'k1' })).toEqual({ sessionId: 'sess-1', source: 'metadata_legacy' });
  });

  it('falls back to x-claude-code-session-id when metadata has no session', () => {
    const body = { ...claudeCode.body, metadata: { user_id: '{"device_id":"d","account_uuid":""}' } };
    expect(deriveSessionId({ body, headers: claudeCode.headers, keyId: 'k1' })).toEqual({
      sessionId: '6f1d2c3b-8a9e-4f70-b1c2-d3e4f5a6b7c8',
      source: 'claude_header',
    });
  });

  it('reads the Codex session-id header before prompt_cache_key', () => {
    expect(deriveSessionId({ ...codex, keyId: 'k1' })).toEqual({
      sessionId: '01a2b3c4-05d6-7e8f-9a0b-1c2d3e4f5a6b',
      source: 'codex_header',
    });
  });

  it('also accepts the underscore session_id header, from a Headers object', () => {
    const headers = new Headers({ session_id: 'codex-underscore' });
    expect(deriveSessionId({ body: {}, headers, keyId: 'k1' })).toEqual({ sessionId: 'codex-underscore', source: 'codex_header' });
  });

  it('matches header names case-insensitively in a plain record', () => {
    const headers = { 'X-Claude-Code-Session-Id': 'mixed-case' };
    expect(deriveSessionId({ body: null, headers, keyId: 'k1' })).toEqual({ sessionId: 'mixed-case', source: 'claude_header' });
  });

  it('uses body.prompt_cache_key when no header names the session', () => {
    const { 'session-id': _dropped, ...headers } = codex.headers;
    expect(deriveSessionId({ body: codex.body, headers, keyId: 'k1' })).toEqual({
      sessionId: '01a2b3c4-05d6-7e8f-9a0b-1c2d3e4f5a6b',
      source: 'prompt_cache_key',
    });
  });

  it('hashes the key and the first user message when nothing names the session', () => {
    const body = { messages: [{ role: 'user', content: 'hello there' }] };
    const result = deriveSessionId({ body, headers: {}, keyId: 'key-1' });
    expect(result).toEqual({ sessionId: expectedHash('key-1', 'hello there'), source: 'hash' });
    expect(result.sessionId).toMatch(/^h_[0-9a-f]{32}$/);
  });

  it('gives different keys different hashed sessions for the same prompt', () => {
    const body = { messages: [{ role: 'user', content: 'same' }] };
    const a = deriveSessionId({ body, headers: {}, keyId: 'key-a' }).sessionId;
    const b = deriveSessionId({ body, headers: {}, keyId: 'key-b' }).sessionId;
    expect(a).not.toBe(b);
  });

  it('keeps the hashed session stable as the conversation grows', () => {
    const first = { messages: [{ role: 'user', content: 'start' }] };
    const later = {
      messages: [
        { role: 'user', content: 'start' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'next' },
      ],
    };
    expect(deriveSessionId({ body: later, headers: {}, keyId: 'k' })).toEqual(deriveSessionId({ body: first, headers: {}, keyId: 'k' }));
  });
});

describe('firstUserText', () => {
  it.each<[string, unknown, string]>([
    ['string content', { messages: [{ role: 'user', content: 'plain' }] }, 'plain'],
    [
      'text parts, skipping images',
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image', source: {} }, { type: 'text', text: 'b' }] }] },
      'a\nb',
    ],
    ['the first user message after a system one', { messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'u' }] }, 'u'],
    ['Responses input items, skipping developer', fixture('codex-request.json').body, 'list the files'],
    ['a Responses string input', { input: 'just text' }, 'just text'],
    ['no user message', { messages: [{ role: 'assistant', content: 'x' }] }, ''],
    ['messages that are not an array', { messages: 'nope' }, ''],
    ['parts with a non-string text', { messages: [{ role: 'user', content: [{ type: 'text', text: 5 }, null, 'raw'] }] }, ''],
    ['a non-object body', 'text body', ''],
  ])('reads %s', (_label, body, expected) => {
    expect(firstUserText(body)).toBe(expected);
  });
});

describe('deriveSessionId on odd input', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [1, 2]],
    ['a number', 42],
    ['metadata as a string', { metadata: 'x' }],
    ['user_id not JSON though it starts with a brace', { metadata: { user_id: '{broken' } }],
    ['user_id JSON without session_id', { metadata: { user_id: '{"device_id":"d"}' } }],
    ['user_id JSON that is an array', { metadata: { user_id: '[1]' } }],
    ['an empty prompt_cache_key', { prompt_cache_key: '' }],
    ['a numeric prompt_cache_key', { prompt_cache_key: 7 }],
  ])('falls back to the hash for %s without throwing', (_label, body) => {
    const result = deriveSessionId({ body, headers: {}, keyId: 'k' });
    expect(result.source).toBe('hash');
    expect(result.sessionId).toMatch(/^h_[0-9a-f]{32}$/);
  });

  it('accepts user_id given as an object rather than a JSON string', () => {
    const body = { metadata: { user_id: { session_id: 'obj-session' } } };
    expect(deriveSessionId({ body, headers: {}, keyId: 'k' })).toEqual({ sessionId: 'obj-session', source: 'metadata_json' });
  });
});

describe('session id sanitising', () => {
  it('keeps ids made of letters, digits and . _ : -', () => {
    const id = 'Ab9._:-x';
    expect(deriveSessionId({ body: { prompt_cache_key: id }, headers: {}, keyId: 'k' }).sessionId).toBe(id);
  });

  it.each([
    ['a space', 'has space'],
    ['a slash', 'a/b'],
    ['a hash sign', 'SPEND#x'],
    ['non-ASCII', 'sessão'],
    ['129 characters', 'a'.repeat(129)],
  ])('replaces an id with %s by a stable hash and keeps its source', (_label, raw) => {
    const first = deriveSessionId({ body: { prompt_cache_key: raw }, headers: {}, keyId: 'k' });
    const again = deriveSessionId({ body: { prompt_cache_key: raw }, headers: {}, keyId: 'other' });
    expect(first.source).toBe('prompt_cache_key');
    expect(first.sessionId).toMatch(/^h_[0-9a-f]{32}$/);
    expect(again.sessionId).toBe(first.sessionId);
  });

  it('accepts an id of exactly 128 characters', () => {
    const id = 'b'.repeat(128);
    expect(deriveSessionId({ body: { prompt_cache_key: id }, headers: {}, keyId: 'k' }).sessionId).toBe(id);
  });
});

const capturedDir = new URL('../../../../../shared/fixtures/clients/', import.meta.url);
const captured = existsSync(capturedDir) ? readdirSync(capturedDir).filter((f) => f.endsWith('.json')) : [];

describe.skipIf(captured.length === 0)('real client captures in ../shared/fixtures/clients (skipped when that folder is absent)', () => {
  it.each(captured)('derives the session the client itself reports in %s', (file) => {
    const request = JSON.parse(readFileSync(new URL(file, capturedDir), 'utf8')) as CapturedRequest;
    const result = deriveSessionId({ body: request.body, headers: request.headers, keyId: 'k' });
    const reported = request.headers['x-claude-code-session-id'] ?? request.headers['session-id'] ?? request.headers['session_id'];
    expect(result.source).not.toBe('hash');
    expect(result.sessionId).toBe(reported);
  });
});
