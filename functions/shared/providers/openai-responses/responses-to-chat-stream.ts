// Turns an upstream Responses API SSE byte stream into a Chat Completions chunk stream, event by event.

import { parseJsonObject } from '../json-fields.js';
import { createSseParser } from '../sse.js';
import { createResponsesStreamTranslator, type ChatStreamOptions } from './responses-stream-translator.js';

export type { ChatStreamOptions } from './responses-stream-translator.js';

/**
 * Each Chat chunk is enqueued as soon as the upstream event behind it is complete. Upstream data
 * that is not a JSON object (keep-alives, garbage) is skipped. After a terminal event (completed,
 * incomplete, failed, error) the output ends with `data: [DONE]` and later upstream bytes are ignored;
 * an upstream that ends without one gets an in-band error chunk instead.
 */
export function createResponsesToChatStream(opts: ChatStreamOptions): TransformStream<Uint8Array, Uint8Array> {
  const translator = createResponsesStreamTranslator(opts);
  const encoder = new TextEncoder();
  let payloads: string[] = [];
  const parser = createSseParser(({ event, data }) => {
    const payload = parseJsonObject(data);
    if (payload === null) return;
    payloads.push(...translator.onEvent(typeof payload.type === 'string' ? payload.type : event, payload));
  });

  function drain(controller: TransformStreamDefaultController<Uint8Array>): void {
    for (const payload of payloads) controller.enqueue(encoder.encode(`data: ${payload}\n\n`));
    payloads = [];
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      parser.push(chunk);
      drain(controller);
    },
    flush(controller) {
      parser.end();
      payloads.push(...translator.onEnd());
      drain(controller);
    },
  });
}
