// A stand-in upstream on 127.0.0.1 for the browser test: Anthropic-style /v1/messages with usage,
// and a small LiteLLM-format price table at /prices.json.

import { createServer } from 'node:http';

export const PRICED_MODEL = 'claude-sonnet-4-5';

/** Token counts every fake answer reports, so the test can look for them in the UI. */
export const FAKE_USAGE = { input_tokens: 1200, output_tokens: 345, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 };

const PRICES = {
  sample_spec: { input_cost_per_token: 0, output_cost_per_token: 0, litellm_provider: 'spec', mode: 'chat' },
  [PRICED_MODEL]: {
    input_cost_per_token: 3e-6,
    output_cost_per_token: 1.5e-5,
    cache_creation_input_token_cost: 3.75e-6,
    cache_read_input_token_cost: 3e-7,
    litellm_provider: 'anthropic',
    mode: 'chat',
  },
  'claude-haiku-4-5': {
    input_cost_per_token: 1e-6,
    output_cost_per_token: 5e-6,
    litellm_provider: 'anthropic',
    mode: 'chat',
  },
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function message(model) {
  return {
    id: `msg_fake_${Date.now()}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'Hello from the fake upstream.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: FAKE_USAGE,
  };
}

function streamEvents(model) {
  const m = message(model);
  const events = [
    ['message_start', { type: 'message_start', message: { ...m, content: [], stop_reason: null, usage: { ...FAKE_USAGE, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: m.content[0].text } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: FAKE_USAGE.output_tokens } }],
    ['message_stop', { type: 'message_stop' }],
  ];
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

/** Starts the fake upstream; resolves with its base URL, the requests it saw, and close(). */
export async function startFakeUpstream() {
  const seen = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/prices.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(PRICES));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/messages') {
      const raw = await readBody(req);
      let body = {};
      try { body = JSON.parse(raw); } catch { /* answered below */ }
      seen.push({ path: url.pathname, headers: req.headers, body });
      const model = typeof body.model === 'string' ? body.model : 'unknown';
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(streamEvents(model));
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
        res.end(JSON.stringify(message(model)));
      }
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `fake upstream has no ${url.pathname}` } }));
  });
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
  };
}
