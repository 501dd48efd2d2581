// The embedded DynamoDB-compatible store for `npm start` and tests: dynalite in this process,
// persisted under DATA_DIR (or in memory), listening on a loopback port for the SDK and other
// processes, and callable directly (no socket) by this process's own SDK client. By default it
// runs in a worker thread of its own (store-worker.ts), so that its work runs beside the
// gateway's request handling; `thread: 'inline'` keeps it on the calling thread.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StoreClosedError, type InProcessStore } from '../shared/db/in-process-handler.js';
import { closeDynalite, createDynalite, dispatchToDynalite, listenOnLoopback } from './dynalite-dispatch.js';
import { buildGateway } from './launch.mjs';
import { startStoreThread } from './store-thread.js';
import type { StoreWorkerData } from './store-worker.js';

export interface EmbeddedStore {
  readonly endpoint: string;
  /** The same store without HTTP, for createDb's `inProcess` in this process. */
  readonly inProcess: InProcessStore;
  /**
   * Settles if the store stopped by itself (an uncaught error in its worker thread), with the
   * reason; calls fail as unavailable from then on. Never settles for an inline store, whose
   * uncaught errors are the process's own.
   */
  readonly failed: Promise<Error>;
  close(): Promise<void>;
}

export interface EmbeddedStoreOptions {
  /** Port of the HTTP listener on 127.0.0.1 (0: any free port). */
  port?: number;
  /** `worker` (default): the store runs in a worker thread; `inline`: on the calling thread. */
  thread?: 'worker' | 'inline';
}

/**
 * The worker's young generation, in MB. V8's default (16 MB semi-spaces) adds RSS for no gain here;
 * 4 MB cost 15-20 % more CPU per request at c=32 (scavenges too frequent), 8 MB is level with 16.
 */
export const STORE_WORKER_YOUNG_GENERATION_MB = 8;

const NEVER = new Promise<Error>(() => {});

/** Start dynalite; `dataDir` null keeps everything in memory (tests). */
export async function startEmbeddedStore(dataDir: string | null, options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const port = options.port ?? 0;
  const dynaliteOptions: Record<string, unknown> = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  if (dataDir) {
    const path = join(dataDir, 'dynalite');
    mkdirSync(path, { recursive: true });
    dynaliteOptions.path = path;
  }
  if ((options.thread ?? 'worker') === 'worker') {
    const workerData: StoreWorkerData = { options: dynaliteOptions, port };
    const thread = await startStoreThread({
      // Built as npm start builds main.ts: a worker thread does not inherit a TypeScript loader
      // (tsx's, under tests and benchmarks), and the built module needs none.
      entry: pathToFileURL(buildGateway(fileURLToPath(new URL('./store-worker.ts', import.meta.url)), 'store-worker')),
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: STORE_WORKER_YOUNG_GENERATION_MB },
    });
    return { endpoint: `http://127.0.0.1:${thread.port}`, inProcess: thread.store, failed: thread.failed, close: () => thread.close() };
  }
  return startInline(dynaliteOptions, port);
}

async function startInline(options: Record<string, unknown>, port: number): Promise<EmbeddedStore> {
  const { server, store } = createDynalite(options);
  const actual = await listenOnLoopback(server, port);
  let closed: Promise<void> | null = null;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    failed: NEVER,
    inProcess: {
      // Once closing, calls fail like a refused connection; calls already running finish first
      // (dynalite's close waits for its pending operations).
      call: (request) => (closed ? Promise.reject(new StoreClosedError()) : dispatchToDynalite(store, request)),
    },
    close() {
      closed ??= closeDynalite(server);
      return closed;
    },
  };
}
