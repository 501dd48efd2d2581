// The host side of a store running in a worker thread (see store-worker.ts): hands each call to the
// worker as a message and resolves it with the worker's answer. Calls made after the store closed
// or died fail like a refused connection (StoreClosedError), so the DynamoDB client treats the
// store as unavailable, as it would a store process that went away.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { StoreClosedError, type InProcessStore, type StoreAnswer, type StoreCall } from '../shared/db/in-process-handler.js';

/** Messages to the worker. */
export type ToStoreWorker = { id: number; call: StoreCall } | { id: number; close: true };

/** Messages from the worker: ready once (with its HTTP port), then one answer per call and per close. */
export type FromStoreWorker =
  | { ready: true; port: number }
  | { id: number; answer: StoreAnswer }
  | { id: number; closed: true }
  | { startFailed: string };

export interface StoreThread {
  /** The port of the store's HTTP listener (inside the worker) on 127.0.0.1. */
  readonly port: number;
  readonly store: InProcessStore;
  /** Settles when the worker stopped without being closed (an uncaught error in the store): with the reason. */
  readonly failed: Promise<Error>;
  /** Closes the store inside the worker (its HTTP listener, then its database), then stops the worker. */
  close(): Promise<void>;
}

export interface StoreThreadOptions {
  /** The worker's module file. */
  entry: URL;
  workerData: unknown;
  resourceLimits?: ResourceLimits;
}

/** What the close message resolves with (its waiter only stops the worker). */
const CLOSED: StoreAnswer = { statusCode: 200, headers: {}, body: new Uint8Array(0) };

export async function startStoreThread(options: StoreThreadOptions): Promise<StoreThread> {
  const { entry, workerData, resourceLimits } = options;
  const worker = new Worker(entry, { workerData, resourceLimits });
  const pending = new Map<number, { resolve(answer: StoreAnswer): void; reject(err: unknown): void }>();
  let nextId = 0;
  let closing: Promise<void> | null = null;
  let closed: (() => void) | null = null;
  let dead: Error | null = null;
  let reportFailure!: (err: Error) => void;
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));

  /** The worker is gone: every waiting call fails as a refused connection would, and so does every later one. */
  const die = (reason: Error) => {
    if (dead) return;
    dead = reason;
    for (const waiter of pending.values()) waiter.reject(new StoreClosedError());
    pending.clear();
    if (closing) closed?.();
    else reportFailure(reason);
  };

  const port = await new Promise<number>((resolve, reject) => {
    const onStartError = (err: Error) => reject(err);
    worker.once('error', onStartError);
    worker.once('exit', (code) => reject(new Error(`the store worker exited with code ${code} before it was ready`)));
    worker.once('message', (m: FromStoreWorker) => {
      worker.off('error', onStartError);
      worker.removeAllListeners('exit');
      if ('ready' in m) resolve(m.port);
      else reject(new Error(`the store worker could not start: ${'startFailed' in m ? m.startFailed : 'unexpected message'}`));
    });
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });

  worker.on('message', (m: FromStoreWorker) => {
    if (!('id' in m)) return;
    const waiter = pending.get(m.id);
    if (!waiter) return;
    pending.delete(m.id);
    waiter.resolve('answer' in m ? m.answer : CLOSED);
  });
  worker.on('error', (err) => die(err));
  worker.on('exit', (code) => die(new Error(`the store worker exited with code ${code}`)));

  const send = (message: ToStoreWorker) => worker.postMessage(message);

  return {
    port,
    failed,
    store: {
      call(call) {
        if (closing || dead) return Promise.reject(new StoreClosedError());
        return new Promise<StoreAnswer>((resolve, reject) => {
          const id = ++nextId;
          pending.set(id, { resolve, reject });
          send({ id, call });
        });
      },
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = resolve;
        if (dead) return resolve();
        const id = ++nextId;
        // The worker answers once its listener and database are closed (LevelDB flushed); calls
        // already sent are answered before that, as messages arrive in order.
        pending.set(id, { resolve: () => void worker.terminate(), reject: () => {} });
        send({ id, close: true });
      });
      return closing;
    },
  };
}
