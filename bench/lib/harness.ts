// Shared pieces of the benchmarks: a fake upstream, timed HTTP requests, percentiles.
import { createServer, request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';

export const NON_STREAM_BODY = JSON.stringify({
  id: 'msg_bench',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello from the benchmark upstream. '.repeat(8) }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: 18000, output_tokens: 120 },
});

export function sseEvents(): string[] {
  const start = {
    type: 'message_start',
    message: {
      id: 'msg_bench',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: 18000, output_tokens: 1 },
    },
  };
  const events = [`event: message_start\ndata: ${JSON.stringify(start)}\n\n`];
  events.push('event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n');
  for (let i = 0; i < 20; i++) {
    events.push(`event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"token ${i} "}}\n\n`);
  }
  events.push('event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n');
  events.push('event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":120}}\n\n');
  events.push('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  return events;
}

/** The fake provider: answers at once; streams write every event in its own chunk (setImmediate between). */
export async function startBenchUpstream(): Promise<{
  url: string;
  received: () => number;
  lastReceivedAt: () => number;
  close: () => Promise<void>;
}> {
  let received = 0;
  let lastAt = 0;
  const events = sseEvents();
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      received++;
      lastAt = performance.now();
      const stream = Buffer.concat(parts).includes('"stream":true');
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(NON_STREAM_BODY);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const next = () => {
        if (i === events.length) return res.end();
        res.write(events[i++]);
        setImmediate(next);
      };
      next();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    lastReceivedAt: () => lastAt,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Timing {
  ttfbMs: number;
  totalMs: number;
  status: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One POST with keep-alive; times the first body byte and the end. Fails after `timeoutMs` of silence. */
export function timedPost(url: string, body: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let ttfb = -1;
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.on('data', () => {
        if (ttfb < 0) ttfb = Number(process.hrtime.bigint() - start) / 1e6;
      });
      res.on('end', () => {
        const total = Number(process.hrtime.bigint() - start) / 1e6;
        resolve({ ttfbMs: ttfb < 0 ? total : ttfb, totalMs: total, status: res.statusCode ?? 0 });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One POST returning status and the whole body (checks that a gateway passes bytes through). */
export function postForBody(url: string, body: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** Runs `total` requests with `concurrency` workers; returns timings and wall time. */
export async function runLoad(
  total: number,
  concurrency: number,
  send: () => Promise<Timing>,
): Promise<{ timings: Timing[]; wallMs: number; errors: number }> {
  const timings: Timing[] = [];
  let errors = 0;
  let issued = 0;
  const start = performance.now();
  const worker = async () => {
    while (issued < total) {
      issued++;
      try {
        const t = await send();
        if (t.status !== 200) errors++;
        timings.push(t);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { timings, wallMs: performance.now() - start, errors };
}

export const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
