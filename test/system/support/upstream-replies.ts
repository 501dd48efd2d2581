// A well-behaved fake provider for every upstream format (recorded fixtures), plus the LiteLLM price
// document, so whatever the gateway answers on bad input is its own doing, never the upstream's.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UpstreamHandler } from '../../support/fake-upstream.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures');
const read = (path: string) => readFileSync(resolve(fixtures, path), 'utf8');

const replies = {
  messages: { json: read('anthropic/body-cache.json'), sse: read('anthropic/stream-text.sse') },
  chat: { json: read('openai-usage/chat-body.json'), sse: read('openai-usage/chat-stream.sse') },
  responses: { json: read('openai-usage/responses-body.json'), sse: read('openai-usage/responses-stream.sse') },
};

export const PRICE_DOCUMENT_PATH = '/litellm/prices.json';
export const priceDocument = () => read('litellm/prices.json');

function wantsStream(body: Buffer): boolean {
  try {
    return (JSON.parse(body.toString('utf8')) as { stream?: unknown }).stream === true;
  } catch {
    return false;
  }
}

/** Answers like the real providers do for a request they accept. */
export const wellBehavedUpstream: UpstreamHandler = (req, res) => {
  const path = (req.url.split('?')[0] ?? '').replace(/\/+$/, '');
  if (req.method === 'GET' && path === PRICE_DOCUMENT_PATH) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(priceDocument());
    return;
  }
  if (path.endsWith('/messages/count_tokens')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"input_tokens":12}');
    return;
  }
  const reply = path.endsWith('/messages') ? replies.messages : path.endsWith('/responses') ? replies.responses : replies.chat;
  if (wantsStream(req.body)) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(reply.sse);
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(reply.json);
  }
};
