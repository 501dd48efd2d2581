import { describe, expect, it } from 'vitest';
import { costOf } from '../../../../../functions/shared/cost/cost.js';
import { createResponsesStreamTracker, usageFromResponsesBody } from '../../../../../functions/shared/providers/openai-responses/usage.js';
import type { StreamOutcome } from '../../../../../functions/shared/providers/stream-outcome.js';
import type { Usage } from '../../../../../functions/shared/types.js';
import { GPT_5_1_CODEX, GPT_5_1_CODEX_MINI } from '../../cost/fixture-prices.js';
import { chunkings, fixtureBytes, fixtureJson } from '../read-fixture.js';

function track(chunks: (Uint8Array | string)[]): StreamOutcome {
  const tracker = createResponsesStreamTracker();
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

describe('createResponsesStreamTracker on recorded streams', () => {
  it.each<{ fixture: string; outcome: StreamOutcome }>([
    {
      // input_tokens 10240 include 8192 cached; output_tokens 600 include 384 reasoning.
      fixture: 'responses-stream.sse',
      outcome: {
        usage: usage({ inputTokens: 2048, cacheReadInputTokens: 8192, outputTokens: 600, reasoningTokens: 384 }),
        completed: true,
        error: null,
        model: 'gpt-5.1-codex',
      },
    },
    {
      fixture: 'responses-incomplete.sse',
      outcome: {
        usage: usage({ inputTokens: 900, outputTokens: 256, reasoningTokens: 256 }),
        completed: true,
        error: null,
        model: 'gpt-5.1-codex-mini',
      },
    },
    {
      fixture: 'responses-failed.sse',
      outcome: {
        usage: usage({ inputTokens: 4096 }),
        completed: false,
        error: { type: 'server_error', message: 'An error occurred while processing your request.' },
        model: 'gpt-5.1-codex',
      },
    },
    {
      fixture: 'responses-error.sse',
      outcome: {
        usage: null,
        completed: false,
        error: { type: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-5.1-codex. Please try again in 20s.' },
        model: 'gpt-5.1-codex',
      },
    },
  ])('reads $fixture the same at every chunk boundary', ({ fixture, outcome }) => {
    for (const chunks of chunkings(fixtureBytes(`openai-usage/${fixture}`))) expect(track(chunks)).toEqual(outcome);
  });

  it.each([
    // 2048×1250 + 8192×125 + 600×10000 nano-USD
    { fixture: 'responses-stream.sse', price: GPT_5_1_CODEX, costNanos: 9_584_000 },
    // 900×250 + 256×2000 nano-USD
    { fixture: 'responses-incomplete.sse', price: GPT_5_1_CODEX_MINI, costNanos: 737_000 },
  ])('prices $fixture without billing reasoning twice', ({ fixture, price, costNanos }) => {
    const result = track([fixtureBytes(`openai-usage/${fixture}`)]);
    expect(costOf(result.usage ?? usage({}), price, 1).costNanos).toBe(costNanos);
  });

  it.each([
    {
      name: 'reads an error event with a nested error object',
      stream: 'event: error\ndata: {"type":"error","error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"too long"}}\n\n',
      error: { type: 'invalid_request_error', message: 'too long' },
    },
    {
      name: 'names a response.failed without error details',
      stream: 'event: response.failed\ndata: {"type":"response.failed","response":{"status":"failed","error":null,"model":"gpt-5.1-codex"}}\n\n',
      error: { type: 'response_failed', message: '' },
    },
  ])('$name', ({ stream, error }) => {
    expect(track([stream]).error).toEqual(error);
  });

  it('reports no usage and no completion for a stream cut before its terminal event', () => {
    const text = new TextDecoder().decode(fixtureBytes('openai-usage/responses-stream.sse'));
    expect(track([text.slice(0, text.indexOf('event: response.completed'))])).toEqual({
      usage: null,
      completed: false,
      error: null,
      model: 'gpt-5.1-codex',
    });
  });
});

describe('usageFromResponsesBody', () => {
  it('subtracts cached tokens from input and keeps reasoning inside output', () => {
    const result = usageFromResponsesBody(fixtureJson('openai-usage/responses-body.json'));
    expect(result).toEqual(usage({ inputTokens: 4640, cacheReadInputTokens: 15360, outputTokens: 1450, reasoningTokens: 1024 }));
    // 4640×1250 + 15360×125 + 1450×10000 nano-USD
    expect(costOf(result ?? usage({}), GPT_5_1_CODEX, 1).costNanos).toBe(22_220_000);
  });

  it.each([
    { name: 'reads usage without details', body: { usage: { input_tokens: 12, output_tokens: 3 } }, expected: usage({ inputTokens: 12, outputTokens: 3 }) },
    { name: 'returns null without usage', body: { object: 'response', status: 'in_progress', usage: null }, expected: null },
    { name: 'returns null for a non-object', body: [1, 2], expected: null },
  ])('$name', ({ body, expected }) => {
    expect(usageFromResponsesBody(body)).toEqual(expected);
  });
});
