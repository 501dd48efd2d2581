// Makes openai-compatible streams report usage upstream, and hides the usage chunk from clients that did not ask.

import { isRecord, parseJsonObject } from '../json-fields.js';

/**
 * The gateway bills from the usage chunk, which an upstream sends only with
 * `stream_options.include_usage: true`; so every stream asks for it. `clientWantsUsage` says whether
 * the client itself asked, i.e. whether the chunk may reach it. A non-streaming body is returned
 * as it is (its usage is always in the body), with `clientWantsUsage: true`: there is nothing to strip.
 * The input object is never modified.
 */
export function forceIncludeUsage(body: Record<string, unknown>): { body: Record<string, unknown>; clientWantsUsage: boolean } {
  if (body.stream !== true) return { body, clientWantsUsage: true };
  const options = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    body: { ...body, stream_options: { ...options, include_usage: true } },
    clientWantsUsage: options.include_usage === true,
  };
}

const LF = 10;
const CR = 13;

/**
 * Drops the one chunk with `choices: []` and a `usage` object; every other byte, the other chunks'
 * `"usage": null` included, passes unchanged. Bytes are held only until the event they belong to is
 * complete, because a chunk can be judged only whole.
 */
export function createStripUsageChunkStream(): TransformStream<Uint8Array, Uint8Array> {
  let buffer: Uint8Array = new Uint8Array(0);
  // Scan state carried across chunks, relative to `buffer`.
  let scanFrom = 0;
  let lineStart = 0;
  const decoder = new TextDecoder();

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      buffer = concat(buffer, chunk);
      let eventStart = 0;
      let i = scanFrom;
      while (i < buffer.length) {
        const byte = buffer[i];
        if (byte !== LF && byte !== CR) {
          i++;
          continue;
        }
        // A CR at the end may be the first half of a CRLF still in flight.
        if (byte === CR && i + 1 === buffer.length) break;
        const lineEnd = byte === CR && buffer[i + 1] === LF ? i + 2 : i + 1;
        if (i === lineStart) {
          // An empty line ends the event that began at eventStart.
          const event = buffer.subarray(eventStart, lineEnd);
          if (!isUsageOnlyChunk(decoder.decode(event))) controller.enqueue(event.slice());
          eventStart = lineEnd;
        }
        lineStart = lineEnd;
        i = lineEnd;
      }
      buffer = buffer.slice(eventStart);
      scanFrom = i - eventStart;
      lineStart -= eventStart;
    },
    flush(controller) {
      // An unterminated last event cannot be judged whole; it passes as it is.
      if (buffer.length > 0) controller.enqueue(buffer);
    },
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

function isUsageOnlyChunk(text: string): boolean {
  if (!text.includes('usage')) return false;
  const data = text
    .split(/\r\n|\r|\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(line.charAt(5) === ' ' ? 6 : 5))
    .join('\n');
  const chunk = parseJsonObject(data);
  return chunk !== null && Array.isArray(chunk.choices) && chunk.choices.length === 0 && isRecord(chunk.usage);
}
