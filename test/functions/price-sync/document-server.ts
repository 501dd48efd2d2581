// A local HTTP server (127.0.0.1) that serves price documents by path, for sync and fetch tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { afterAll } from 'vitest';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const FIXTURE_PATH = resolve(REPO_ROOT, 'test', 'fixtures', 'litellm', 'prices.json');
export const REAL_TABLE_PATH = resolve(REPO_ROOT, '..', 'shared', 'data', 'litellm-prices.json');

export const fixtureDocument = () => readFileSync(FIXTURE_PATH);

export interface Served {
  status?: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface DocumentServer {
  /** Full URL of a path on this server. */
  url(path: string): string;
  /** Set (or replace) what a path answers; `'hang'` never answers. */
  serve(path: string, doc: Served | 'hang'): void;
  /** Requests seen, by path. */
  hits: string[];
}

/** Starts a server for this test file (closed after its tests). */
export async function startDocumentServer(): Promise<DocumentServer> {
  const routes = new Map<string, Served | 'hang'>();
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.push(path);
    const doc = routes.get(path);
    if (doc === 'hang') return;
    if (!doc) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(doc.status ?? 200, { 'content-type': 'application/json', ...doc.headers }).end(doc.body);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    serve: (path, doc) => void routes.set(path, doc),
    hits,
  };
}
