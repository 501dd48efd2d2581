import { describe, expect, it } from 'vitest';
import {
  normalizeLiteLlmPrices,
  perTokenToPerMillion,
  PriceDocumentError,
  sameRates,
} from '../../../functions/price-sync/normalize.js';
import type { Price } from '../../../functions/shared/types.js';

const OPTIONS = { version: 'a'.repeat(64), updatedAt: '2025-06-01T00:00:00.000Z' };

function priceOf(doc: unknown, model: string): Price | undefined {
  return normalizeLiteLlmPrices(doc, OPTIONS).prices.find((p) => p.model === model);
}

describe('perTokenToPerMillion', () => {
  it.each([
    [3e-6, 3],
    [3.75e-6, 3.75],
    [1.5e-5, 15],
    [3e-7, 0.3],
    [6e-6, 6],
    [2.25e-5, 22.5],
    [1.25e-7, 0.125],
    [2.8e-8, 0.028],
    [4.35e-7, 0.435],
    [0.000003, 3],
    [0, 0],
    [1.5e-13, 0],
    [1.5e-12, 0.000002],
    [1.4999e-12, 0.000001],
    [0.01, 10000],
  ])('converts %s USD per token to exactly %s per million', (perToken, perMillion) => {
    expect(perTokenToPerMillion(perToken)).toBe(perMillion);
  });

  it('gives the decimal value where float multiplication drifts', () => {
    expect(2.5e-8 * 1e6).not.toBe(0.025);
    expect(perTokenToPerMillion(2.5e-8)).toBe(0.025);
    expect(1.9e-8 * 1e6).not.toBe(0.019);
    expect(perTokenToPerMillion(1.9e-8)).toBe(0.019);
  });

  it.each([[-1e-6], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %s', (value) => {
    expect(() => perTokenToPerMillion(value)).toThrow(RangeError);
  });
});

describe('normalizeLiteLlmPrices', () => {
  const sonnet = {
    input_cost_per_token: 3e-6,
    output_cost_per_token: 1.5e-5,
    cache_creation_input_token_cost: 3.75e-6,
    cache_creation_input_token_cost_above_1hr: 6e-6,
    cache_read_input_token_cost: 3e-7,
    input_cost_per_token_above_200k_tokens: 6e-6,
    output_cost_per_token_above_200k_tokens: 2.25e-5,
    cache_creation_input_token_cost_above_200k_tokens: 7.5e-6,
    cache_creation_input_token_cost_above_1hr_above_200k_tokens: 1.2e-5,
    cache_read_input_token_cost_above_200k_tokens: 6e-7,
    litellm_provider: 'anthropic',
    mode: 'chat',
  };

  it('maps every LiteLLM rate to its per-million field and stamps source and version', () => {
    expect(priceOf({ 'claude-sonnet-4-5': sonnet }, 'claude-sonnet-4-5')).toEqual({
      model: 'claude-sonnet-4-5',
      inputPerMTokUsd: 3,
      outputPerMTokUsd: 15,
      cacheWrite5mPerMTokUsd: 3.75,
      cacheWrite1hPerMTokUsd: 6,
      cacheReadPerMTokUsd: 0.3,
      inputAbove200kPerMTokUsd: 6,
      outputAbove200kPerMTokUsd: 22.5,
      cacheWrite5mAbove200kPerMTokUsd: 7.5,
      cacheWrite1hAbove200kPerMTokUsd: 12,
      cacheReadAbove200kPerMTokUsd: 0.6,
      source: 'litellm',
      version: OPTIONS.version,
      updatedAt: OPTIONS.updatedAt,
    });
  });

  it('sets rates the entry does not have to null', () => {
    const price = priceOf({ 'gpt-5': { input_cost_per_token: 1.25e-6, output_cost_per_token: 1e-5 } }, 'gpt-5');
    expect(price).toMatchObject({ inputPerMTokUsd: 1.25, outputPerMTokUsd: 10, cacheWrite5mPerMTokUsd: null, cacheReadAbove200kPerMTokUsd: null });
  });

  it('keeps a free model (0 / 0) as a price of zero', () => {
    expect(priceOf({ free: { input_cost_per_token: 0, output_cost_per_token: 0 } }, 'free')).toMatchObject({
      inputPerMTokUsd: 0,
      outputPerMTokUsd: 0,
    });
  });

  it.each([
    ['sample_spec', 'sample_spec', { input_cost_per_token: 0, output_cost_per_token: 0 }],
    ['no output price', 'gpt-image-1', { input_cost_per_token: 5e-6, cache_read_input_token_cost: 1.25e-6 }],
    ['no input price', 'tts', { output_cost_per_token: 1e-5 }],
    ['a null input price', 'n', { input_cost_per_token: null, output_cost_per_token: 1e-5 }],
    ['a string price', 's', { input_cost_per_token: '3e-6', output_cost_per_token: 1e-5 }],
    ['a negative price', 'neg', { input_cost_per_token: -1e-6, output_cost_per_token: 1e-5 }],
    ['an entry that is not an object', 'x', 'not an entry'],
    ['a name the admin API cannot address', 'bad name with spaces', { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 }],
  ])('skips %s', (_case, model, entry) => {
    const result = normalizeLiteLlmPrices({ [model]: entry, 'gpt-5': { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 } }, OPTIONS);
    expect(result.prices.map((p) => p.model)).toEqual(['gpt-5']);
    expect(result.skipped).toBe(1);
  });

  it('ignores an optional rate that is not a usable number', () => {
    const price = priceOf({ m: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 'cheap' } }, 'm');
    expect(price?.cacheReadPerMTokUsd).toBeNull();
  });

  it('returns prices sorted by model name', () => {
    const doc = Object.fromEntries(['c', 'a', 'b'].map((m) => [m, { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 }]));
    expect(normalizeLiteLlmPrices(doc, OPTIONS).prices.map((p) => p.model)).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['an array', [], /got an array/],
    ['null', null, /got null/],
    ['a string', 'hello', /got a string/],
    ['a number', 42, /got a number/],
    ['an empty object', {}, /empty object/],
    ['entries without prices', { sample_spec: { input_cost_per_token: 0, output_cost_per_token: 0 }, x: { mode: 'chat' } }, /2 entries but none/],
  ])('refuses %s as a price document', (_case, doc, message) => {
    expect(() => normalizeLiteLlmPrices(doc, OPTIONS)).toThrow(PriceDocumentError);
    expect(() => normalizeLiteLlmPrices(doc, OPTIONS)).toThrow(message);
  });

  it('reports a bad document as a 502 gateway error', () => {
    try {
      normalizeLiteLlmPrices([], OPTIONS);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 502, code: 'upstream_error' });
    }
  });
});

describe('sameRates', () => {
  const base = priceOf({ m: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } }, 'm')!;

  it('ignores version, source and time', () => {
    expect(sameRates(base, { ...base, version: 'other', source: 'manual', updatedAt: 'later' })).toBe(true);
  });

  it('treats a missing long-context field as null', () => {
    const { inputAbove200kPerMTokUsd: _omit, ...older } = base;
    expect(sameRates(older as Price, base)).toBe(true);
  });

  it.each([['inputPerMTokUsd', 9], ['cacheReadPerMTokUsd', 0.1], ['outputAbove200kPerMTokUsd', 3]] as const)(
    'sees a change of %s',
    (field, value) => {
      expect(sameRates(base, { ...base, [field]: value })).toBe(false);
    },
  );
});
