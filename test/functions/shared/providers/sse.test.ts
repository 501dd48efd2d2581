import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../../../functions/shared/providers/sse.js';
import { chunkings, fixtureBytes, fixtureText, withLineEndings } from './read-fixture.js';

function parse(chunks: (Uint8Array | string)[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

const TEXT_STREAM_EVENTS = [
  'message_start',
  'content_block_start',
  'ping',
  'content_block_delta',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
];

function streamedText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => (JSON.parse(e.data) as { delta: { text: string } }).delta.text)
    .join('');
}

describe('createSseParser on a recorded Anthropic stream', () => {
  const bytes = fixtureBytes('anthropic/stream-text.sse');
  const whole = parse([bytes]);

  it('yields each event with its name and JSON data', () => {
    expect(whole.map((e) => e.event)).toEqual(TEXT_STREAM_EVENTS);
    expect(JSON.parse(whole[0].data)).toMatchObject({ type: 'message_start', message: { model: 'claude-sonnet-4-5-20250929' } });
    expect(streamedText(whole)).toBe('Grüße! Das Ergebnis: 世界 👋 — the test suite passes.');
  });

  it('yields the same events however the bytes are cut, also inside multi-byte characters', () => {
    for (const chunks of chunkings(bytes)) expect(parse(chunks)).toEqual(whole);
  });

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const)('yields the same events with %s line endings cut at every byte', (_name, ending) => {
    const converted = withLineEndings(fixtureText('anthropic/stream-text.sse'), ending);
    for (const chunks of chunkings(converted)) expect(parse(chunks)).toEqual(whole);
  });
});

describe('createSseParser follows the event-stream field rules', () => {
  it.each([
    { name: 'joins multi-line data with newlines', input: 'data: first\ndata: second\n\n', events: [{ event: null, data: 'first\nsecond' }] },
    { name: 'ignores comment lines', input: ': keep-alive\ndata: x\n: another\n\n', events: [{ event: null, data: 'x' }] },
    { name: 'ignores a comment-only block', input: ': OPENROUTER PROCESSING\n\ndata: y\n\n', events: [{ event: null, data: 'y' }] },
    { name: 'reads data without a space after the colon', input: 'data:{"a":1}\n\n', events: [{ event: null, data: '{"a":1}' }] },
    { name: 'strips only one leading space', input: 'data:  indented\n\n', events: [{ event: null, data: ' indented' }] },
    { name: 'treats a field without a colon as empty', input: 'data\ndata\n\n', events: [{ event: null, data: '\n' }] },
    { name: 'does not dispatch an event without data', input: 'event: ping\n\ndata: z\n\n', events: [{ event: null, data: 'z' }] },
    {
      name: 'resets the event name after each event',
      input: 'event: error\ndata: {}\n\ndata: [DONE]\n\n',
      events: [
        { event: 'error', data: '{}' },
        { event: null, data: '[DONE]' },
      ],
    },
    { name: 'ignores id and retry fields', input: 'id: 7\nretry: 1000\ndata: w\n\n', events: [{ event: null, data: 'w' }] },
    { name: 'ignores unknown fields', input: 'foo: bar\ndata: v\n\n', events: [{ event: null, data: 'v' }] },
    { name: 'drops a leading byte-order mark', input: '\uFEFFdata: bom\n\n', events: [{ event: null, data: 'bom' }] },
    { name: 'keeps an unterminated last event at end of stream', input: 'data: a\n\ndata: tail', events: [{ event: null, data: 'a' }, { event: null, data: 'tail' }] },
    { name: 'handles mixed line endings', input: 'event: e\r\ndata: 1\rdata: 2\n\r\n', events: [{ event: 'e', data: '1\n2' }] },
  ])('$name', ({ input, events }) => {
    expect(parse([new TextEncoder().encode(input)])).toEqual(events);
  });

  it('accepts string chunks', () => {
    expect(parse(['event: a\nda', 'ta: 1\n', '\n'])).toEqual([{ event: 'a', data: '1' }]);
  });

  it('emits events as soon as their blank line arrives', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser((event) => events.push(event));
    parser.push('data: one\n\ndata: tw');
    expect(events).toEqual([{ event: null, data: 'one' }]);
    parser.push('o\n\n');
    expect(events).toHaveLength(2);
  });

  it('treats CR then LF in separate chunks as one line ending', () => {
    expect(parse(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ event: null, data: 'a\nb' }]);
  });

  it('ignores input after end', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser((event) => events.push(event));
    parser.end();
    parser.push('data: late\n\n');
    parser.end();
    expect(events).toEqual([]);
  });
});
