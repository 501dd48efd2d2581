// The embedded store in a worker thread (started by embedded-store.ts through store-thread.ts):
// dynalite, its HTTP listener for other processes, and the in-process calls of the main thread,
// answered by dispatchToDynalite. The store's work (validating, indexing, encoding items) then runs
// beside the gateway's request handling instead of between its requests.
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreAnswer } from '../shared/db/in-process-handler.js';
import { closeDynalite, createDynalite, dispatchToDynalite, listenOnLoopback } from './dynalite-dispatch.js';
import type { FromStoreWorker, ToStoreWorker } from './store-thread.js';

export interface StoreWorkerData {
  options: Record<string, unknown>;
  port: number;
}

const port = parentPort!;
const post = (message: FromStoreWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

/** The answer's bytes in a buffer of their own, handed over without a copy (a pooled Buffer shares its memory). */
function transferable(answer: StoreAnswer): { answer: StoreAnswer; transfer: ArrayBuffer[] } {
  const { body } = answer;
  const own =
    body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer ? body : new Uint8Array(body);
  return { answer: { ...answer, body: own }, transfer: own.byteLength > 0 ? [own.buffer as ArrayBuffer] : [] };
}

function start(data: StoreWorkerData): void {
  const { server, store } = createDynalite(data.options);
  const inFlight = new Set<Promise<unknown>>();

  port.on('message', (message: ToStoreWorker) => {
    if ('close' in message) {
      // Calls already received finish first; then the listener and the database close (LevelDB flushes).
      void Promise.allSettled([...inFlight])
        .then(() => closeDynalite(server))
        .then(() => post({ id: message.id, closed: true }));
      return;
    }
    const answering = dispatchToDynalite(store, message.call).then((answer) => {
      const { answer: own, transfer } = transferable(answer);
      post({ id: message.id, answer: own }, transfer);
    });
    inFlight.add(answering);
    void answering.finally(() => inFlight.delete(answering));
  });

  void listenOnLoopback(server, data.port).then(
    (actual) => post({ ready: true, port: actual }),
    (err: Error) => post({ startFailed: err.message }),
  );
}

try {
  start(workerData as StoreWorkerData);
} catch (err) {
  post({ startFailed: err instanceof Error ? err.message : String(err) });
}
