import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeTransport, type UpstreamBodyReader } from '../../../../functions/proxy/upstream/transport.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

async function readAll(reader: UpstreamBodyReader): Promise<string[]> {
  const chunks: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(Buffer.from(value).toString('utf8'));
  }
}

const send = (url: string, signal = new AbortController().signal, headers = new Headers({ 'content-type': 'application/json' })) =>
  createNodeTransport()(url, { headers, body: '{"model":"m","é":1}', signal });

describe('node upstream transport', () => {
  it('sends the body and headers and hands back status, headers and the body chunk by chunk as it arrives', async () => {
    let seen: { body: string; headers: IncomingMessage['headers'] } | null = null;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const base = await serve((req, res, body) => {
      seen = { body, headers: req.headers };
      res.writeHead(201, { 'content-type': 'text/event-stream', 'x-upstream': 'yes' });
      res.write('first');
      void released.then(() => res.end('second'));
    });
    const res = await send(`${base}/v1/messages?beta=true`, undefined, new Headers({ 'x-api-key': 'k', 'anthropic-beta': 'a,b' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('yes');
    const first = await res.body!.read();
    expect(Buffer.from(first.value!).toString()).toBe('first');
    release();
    expect(await readAll(res.body!)).toEqual(['second']);
    expect(seen!.body).toBe('{"model":"m","é":1}');
    expect(seen!.headers).toMatchObject({ 'x-api-key': 'k', 'anthropic-beta': 'a,b', 'content-length': String(Buffer.byteLength('{"model":"m","é":1}')) });
  });

  it('rejects like fetch when nothing listens: a TypeError whose cause has the system code', async () => {
    const base = await serve(() => undefined);
    const port = (server!.address() as AddressInfo).port;
    server!.close();
    const err = (await send(base).catch((e: unknown) => e)) as TypeError & { cause?: { code?: string } };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.cause?.code).toBe('ECONNREFUSED');
    expect(port).toBeGreaterThan(0);
  });

  it('does not follow a redirect', async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    });
    const err = (await send(base).catch((e: unknown) => e)) as TypeError & { cause?: Error };
    expect(err.cause?.message).toBe('unexpected redirect');
    expect(calls).toBe(1);
  });

  it('rejects with the abort reason when aborted before the answer, and fails a pending read when aborted mid-body', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200);
      res.write('part');
    });
    const before = new AbortController();
    before.abort(new Error('first byte timeout'));
    await expect(send(base, before.signal)).rejects.toThrow('first byte timeout');

    const during = new AbortController();
    const res = await send(base, during.signal);
    expect(Buffer.from((await res.body!.read()).value!).toString()).toBe('part');
    const pending = res.body!.read();
    during.abort(new Error('client aborted'));
    await expect(pending).rejects.toBeTruthy();
  });

  it('fails the read when the upstream connection drops before the body ends', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const res = await send(base);
    await expect(readAll(res.body!)).rejects.toBeTruthy();
  });

  it('cancel closes the upstream connection', async () => {
    let closed!: () => void;
    const upstreamClosed = new Promise<void>((r) => (closed = r));
    const base = await serve((_req, res) => {
      res.writeHead(200);
      res.write('part');
      res.on('close', () => closed());
    });
    const res = await send(base);
    await res.body!.read();
    await res.body!.cancel();
    await upstreamClosed;
    expect(await res.body!.read().catch(() => 'failed')).toBe('failed');
  });

  it('decodes a gzip body sent although identity was asked for', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync('{"usage":{"input_tokens":3}}'));
    });
    const res = await send(base);
    expect((await readAll(res.body!)).join('')).toBe('{"usage":{"input_tokens":3}}');
  });
});
