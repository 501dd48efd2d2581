// A programmable upstream provider on 127.0.0.1 that records what it received.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type UpstreamHandler = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeUpstream {
  url: string;
  received: ReceivedRequest[];
  /** Replace the handler (per test). */
  handle(handler: UpstreamHandler): void;
  /** Connections closed by the client before the response ended. */
  aborted: number;
  close(): Promise<void>;
}

export async function startFakeUpstream(handler?: UpstreamHandler): Promise<FakeUpstream> {
  let current: UpstreamHandler = handler ?? ((_req, res) => void res.end('{}'));
  const state = { aborted: 0 };
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts) };
      received.push(r);
      res.on('close', () => {
        if (!res.writableFinished) state.aborted++;
      });
      Promise.resolve(current(r, res)).catch((err) => {
        res.destroy(err as Error);
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    handle(h) {
      current = h;
    },
    get aborted() {
      return state.aborted;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes SSE chunks with a pause between them. */
export function sseReply(chunks: string[], delayMs = 0, status = 200): UpstreamHandler {
  return async (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_upstream_1' });
    for (const chunk of chunks) {
      if (res.destroyed) return;
      res.write(chunk);
      if (delayMs) await sleep(delayMs);
    }
    res.end();
  };
}

export function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): UpstreamHandler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}
