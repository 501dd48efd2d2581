// HTTP the way fetch refuses to send it: raw bytes on a socket (bad request lines, `..` segments,
// invalid header bytes, huge headers) and requests from a chosen loopback source address.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The socket error, if the server cut the connection (e.g. while we were still sending). */
  error: string | null;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseResponse(raw: Buffer, error: string | null): RawResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: 0, headers: {}, body: raw, error: error ?? 'no response head' };
  const lines = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(headEnd + 4);
  const body = headers['transfer-encoding']?.includes('chunked') ? dechunk(rest) : rest;
  return { status, headers, body, error };
}

/** Sends `bytes` as they are (the caller writes the request line and headers) and reads until close. */
export function rawRequest(port: number, bytes: Buffer | string, host = '127.0.0.1'): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | null = null;
    const socket = connect({ port, host });
    socket.setTimeout(30_000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err) => (error = err.message));
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks), error)));
    // No half-close: node's server aborts a request whose client sent FIN before the answer was ready.
    // `Connection: close` makes the server close once it has answered.
    socket.write(bytes);
  });
}

/** A request line plus headers plus body, with Host, Content-Length and `Connection: close` filled in. */
export function rawHttp(method: string, target: string, headers: Record<string, string>, body: Buffer | string = ''): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (payload.length > 0 || !['GET', 'HEAD'].includes(method)) lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

export interface SimpleResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** One request through node:http from a chosen local address (127.0.0.0/8 is all loopback on Linux). */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
