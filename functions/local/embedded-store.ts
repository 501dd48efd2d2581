// The embedded DynamoDB-compatible store for `npm start` and tests: dynalite in this process,
// persisted under DATA_DIR (or in memory), listening on a loopback port for the SDK and other
// processes, and callable directly (no socket) by this process's own SDK client.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StoreClosedError, type InProcessStore } from '../shared/db/in-process-handler.js';
import { createDynalite, dispatchToDynalite } from './dynalite-dispatch.js';

export interface EmbeddedStore {
  readonly endpoint: string;
  /** The same store without HTTP, for createDb's `inProcess` in this process. */
  readonly inProcess: InProcessStore;
  close(): Promise<void>;
}

/** Start dynalite; `dataDir` null keeps everything in memory (tests). */
export async function startEmbeddedStore(dataDir: string | null, port = 0): Promise<EmbeddedStore> {
  const options: Record<string, unknown> = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  if (dataDir) {
    const path = join(dataDir, 'dynalite');
    mkdirSync(path, { recursive: true });
    options.path = path;
  }
  const { server, store } = createDynalite(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    inProcess: {
      // Once closing, calls fail like a refused connection; calls already running finish first
      // (dynalite's close waits for its pending operations).
      call: (request) => (closed ? Promise.reject(new StoreClosedError()) : dispatchToDynalite(store, request)),
    },
    close() {
      // dynalite's close also closes LevelDB, flushing it to disk.
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
