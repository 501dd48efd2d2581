// The embedded DynamoDB-compatible store for `npm start` and tests: dynalite in this process,
// persisted under DATA_DIR (or in memory), listening on a loopback port the SDK talks to.
import dynalite from 'dynalite';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface EmbeddedStore {
  readonly endpoint: string;
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
  const server = dynalite(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
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
