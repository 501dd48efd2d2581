// Incremental Server-Sent Events parser (WHATWG event-stream rules) fed raw bytes at any boundary.

export interface SseEvent {
  /** The `event:` field, or null when the event had none (the spec's default "message"). */
  event: string | null;
  data: string;
}

export interface SseParser {
  push(chunk: Uint8Array | string): void;
  end(): void;
}

const LF = 10;
const CR = 13;

export function createSseParser(onEvent: (e: SseEvent) => void): SseParser {
  // stream:true keeps a multi-byte character split across chunks until its last byte arrives.
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  // A CR ending one chunk may be the first half of a CRLF split across chunks.
  let skipLeadingLf = false;
  let eventName: string | null = null;
  let dataLines: string[] = [];
  let ended = false;

  function dispatch(): void {
    if (dataLines.length > 0) onEvent({ event: eventName, data: dataLines.join('\n') });
    eventName = null;
    dataLines = [];
  }

  function processLine(line: string): void {
    if (line === '') {
      dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* one optional space */) value = value.slice(1);
    if (field === 'data') dataLines.push(value);
    else if (field === 'event') eventName = value;
    // id and retry matter to reconnecting browsers, not to a proxy reading usage.
  }

  function feed(text: string): void {
    if (text === '') return;
    if (skipLeadingLf) {
      skipLeadingLf = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    // Only the new text can hold a line ending; the old buffer is a partial line without one.
    let scan = buffer.length;
    buffer += text;
    let lineStart = 0;
    while (scan < buffer.length) {
      const c = buffer.charCodeAt(scan);
      if (c !== LF && c !== CR) {
        scan++;
        continue;
      }
      processLine(buffer.slice(lineStart, scan));
      if (c === CR) {
        if (scan + 1 === buffer.length) skipLeadingLf = true;
        else if (buffer.charCodeAt(scan + 1) === LF) scan++;
      }
      scan++;
      lineStart = scan;
    }
    buffer = buffer.slice(lineStart);
  }

  return {
    push(chunk) {
      if (ended) return;
      feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (ended) return;
      ended = true;
      feed(decoder.decode());
      // The spec drops an unterminated last event; we keep it, because for billing the usage
      // of a stream cut off after its last data line is still usage the upstream reported.
      if (buffer !== '') processLine(buffer);
      buffer = '';
      dispatch();
    },
  };
}
