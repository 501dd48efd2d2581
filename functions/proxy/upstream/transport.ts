// How an upstream request goes out. The node transport (the default) speaks node:http/https with
// keep-alive agents and hands back the body as a small pull reader over node's stream: per request
// it costs about half the CPU of `fetch`, whose WHATWG Request, Response, Headers, AbortSignal and
// body streams are built and torn down for every call.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** The part of a ReadableStreamDefaultReader the relay uses. */
export interface UpstreamBodyReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
  /** True once the body has ended and every chunk has been read (unknown: absent). */
  readonly drained?: boolean;
  /** A chunk that has already arrived, without waiting; null when none is waiting. */
  readQueued?(): Uint8Array | null;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  body: UpstreamBodyReader | null;
}

export interface UpstreamRequest {
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

/**
 * Sends a POST. A failure to get an answer rejects like fetch does: a TypeError whose `cause` holds
 * the system error (`code` ECONNREFUSED…), or the signal's abort error. Redirects are not followed.
 */
export type UpstreamTransport = (url: string, init: UpstreamRequest) => Promise<UpstreamResponse>;

const DONE: ReadableStreamReadResult<Uint8Array> = { done: true, value: undefined };

/** Pull reader over a node stream: one chunk per read, the stream paused while chunks wait. */
class NodeBodyReader implements UpstreamBodyReader {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private error: Error | null = null;
  private waiter: { resolve: (r: ReadableStreamReadResult<Uint8Array>) => void; reject: (err: Error) => void } | null = null;

  constructor(private readonly stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      const w = this.waiter;
      if (w) {
        this.waiter = null;
        w.resolve({ done: false, value: chunk });
        return;
      }
      this.queue.push(chunk);
      stream.pause();
    });
    stream.on('end', () => {
      this.ended = true;
      this.settleWaiter();
    });
    stream.on('error', (err: Error) => this.fail(err));
    stream.on('close', () => {
      if (!this.ended) this.fail(new Error('terminated: the upstream connection closed before the body ended'));
    });
  }

  get drained(): boolean {
    return this.ended && this.queue.length === 0;
  }

  private fail(err: Error): void {
    if (this.ended || this.error) return;
    this.error = err;
    this.settleWaiter();
  }

  private settleWaiter(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    if (this.error) w.reject(this.error);
    else w.resolve(DONE);
  }

  readQueued(): Uint8Array | null {
    const chunk = this.queue.shift();
    if (!chunk) return null;
    if (this.queue.length === 0 && !this.ended) this.stream.resume();
    return chunk;
  }

  read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const chunk = this.queue.shift();
    if (chunk) {
      if (this.queue.length === 0 && !this.ended) this.stream.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(DONE);
    if (this.waiter) return Promise.reject(new Error('a read is already pending'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  cancel(): Promise<void> {
    this.queue.length = 0;
    if (!this.ended && !this.error) {
      this.error = new Error('cancelled');
      this.stream.destroy();
    }
    this.settleWaiter();
    return Promise.resolve();
  }
}

function decoded(res: IncomingMessage): Readable {
  // Asked for identity (build-request.ts); decode anyway if a provider compresses regardless.
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;
  if (!decoder) return res;
  res.on('error', (err) => decoder.destroy(err));
  decoder.on('close', () => res.destroy());
  return res.pipe(decoder);
}

function headersOf(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header fetch would reject too (invalid name or value): leave it out.
    }
  }
  return headers;
}

export function createNodeTransport(options: { maxSockets?: number } = {}): UpstreamTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, scheduling: 'lifo' as const };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);
  return (url, init) =>
    new Promise<UpstreamResponse>((resolve, reject) => {
      if (init.signal.aborted) {
        reject(init.signal.reason ?? new DOMException('This operation was aborted', 'AbortError'));
        return;
      }
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      if (!secure && target.protocol !== 'http:') {
        reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${target.protocol}`) }));
        return;
      }
      const headers: Record<string, string> = {};
      init.headers.forEach((value, name) => {
        headers[name] = value;
      });
      headers['content-length'] = String(Buffer.byteLength(init.body));
      let answered = false;
      const req = (secure ? httpsRequest : httpRequest)(target, { method: 'POST', headers, agent: secure ? https : http, signal: init.signal }, (res) => {
        answered = true;
        const status = res.statusCode ?? 502;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.destroy();
          reject(new TypeError('fetch failed', { cause: new Error('unexpected redirect') }));
          return;
        }
        resolve({ status, headers: headersOf(res.rawHeaders), body: new NodeBodyReader(decoded(res)) });
      });
      req.on('error', (err: Error & { code?: string }) => {
        if (answered) return; // the response stream reports it
        if (err.name === 'AbortError' || init.signal.aborted) reject(init.signal.reason ?? err);
        else reject(new TypeError('fetch failed', { cause: err }));
      });
      req.end(init.body);
    });
}
