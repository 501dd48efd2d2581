import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageTracker } from '../../../../functions/proxy/endpoints/types.js';
import { relayToNodeResponse, type RelayResult } from '../../../../functions/proxy/upstream/relay.js';
import type { UpstreamBodyReader } from '../../../../functions/proxy/upstream/transport.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

/** An upstream body fed by the test: `push` a chunk, `end` it. */
function feed() {
  const queue: Uint8Array[] = [];
  let ended = false;
  let cancelled = false;
  let wake: (() => void) | null = null;
  const reader: UpstreamBodyReader = {
    async read() {
      while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      const value = queue.shift();
      return value ? { done: false, value } : { done: true, value: undefined };
    },
    async cancel() {
      cancelled = true;
      ended = true;
      wake?.();
    },
    get drained() {
      return ended && queue.length === 0;
    },
    readQueued() {
      return queue.shift() ?? null;
    },
  };
  return {
    reader,
    push: (text: string) => {
      queue.push(new TextEncoder().encode(text));
      wake?.();
    },
    end: () => {
      ended = true;
      wake?.();
    },
    get cancelled() {
      return cancelled;
    },
  };
}

function tracker(completed = true): UsageTracker {
  return { push: () => undefined, end: () => undefined, result: () => ({ completed, error: null }) } as unknown as UsageTracker;
}

