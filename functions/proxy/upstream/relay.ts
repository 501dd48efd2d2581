// Relays an upstream body to the client chunk by chunk as it arrives (no buffering, no re-encoding),
// teeing every byte to the usage tracker, enforcing idle and total timeouts, and reporting exactly
// once how the relay ended. After the first byte, failures go in-band in the client's format.
import type { ServerResponse } from 'node:http';
import type { UsageTracker } from '../endpoints/types.js';
import type { UpstreamBodyReader } from './transport.js';

export type RelayEnd = 'completed' | 'client_abort' | 'upstream_error' | 'idle_timeout' | 'total_timeout';

export interface RelayResult {
  end: RelayEnd;
  error: string | null;
  bytes: number;
}

export interface RelayOptions {
  reader: UpstreamBodyReader;
  /** A chunk already read from `reader` (the fake-success check reads one before committing). */
  firstChunk: Uint8Array | null;
  tracker: UsageTracker;
  /** Client-format rewriting; its flush reports an unfinished upstream stream in-band itself. */
  transform?: TransformStream<Uint8Array, Uint8Array>;
  idleTimeoutMs: number;
  /** Epoch ms after which the relay stops (provider timeoutMs from the request start). */
  deadline: number;
  now: () => number;
  abortUpstream: (reason: string) => void;
  /** In-band error bytes in the client's format (used when there is no transform). */
  inBandError: (message: string, type: string) => Uint8Array;
  /** Called once; a returned promise is awaited before the client stream closes (Lambda settles before returning). */
  onFinish: (result: RelayResult) => void | Promise<void>;
  /** Streams must end with their terminal event; a clean EOF before it is a failure. */
  requireCompletion: boolean;
}

class RelayTimeout extends Error {
  constructor(readonly kind: 'idle_timeout' | 'total_timeout') {
    super(kind === 'idle_timeout' ? 'upstream stream idle timeout' : 'upstream total timeout');
  }
}

/** One step of a relay: bytes for the client, and whether the relay is over after them. */
interface RelayStep {
  chunks: Uint8Array[];
  last: boolean;
  /** On the last step: the settle to wait for after sending the chunks, before ending the response. */
  settled?: void | Promise<void>;
  /** The client went away meanwhile: nothing more is sent, the response is not ended. */
  cancelled?: boolean;
}

const NEWLINES = new TextEncoder().encode('\n\n');

/**
 * The relay without its client side: each `next()` reads the upstream once and says what the
 * client gets; `cancel()` is the client going away. The web stream (Lambda, translations) and the
 * node response (npm start) below drive it the same way.
 */
function createRelayCore(options: RelayOptions) {
  const { reader, tracker } = options;
  let finished = false;
  let bytes = 0;
  let pending = options.firstChunk;
  let trackerEnded = false;
  /** The last two bytes sent: an in-band error must start on an event boundary (a blank line). */
  const tail = [10, 10];
  const sent = (chunk: Uint8Array): Uint8Array => {
    bytes += chunk.byteLength;
    tracker.push(chunk);
    const n = chunk.byteLength;
    if (n >= 2) [tail[0], tail[1]] = [chunk[n - 2]!, chunk[n - 1]!];
    else if (n === 1) [tail[0], tail[1]] = [tail[1]!, chunk[0]!];
    return chunk;
  };
  /** An in-band error must not run into a partial event: close the open event first. */
  const errorChunks = (error: Uint8Array): Uint8Array[] => (tail[0] !== 10 || tail[1] !== 10 ? [NEWLINES, error] : [error]);
  /** What has already arrived behind a chunk goes with it (one send to the client, not one each). */
  const withQueued = (first: Uint8Array): Uint8Array[] => {
    const chunks = [sent(first)];
    for (let more = reader.readQueued?.() ?? null; more; more = reader.readQueued?.() ?? null) chunks.push(sent(more));
    return chunks;
  };
  // One timer per relay, re-armed per read (a timer and a race per chunk added up on long streams).
  let timer: NodeJS.Timeout | null = null;
  let timerMs = -1;
  let expire: (() => void) | null = null;
  const onTimer = () => {
    const fire = expire;
    expire = null;
    fire?.();
  };
  const readWithTimeout = (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    const deadlineInMs = options.deadline - options.now();
    const kind = deadlineInMs <= options.idleTimeoutMs ? 'total_timeout' : 'idle_timeout';
    const waitMs = Math.max(0, Math.min(options.idleTimeoutMs, deadlineInMs));
    return new Promise((resolve, reject) => {
      expire = () => reject(new RelayTimeout(kind));
      if (timer && timerMs === waitMs) timer.refresh();
      else {
        if (timer) clearTimeout(timer);
        timer = setTimeout(onTimer, waitMs);
        timerMs = waitMs;
      }
      reader.read().then(
        (result) => {
          expire = null;
          resolve(result);
        },
        (err: unknown) => {
          expire = null;
          reject(err);
        },
      );
    });
  };
  const stopTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    expire = null;
  };
  const endTracker = () => {
    if (trackerEnded) return;
    trackerEnded = true;
    tracker.end();
  };
  const finish = (end: RelayEnd, error: string | null): void | Promise<void> => {
    if (finished) return;
    finished = true;
    stopTimer();
    endTracker();
    return options.onFinish({ end, error, bytes });
  };

  return {
    async next(): Promise<RelayStep> {
      if (pending) {
        const chunk = pending;
        pending = null;
        return { chunks: withQueued(chunk), last: false };
      }
      try {
        const { done, value } = await readWithTimeout();
        if (!done) return { chunks: withQueued(value), last: false };
        endTracker();
        const outcome = tracker.result();
        if (options.requireCompletion && !outcome.completed && !outcome.error) {
          const message = 'upstream stream ended before completion';
          const settled = finish('upstream_error', message);
          return { chunks: options.transform ? [] : errorChunks(options.inBandError(message, 'api_error')), last: true, settled };
        }
        return { chunks: [], last: true, settled: finish('completed', null) };
      } catch (err) {
        if (finished) return { chunks: [], last: true, cancelled: true };
        const end: RelayEnd = err instanceof RelayTimeout ? err.kind : 'upstream_error';
        const message = err instanceof RelayTimeout ? err.message : `upstream stream failed: ${(err as Error).message}`;
        options.abortUpstream(message);
        reader.cancel().catch(() => {});
        const settled = finish(end, message);
        const type = end === 'upstream_error' ? 'api_error' : 'timeout_error';
        return { chunks: options.transform ? [] : errorChunks(options.inBandError(message, type)), last: true, settled };
      }
    },
    /** The client went away: stop the upstream at once and bill what was seen. */
    cancel(): void | Promise<void> {
      options.abortUpstream('client aborted');
      reader.cancel().catch(() => {});
      return finish('client_abort', 'client aborted the request');
    },
    /** Nothing is left to read: the next step is the last. */
    get drained(): boolean {
      return pending === null && reader.drained === true;
    },
  };
}

