// Upstream answers with chosen token usage (Anthropic Messages and OpenAI Chat, streamed and not),
// so load and fault tests can vary costs per request and know what each answer reports.
import type { UpstreamHandler } from '../../support/fake-upstream.js';

export interface AnthropicUsage {
  input: number;
  output: number;
  cacheRead: number;
  cache5m: number;
  cache1h: number;
}

export interface ChatUsage {
  prompt: number;
  completion: number;
  cached: number;
  reasoning: number;
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function anthropicUsage(u: AnthropicUsage) {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cache5m + u.cache1h,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: u.cache5m, ephemeral_1h_input_tokens: u.cache1h },
    output_tokens: u.output,
  };
}

export function anthropicBody(u: AnthropicUsage, model = 'claude-sonnet-4-5-20250929'): string {
  return JSON.stringify({
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'done' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(u),
  });
}

/** The events of one Anthropic stream; the text is split into `deltas` content deltas. */
export function anthropicStream(u: AnthropicUsage, deltas = 2, model = 'claude-sonnet-4-5-20250929'): string[] {
  const start = { ...anthropicUsage(u), output_tokens: 1 };
  const events = [
    sse('message_start', {
      type: 'message_start',
      message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: start },
    }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let i = 0; i < deltas; i++) {
    events.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `part ${i} ` } }));
  }
  events.push(
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: anthropicUsage(u) }),
    sse('message_stop', { type: 'message_stop' }),
  );
  return events;
}

function chatUsage(u: ChatUsage) {
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning, audio_tokens: 0 },
  };
}

export function chatBody(u: ChatUsage, model = 'gpt-4.1-2025-04-14'): string {
  return JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1757001377,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }],
    usage: chatUsage(u),
  });
}

export function chatStream(u: ChatUsage, model = 'gpt-4.1-2025-04-14'): string[] {
  const chunk = (choices: unknown[], usage: unknown = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1757001234, model, choices, usage })}\n\n`;
  return [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: 'done' }, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    chunk([], chatUsage(u)),
    'data: [DONE]\n\n',
  ];
}

/**
 * A provider answering Messages with `u`: the JSON body at once, or, when streaming, `deltas` text
 * deltas one event every `eventDelayMs` (so a stream is still running when a test breaks something).
 */
export function anthropicUpstream(u: AnthropicUsage, stream: { deltas: number; eventDelayMs: number }): UpstreamHandler {
  return async (req, res) => {
    if ((JSON.parse(req.body.toString('utf8')) as { stream?: boolean }).stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(anthropicBody(u));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of anthropicStream(u, stream.deltas)) {
      if (res.destroyed) return;
      res.write(event);
      await new Promise((r) => setTimeout(r, stream.eventDelayMs));
    }
    res.end();
  };
}
