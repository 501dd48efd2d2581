import { describe, expect, it } from 'vitest';
import { costOf } from '../../../../../functions/shared/cost/cost.js';
import { createChatStreamTracker, usageFromChatBody } from '../../../../../functions/shared/providers/openai-chat/usage.js';
import type { StreamOutcome } from '../../../../../functions/shared/providers/stream-outcome.js';
import type { Usage } from '../../../../../functions/shared/types.js';
import { GPT_4O, GPT_5 } from '../../cost/fixture-prices.js';
import { chunkings, fixtureBytes, fixtureJson } from '../read-fixture.js';

function track(chunks: (Uint8Array | string)[]): StreamOutcome {
  const tracker = createChatStreamTracker();
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

describe('createChatStreamTracker on recorded streams', () => {
  it.each<{ fixture: string; outcome: StreamOutcome }>([
    {
      // prompt_tokens 1532 include 1024 cached tokens.
      fixture: 'chat-stream.sse',
      outcome: {
        usage: usage({ inputTokens: 508, cacheReadInputTokens: 1024, outputTokens: 128 }),
        completed: true,
        error: null,
        model: 'gpt-4o-2024-08-06',
      },
    },
    {
      fixture: 'chat-stream-error.sse',
      outcome: {
        usage: null,
        completed: false,
        error: { type: 'server_error', message: 'The server had an error while processing your request. Sorry about that!' },
        model: 'gpt-4o-2024-08-06',
      },
    },
  ])('reads $fixture the same at every chunk boundary', ({ fixture, outcome }) => {
    for (const chunks of chunkings(fixtureBytes(`openai-usage/${fixture}`))) expect(track(chunks)).toEqual(outcome);
  });

  it('prices the usage chunk with cached tokens subtracted from input', () => {
    const result = track([fixtureBytes('openai-usage/chat-stream.sse')]);
    // 508×2500 + 1024×1250 + 128×10000 nano-USD
    expect(costOf(result.usage ?? usage({}), GPT_4O, 1).costNanos).toBe(3_830_000);
  });

  it('completes without usage when the client did not ask for include_usage', () => {
    const stream = 'data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n';
    expect(track([stream])).toEqual({ usage: null, completed: true, error: null, model: 'gpt-4o' });
  });

  it('reads an error chunk whose error has only a code or is a string', () => {
    expect(track(['data: {"error":{"message":"quota","code":"insufficient_quota","type":null}}\n\n']).error).toEqual({
      type: 'insufficient_quota',
      message: 'quota',
    });
    expect(track(['data: {"error":"upstream went away"}\n\n']).error).toEqual({ type: 'error', message: 'upstream went away' });
  });
});

describe('usageFromChatBody', () => {
  it('keeps reasoning inside the output count and records it separately', () => {
    const result = usageFromChatBody(fixtureJson('openai-usage/chat-body.json'));
    expect(result).toEqual(usage({ inputTokens: 952, cacheReadInputTokens: 2048, outputTokens: 1200, reasoningTokens: 896 }));
    // 952×1250 + 2048×125 + 1200×10000 nano-USD
    expect(costOf(result ?? usage({}), GPT_5, 1).costNanos).toBe(13_446_000);
  });

  it.each([
    {
      name: 'reads usage without details as uncached input',
      body: { usage: { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 } },
      expected: usage({ inputTokens: 40, outputTokens: 9 }),
    },
    {
      name: 'reads DeepSeek-style prompt_cache_hit_tokens as cache reads',
      body: { usage: { prompt_tokens: 1000, completion_tokens: 5, prompt_cache_hit_tokens: 768, prompt_cache_miss_tokens: 232 } },
      expected: usage({ inputTokens: 232, cacheReadInputTokens: 768, outputTokens: 5 }),
    },
    {
      name: 'never reports more cached tokens than prompt tokens',
      body: { usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 64 } } },
      expected: usage({ inputTokens: 0, cacheReadInputTokens: 10, outputTokens: 1 }),
    },
    { name: 'returns null for an error body', body: { error: { message: 'bad', type: 'invalid_request_error' } }, expected: null },
    { name: 'returns null for a body with null usage', body: { choices: [], usage: null }, expected: null },
  ])('$name', ({ body, expected }) => {
    expect(usageFromChatBody(body)).toEqual(expected);
  });
});
