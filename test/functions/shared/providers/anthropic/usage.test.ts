import { describe, expect, it } from 'vitest';
import { costOf } from '../../../../../functions/shared/cost/cost.js';
import { createAnthropicStreamTracker, usageFromAnthropicBody } from '../../../../../functions/shared/providers/anthropic/usage.js';
import type { StreamOutcome } from '../../../../../functions/shared/providers/stream-outcome.js';
import type { Price, Usage } from '../../../../../functions/shared/types.js';
import { HAIKU_4_5, OPUS_4_5, SONNET_4_5 } from '../../cost/fixture-prices.js';
import { chunkings, fixtureBytes, fixtureJson } from '../read-fixture.js';

function track(chunks: (Uint8Array | string)[]): StreamOutcome {
  const tracker = createAnthropicStreamTracker();
  for (const chunk of chunks) tracker.push(chunk);
  tracker.end();
  return tracker.result();
}

function usage(counts: Partial<Usage>): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadInputTokens: 0,
    reasoningTokens: 0,
    ...counts,
  };
}

describe('createAnthropicStreamTracker on recorded streams', () => {
  it.each<{ fixture: string; outcome: StreamOutcome; price: Price; costNanos: number }>([
    {
      fixture: 'stream-text.sse',
      outcome: {
        usage: usage({ inputTokens: 12, outputTokens: 57, cacheCreationInputTokens: 2048, cacheWrite5mTokens: 2048, cacheReadInputTokens: 18000 }),
        completed: true,
        error: null,
        model: 'claude-sonnet-4-5-20250929',
      },
      price: SONNET_4_5,
      costNanos: 13_971_000,
    },
    {
      fixture: 'stream-thinking.sse',
      outcome: {
        usage: usage({ inputTokens: 410, outputTokens: 1289, cacheCreationInputTokens: 3000, cacheWrite1hTokens: 3000 }),
        completed: true,
        error: null,
        model: 'claude-opus-4-5-20251101',
      },
      price: OPUS_4_5,
      costNanos: 64_275_000,
    },
    {
      // message_delta carries only output_tokens here; the input counts of message_start stand.
      fixture: 'stream-tool-use.sse',
      outcome: { usage: usage({ inputTokens: 1503, outputTokens: 89 }), completed: true, error: null, model: 'claude-haiku-4-5-20251001' },
      price: HAIKU_4_5,
      costNanos: 1_948_000,
    },
    {
      fixture: 'stream-error.sse',
      outcome: {
        usage: usage({ inputTokens: 30, outputTokens: 1 }),
        completed: false,
        error: { type: 'overloaded_error', message: 'Overloaded' },
        model: 'claude-sonnet-4-5-20250929',
      },
      price: SONNET_4_5,
      costNanos: 105_000,
    },
  ])('reads $fixture the same at every chunk boundary', ({ fixture, outcome, price, costNanos }) => {
    const bytes = fixtureBytes(`anthropic/${fixture}`);
    for (const chunks of chunkings(bytes)) expect(track(chunks)).toEqual(outcome);
    expect(costOf(track([bytes]).usage ?? usage({}), price, 1).costNanos).toBe(costNanos);
  });

  it('bills the message_start usage of a stream cut off before message_delta', () => {
    const text = new TextDecoder().decode(fixtureBytes('anthropic/stream-text.sse'));
    const cut = text.slice(0, text.indexOf('event: message_delta'));
    expect(track([cut])).toEqual({
      usage: usage({ inputTokens: 12, outputTokens: 1, cacheCreationInputTokens: 2048, cacheWrite5mTokens: 2048, cacheReadInputTokens: 18000 }),
      completed: false,
      error: null,
      model: 'claude-sonnet-4-5-20250929',
    });
  });

  it('lets later message_delta counts override earlier ones and ignores null fields', () => {
    const stream = [
      'event: message_start',
      'data: {"type":"message_start","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}',
      '',
      'event: message_delta',
      'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":900,"cache_creation_input_tokens":null,"cache_read_input_tokens":1200,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":64},"output_tokens":40}}',
      '',
      'event: message_delta',
      'data: {"type":"message_delta","delta":{},"usage":{"output_tokens":75}}',
      '',
    ].join('\n');
    expect(track([stream]).usage).toEqual(
      usage({ inputTokens: 900, outputTokens: 75, cacheCreationInputTokens: 64, cacheWrite1hTokens: 64, cacheReadInputTokens: 1200 }),
    );
  });

  it('takes the event type from the data when the event line is missing', () => {
    const stream = 'data: {"type":"message_start","message":{"model":"m","usage":{"input_tokens":3,"output_tokens":1}}}\n\ndata: {"type":"message_stop"}\n\n';
    expect(track([stream])).toMatchObject({ usage: usage({ inputTokens: 3, outputTokens: 1 }), completed: true, model: 'm' });
  });

  it('reports no usage for a stream that never started', () => {
    expect(track([])).toEqual({ usage: null, completed: false, error: null, model: null });
    expect(track(['event: ping\ndata: {"type": "ping"}\n\n', 'data: not json\n\n'])).toEqual({ usage: null, completed: false, error: null, model: null });
  });
});

describe('usageFromAnthropicBody', () => {
  it('reads cache reads and both cache-write TTLs from a message body', () => {
    const result = usageFromAnthropicBody(fixtureJson('anthropic/body-cache.json'));
    expect(result).toEqual(
      usage({ inputTokens: 25, outputTokens: 812, cacheCreationInputTokens: 5000, cacheWrite5mTokens: 1500, cacheWrite1hTokens: 3500, cacheReadInputTokens: 42000 }),
    );
    expect(costOf(result ?? usage({}), SONNET_4_5, 1).costNanos).toBe(51_480_000);
  });

  it.each([
    {
      name: 'keeps a cache-write total without a split',
      body: { usage: { input_tokens: 1, cache_creation_input_tokens: 700, cache_read_input_tokens: 0, output_tokens: 2 } },
      expected: usage({ inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 700 }),
    },
    {
      name: 'derives the cache-write total from a split without one',
      body: { usage: { input_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 }, output_tokens: 2 } },
      expected: usage({ inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 30, cacheWrite5mTokens: 10, cacheWrite1hTokens: 20 }),
    },
    { name: 'ignores negative and non-numeric counts', body: { usage: { input_tokens: -4, output_tokens: '7' } }, expected: usage({}) },
    { name: 'returns null for an error body', body: fixtureJson('anthropic/body-error.json'), expected: null },
    { name: 'returns null for a body without usage', body: { type: 'message', content: [] }, expected: null },
    { name: 'returns null for a non-object', body: 'hello', expected: null },
  ])('$name', ({ body, expected }) => {
    expect(usageFromAnthropicBody(body)).toEqual(expected);
  });
});
