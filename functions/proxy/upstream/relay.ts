// Relays an upstream body to the client chunk by chunk as it arrives (no buffering, no re-encoding),
// teeing every byte to the usage tracker, enforcing idle and total timeouts, and reporting exactly
// once how the relay ended. After the first byte, failures go in-band in the client's format.
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

function readWithTimeout(
  reader: UpstreamBodyReader,
  idleMs: number,
  deadlineInMs: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const kind = deadlineInMs <= idleMs ? 'total_timeout' : 'idle_timeout';
  const waitMs = Math.max(0, Math.min(idleMs, deadlineInMs));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RelayTimeout(kind)), waitMs);
  });
  return Promise.race([reader.read(), timeout]).finally(() => clearTimeout(timer));
}

export function createRelayStream(options: RelayOptions): ReadableStream<Uint8Array> {
  const { reader, tracker } = options;
  let finished = false;
  let bytes = 0;
  let pending = options.firstChunk;
  let trackerEnded = false;
  /** The last two bytes sent: an in-band error must start on an event boundary (a blank line). */
  const tail = [10, 10];
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    bytes += chunk.byteLength;
    tracker.push(chunk);
    controller.enqueue(chunk);
    const n = chunk.byteLength;
    if (n >= 2) [tail[0], tail[1]] = [chunk[n - 2]!, chunk[n - 1]!];
    else if (n === 1) [tail[0], tail[1]] = [tail[1]!, chunk[0]!];
  };
  /** An in-band error must not run into a partial event: close the open event first. */
  const sendError = (controller: ReadableStreamDefaultController<Uint8Array>, error: Uint8Array) => {
    if (tail[0] !== 10 || tail[1] !== 10) controller.enqueue(new TextEncoder().encode('\n\n'));
    controller.enqueue(error);
  };
  const endTracker = () => {
    if (trackerEnded) return;
    trackerEnded = true;
    tracker.end();
  };

  const finish = (end: RelayEnd, error: string | null): void | Promise<void> => {
    if (finished) return;
    finished = true;
    endTracker();
    return options.onFinish({ end, error, bytes });
  };

  const source = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending) {
          const chunk = pending;
          pending = null;
          send(controller, chunk);
          return;
        }
        try {
          const { done, value } = await readWithTimeout(reader, options.idleTimeoutMs, options.deadline - options.now());
          if (done) {
            endTracker();
            const outcome = tracker.result();
            let settled: void | Promise<void>;
            if (options.requireCompletion && !outcome.completed && !outcome.error) {
              const message = 'upstream stream ended before completion';
              settled = finish('upstream_error', message);
              if (!options.transform) sendError(controller, options.inBandError(message, 'api_error'));
            } else {
              settled = finish('completed', null);
            }
            await settled;
            controller.close();
            return;
          }
          send(controller, value);
        } catch (err) {
          if (finished) return;
          const end: RelayEnd = err instanceof RelayTimeout ? err.kind : 'upstream_error';
          const message = err instanceof RelayTimeout ? err.message : `upstream stream failed: ${(err as Error).message}`;
          options.abortUpstream(message);
          reader.cancel().catch(() => {});
          const settled = finish(end, message);
          if (!options.transform) {
            sendError(controller, options.inBandError(message, end === 'upstream_error' ? 'api_error' : 'timeout_error'));
          }
          await settled;
          controller.close();
        }
      },
      cancel() {
        // The client went away: stop the upstream at once and bill what was seen.
        options.abortUpstream('client aborted');
        reader.cancel().catch(() => {});
        return finish('client_abort', 'client aborted the request') ?? undefined;
      },
    },
    { highWaterMark: 0 },
  );
  return options.transform ? source.pipeThrough(options.transform) : source;
}