async function relayServer(run: (res: ServerResponse) => Promise<void>): Promise<string> {
  server = createServer((_req, res) => void run(res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function get(url: string): Promise<{ res: IncomingMessage; chunks: string[]; ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const chunks: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => chunks.push(c));
      const ended = new Promise<string>((r) => res.on('end', () => r(chunks.join(''))));
      resolve({ res, chunks, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

const options = (reader: UpstreamBodyReader, first: string | null, onFinish: (r: RelayResult) => void, requireCompletion = false) => ({
  reader,
  firstChunk: first === null ? null : new TextEncoder().encode(first),
  tracker: tracker(),
  idleTimeoutMs: 5000,
  deadline: Date.now() + 10_000,
  now: Date.now,
  abortUpstream: () => undefined,
  inBandError: (message: string) => new TextEncoder().encode(`event: error\ndata: ${message}\n\n`),
  onFinish,
  requireCompletion,
});

describe('relay straight to a node response', () => {
  it('sends a non-streaming body of declared length in one piece with its content-length', async () => {
    const body = feed();
    const results: RelayResult[] = [];
    const url = await relayServer((res) => {
      setTimeout(() => body.end(), 5);
      return relayToNodeResponse(options(body.reader, '{"ok":true}', (r) => void results.push(r)), res, 200, { 'content-type': 'application/json' }, { declaredLength: 11 });
    });
    const { res, ended } = await get(url);
    expect(await ended).toBe('{"ok":true}');
    expect(res.headers['content-length']).toBe('11');
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(results).toEqual([{ end: 'completed', error: null, bytes: 11 }]);
  });

  it('sends a non-streaming body without a declared length in one piece when its end was already read', async () => {
    const body = feed();
    body.end();
    const url = await relayServer((res) =>
      relayToNodeResponse(options(body.reader, '{"ok":1}', () => undefined), res, 200, { 'content-type': 'application/json' }, { declaredLength: null }),
    );
    const { res, ended } = await get(url);
    expect(await ended).toBe('{"ok":1}');
    expect(res.headers['content-length']).toBe('8');
    expect(res.headers['transfer-encoding']).toBeUndefined();
  });

  it('streams a non-streaming body whose end has not come yet, rather than waiting for it', async () => {
    const body = feed();
    const url = await relayServer((res) =>
      relayToNodeResponse(options(body.reader, '{"part":', () => undefined), res, 200, {}, { declaredLength: null }),
    );
    const { res, chunks, ended } = await get(url);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    for (let i = 0; i < 100 && chunks.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(chunks.join('')).toBe('{"part":');
    body.push('1}');
    body.end();
    expect(await ended).toBe('{"part":1}');
  });

  it('streams chunk by chunk, headers with the first, when the length is not known', async () => {
    const body = feed();
    const url = await relayServer((res) =>
      relayToNodeResponse(options(body.reader, 'event: a\n\n', () => undefined), res, 200, { 'content-type': 'text/event-stream' }, null),
    );
    const { res, chunks, ended } = await get(url);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    for (let i = 0; i < 100 && chunks.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(chunks.join('')).toBe('event: a\n\n');
    body.push('event: b\n\n');
    body.end();
    expect(await ended).toBe('event: a\n\nevent: b\n\n');
  });

  it('ends a stream that stopped before completion with an in-band error', async () => {
    const body = feed();
    const results: RelayResult[] = [];
    const url = await relayServer((res) => {
      const o = { ...options(body.reader, 'event: a\n', (r) => void results.push(r), true), tracker: tracker(false) };
      setTimeout(() => body.end(), 5);
      return relayToNodeResponse(o, res, 200, { 'content-type': 'text/event-stream' }, null);
    });
    const { ended } = await get(url);
    expect(await ended).toBe('event: a\n\n\nevent: error\ndata: upstream stream ended before completion\n\n');
    expect(results[0]).toMatchObject({ end: 'upstream_error' });
  });

  it('cancels the upstream and reports a client abort when the client leaves', async () => {
    const body = feed();
    const results: RelayResult[] = [];
    const url = await relayServer((res) =>
      relayToNodeResponse(options(body.reader, 'event: a\n\n', (r) => void results.push(r)), res, 200, {}, null),
    );
    const { res } = await get(url);
    res.destroy();
    for (let i = 0; i < 100 && results.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(results).toEqual([{ end: 'client_abort', error: 'client aborted the request', bytes: 10 }]);
    expect(body.cancelled).toBe(true);
  });

  it('sends chunks that arrived together in one go, and all of them', async () => {
    const body = feed();
    body.push('event: b\n\n');
    body.push('event: c\n\n');
    const url = await relayServer((res) => {
      setTimeout(() => body.end(), 5);
      return relayToNodeResponse(options(body.reader, 'event: a\n\n', () => undefined), res, 200, {}, null);
    });
    const { ended } = await get(url);
    expect(await ended).toBe('event: a\n\nevent: b\n\nevent: c\n\n');
  });

  it('ends a stream that goes quiet for longer than the idle timeout with an in-band timeout error', async () => {
    const body = feed();
    const results: RelayResult[] = [];
    const url = await relayServer((res) =>
      relayToNodeResponse({ ...options(body.reader, 'event: a\n\n', (r) => void results.push(r)), idleTimeoutMs: 40 }, res, 200, {}, null),
    );
    const { ended } = await get(url);
    expect(await ended).toBe('event: a\n\nevent: error\ndata: upstream stream idle timeout\n\n');
    expect(results).toEqual([{ end: 'idle_timeout', error: 'upstream stream idle timeout', bytes: 10 }]);
    expect(body.cancelled).toBe(true);
  });

  it('restarts the idle timeout with every chunk, and stops at the total deadline', async () => {
    const body = feed();
    const results: RelayResult[] = [];
    const url = await relayServer((res) =>
      relayToNodeResponse(
        { ...options(body.reader, 'a', (r) => void results.push(r)), idleTimeoutMs: 250, deadline: Date.now() + 600 },
        res,
        200,
        {},
        null,
      ),
    );
    const { ended } = await get(url);
    // A chunk every 20 ms never trips the 250 ms idle timeout; the 600 ms total deadline ends it.
    const ticker = setInterval(() => body.push('b'), 20);
    const text = await ended;
    clearInterval(ticker);
    expect(text).toMatch(/^ab{4,}\n\nevent: error\ndata: upstream total timeout\n\n$/);
    expect(results[0]).toMatchObject({ end: 'total_timeout' });
  });
});