export function createRelayStream(options: RelayOptions): ReadableStream<Uint8Array> {
  const core = createRelayCore(options);
  const source = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const step = await core.next();
        if (step.cancelled) return;
        for (const chunk of step.chunks) controller.enqueue(chunk);
        if (!step.last) return;
        await step.settled;
        controller.close();
      },
      cancel: () => core.cancel() ?? undefined,
    },
    { highWaterMark: 0 },
  );
  return options.transform ? source.pipeThrough(options.transform) : source;
}

/**
 * The relay written straight to node's response (npm start): no web stream between the upstream and
 * the socket, and headers go out with the first chunk. `whole` (a non-streaming answer): when the
 * upstream body is complete with its first chunk (its declared length reached, or its end already
 * read), it goes out in one write with its length — no chunked framing, one send instead of two.
 * Resolves when the response has ended or the client has gone.
 */
export async function relayToNodeResponse(
  options: Omit<RelayOptions, 'transform'>,
  outgoing: ServerResponse,
  status: number,
  headers: Record<string, string>,
  whole: { declaredLength: number | null } | null,
): Promise<void> {
  const core = createRelayCore(options);
  let gone = false;
  const onClose = () => {
    if (outgoing.writableFinished) return;
    gone = true;
    void Promise.resolve(core.cancel()).catch(() => undefined);
  };
  outgoing.once('close', onClose);
  if (outgoing.destroyed) return onClose();

  let step = await core.next();
  if (gone || step.cancelled) return;
  const complete = () => core.drained || step.chunks.reduce((n, c) => n + c.byteLength, 0) === whole?.declaredLength;
  if (whole && !step.last && complete()) {
    const second = await core.next();
    if (gone || second.cancelled) return;
    if (second.last && second.chunks.length === 0) {
      const body = step.chunks.length === 1 ? step.chunks[0]! : Buffer.concat(step.chunks);
      await second.settled;
      outgoing.writeHead(status, { ...headers, 'content-length': String(body.byteLength) });
      outgoing.end(body);
      return;
    }
    step = { chunks: [...step.chunks, ...second.chunks], last: second.last, settled: second.settled };
  }
  outgoing.writeHead(status, headers);
  // What is written in one turn of the event loop leaves in one send when that turn ends: chunks
  // of a stream that arrived together, and a last chunk with the end of the body.
  let corked = false;
  const uncork = () => {
    corked = false;
    outgoing.uncork();
  };
  for (;;) {
    if (!corked && step.chunks.length > 0) {
      corked = true;
      outgoing.cork();
      setImmediate(uncork);
    }
    let flowing = true;
    for (const chunk of step.chunks) flowing = outgoing.write(chunk);
    if (!flowing) {
      await new Promise<void>((resolve) => {
        const done = () => {
          outgoing.off('drain', done);
          outgoing.off('close', done);
          resolve();
        };
        outgoing.on('drain', done);
        outgoing.on('close', done);
      });
      if (gone) return;
    }
    if (step.last) {
      await step.settled;
      outgoing.end();
      return;
    }
    step = await core.next();
    if (gone || step.cancelled) return;
  }
}
