import { describe, expect, it } from 'vitest';
import { costOf } from '../../../../functions/shared/cost/cost.js';
import type { CostBreakdown, Price, Usage } from '../../../../functions/shared/types.js';
import {
  ALL_TEST_PRICES,
  DEEPSEEK_V4_PRO,
  GEMINI_2_0_FLASH_LITE,
  GPT_4O,
  GPT_5,
  GPT_5_1_CODEX,
  HAIKU_4_5,
  OPUS_4_5,
  SONNET_4,
  SONNET_4_5,
} from './fixture-prices.js';

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

/** Cache writes given as a split; the total is their sum, as Anthropic reports it. */
function writes(write5m: number, write1h: number): Partial<Usage> {
  return { cacheCreationInputTokens: write5m + write1h, cacheWrite5mTokens: write5m, cacheWrite1hTokens: write1h };
}

function nanos(usd: number): number {
  return Math.round(usd * 1e9);
}

function breakdownNanos(breakdown: CostBreakdown | null): number[] {
  if (breakdown === null) throw new Error('expected a breakdown');
  return [breakdown.inputUsd, breakdown.cacheWrite5mUsd, breakdown.cacheWrite1hUsd, breakdown.cacheReadUsd, breakdown.outputUsd].map(nanos);
}

function basicPrice(rates: Partial<Price> & Pick<Price, 'inputPerMTokUsd' | 'outputPerMTokUsd'>): Price {
  return {
    model: 'test-model',
    cacheWrite5mPerMTokUsd: null,
    cacheWrite1hPerMTokUsd: null,
    cacheReadPerMTokUsd: null,
    source: 'manual',
    version: 'manual',
    updatedAt: '2025-11-01T00:00:00.000Z',
    ...rates,
  };
}

// Expected nano-USD worked out by hand: tokens × $/MTok × 1000 per kind.
// Components are listed as [input, cacheWrite5m, cacheWrite1h, cacheRead, output].
describe('costOf prices each token kind at its own rate', () => {
  it.each([
    {
      name: 'sonnet 4.5 with 5m cache writes and cache reads (anthropic/stream-text.sse)',
      price: SONNET_4_5,
      usage: usage({ inputTokens: 12, ...writes(2048, 0), cacheReadInputTokens: 18000, outputTokens: 57 }),
      // 12×3000, 2048×3750, 0, 18000×300, 57×15000
      components: [36_000, 7_680_000, 0, 5_400_000, 855_000],
      total: 13_971_000,
    },
    {
      name: 'sonnet 4.5 with both cache-write TTLs (anthropic/body-cache.json)',
      price: SONNET_4_5,
      usage: usage({ inputTokens: 25, ...writes(1500, 3500), cacheReadInputTokens: 42000, outputTokens: 812 }),
      // 25×3000, 1500×3750, 3500×6000, 42000×300, 812×15000
      components: [75_000, 5_625_000, 21_000_000, 12_600_000, 12_180_000],
      total: 51_480_000,
    },
    {
      name: 'opus 4.5 with 1h cache writes (anthropic/stream-thinking.sse)',
      price: OPUS_4_5,
      usage: usage({ inputTokens: 410, ...writes(0, 3000), outputTokens: 1289 }),
      // 410×5000, 0, 3000×10000, 0, 1289×25000
      components: [2_050_000, 0, 30_000_000, 0, 32_225_000],
      total: 64_275_000,
    },
    {
      name: 'haiku 4.5 without cache (anthropic/stream-tool-use.sse)',
      price: HAIKU_4_5,
      usage: usage({ inputTokens: 1503, outputTokens: 89 }),
      components: [1_503_000, 0, 0, 0, 445_000],
      total: 1_948_000,
    },
    {
      name: 'gpt-4o chat with cached prompt tokens (openai-usage/chat-stream.sse)',
      price: GPT_4O,
      usage: usage({ inputTokens: 508, cacheReadInputTokens: 1024, outputTokens: 128 }),
      // 508×2500, 1024×1250, 128×10000
      components: [1_270_000, 0, 0, 1_280_000, 1_280_000],
      total: 3_830_000,
    },
    {
      name: 'gpt-5 with reasoning inside the output count (openai-usage/chat-body.json)',
      price: GPT_5,
      usage: usage({ inputTokens: 952, cacheReadInputTokens: 2048, outputTokens: 1200, reasoningTokens: 896 }),
      // 952×1250, 2048×125, 1200×10000 (reasoning not added again)
      components: [1_190_000, 0, 0, 256_000, 12_000_000],
      total: 13_446_000,
    },
    {
      name: 'gpt-5.1-codex responses usage (openai-usage/responses-body.json)',
      price: GPT_5_1_CODEX,
      usage: usage({ inputTokens: 4640, cacheReadInputTokens: 15360, outputTokens: 1450, reasoningTokens: 1024 }),
      // 4640×1250, 15360×125, 1450×10000
      components: [5_800_000, 0, 0, 1_920_000, 14_500_000],
      total: 22_220_000,
    },
    {
      name: 'a cache-write total without its split as 5m writes',
      price: SONNET_4_5,
      usage: usage({ cacheCreationInputTokens: 1000 }),
      components: [0, 3_750_000, 0, 0, 0],
      total: 3_750_000,
    },
    {
      name: 'the part of a cache-write total not covered by the split as 5m writes',
      price: SONNET_4_5,
      usage: usage({ cacheCreationInputTokens: 1000, cacheWrite1hTokens: 400 }),
      // 600×3750, 400×6000
      components: [0, 2_250_000, 2_400_000, 0, 0],
      total: 4_650_000,
    },
    {
      name: 'missing cache prices at 1.25× / 2× / 0.1× the input price',
      price: basicPrice({ inputPerMTokUsd: 2, outputPerMTokUsd: 8 }),
      usage: usage({ inputTokens: 100, ...writes(100, 100), cacheReadInputTokens: 1000, outputTokens: 10 }),
      // 100×2000, 100×2500, 100×4000, 1000×200, 10×8000
      components: [200_000, 250_000, 400_000, 200_000, 80_000],
      total: 1_130_000,
    },
    {
      name: 'an explicit zero cache-write price as free, not as a missing price',
      price: DEEPSEEK_V4_PRO,
      usage: usage({ inputTokens: 1000, ...writes(1000, 0), cacheReadInputTokens: 1 }),
      // 1000×435, 0, 0, 1×3.625 → 4
      components: [435_000, 0, 0, 4, 0],
      total: 435_004,
    },
    {
      name: 'fractional nano-USD rounded half-up per kind',
      price: GEMINI_2_0_FLASH_LITE,
      usage: usage({ inputTokens: 3, cacheReadInputTokens: 2, outputTokens: 1 }),
      // 3×75, 2×18.75 = 37.5 → 38, 1×300
      components: [225, 0, 0, 38, 300],
      total: 563,
    },
    {
      name: 'a fractional nano below one half rounded down',
      price: GEMINI_2_0_FLASH_LITE,
      usage: usage({ cacheReadInputTokens: 3 }),
      // 3×18.75 = 56.25 → 56
      components: [0, 0, 0, 56, 0],
      total: 56,
    },
  ])('prices $name', ({ price, usage: counts, components, total }) => {
    const result = costOf(counts, price, 1);
    expect(result.costNanos).toBe(total);
    expect(result.costUsd).toBe(total / 1e9);
    expect(breakdownNanos(result.breakdown)).toEqual(components);
    expect(result.longContext).toBe(false);
    expect(result.warning).toBeNull();
  });

  it('does not bill reasoning tokens on top of the output tokens that contain them', () => {
    const base = usage({ inputTokens: 100, outputTokens: 1200 });
    expect(costOf({ ...base, reasoningTokens: 896 }, GPT_5, 1).costNanos).toBe(costOf(base, GPT_5, 1).costNanos);
  });

  it('normalises float noise in prices to six decimal places', () => {
    const noisy: Price = {
      ...SONNET_4_5,
      inputPerMTokUsd: 3.0000000000000004,
      outputPerMTokUsd: 15.000000000000002,
      cacheWrite5mPerMTokUsd: 3.7499999999999996,
      cacheReadPerMTokUsd: 0.30000000000000004,
    };
    const counts = usage({ inputTokens: 12, ...writes(2048, 0), cacheReadInputTokens: 18000, outputTokens: 57 });
    expect(costOf(counts, noisy, 1).costNanos).toBe(13_971_000);
    // 1e-7 $/token × 1e6 is 0.09999999999999999 in floating point.
    const haiku: Price = { ...HAIKU_4_5, cacheReadPerMTokUsd: 1e-7 * 1e6 };
    expect(costOf(usage({ cacheReadInputTokens: 10_000 }), haiku, 1).costNanos).toBe(1_000_000);
  });
});

describe('costOf applies long-context rates to the whole request', () => {
  it.each([
    {
      name: 'uses sonnet 4.5 long-context rates for every kind above 200k prompt tokens',
      price: SONNET_4_5,
      usage: usage({ inputTokens: 150_000, cacheReadInputTokens: 100_000, outputTokens: 2000 }),
      // 150000×6000, 100000×600, 2000×22500
      components: [900_000_000, 0, 0, 60_000_000, 45_000_000],
      total: 1_005_000_000,
      longContext: true,
    },
    {
      name: 'keeps normal rates at exactly 200k prompt tokens',
      price: SONNET_4_5,
      usage: usage({ inputTokens: 200_000, outputTokens: 1000 }),
      components: [600_000_000, 0, 0, 0, 15_000_000],
      total: 615_000_000,
      longContext: false,
    },
    {
      name: 'switches at 200,001 prompt tokens',
      price: SONNET_4_5,
      usage: usage({ inputTokens: 200_001, outputTokens: 1000 }),
      components: [1_200_006_000, 0, 0, 0, 22_500_000],
      total: 1_222_506_000,
      longContext: true,
    },
    {
      name: 'counts cache writes and reads in the prompt size',
      price: SONNET_4_5,
      usage: usage({ inputTokens: 10, ...writes(100_000, 0), cacheReadInputTokens: 100_000, outputTokens: 100 }),
      // 10×6000, 100000×7500, 0, 100000×600, 100×22500
      components: [60_000, 750_000_000, 0, 60_000_000, 2_250_000],
      total: 812_310_000,
      longContext: true,
    },
    {
      name: 'derives a kind without a long-context rate from the long-context input (sonnet 4, 1h writes = 2× $6)',
      price: SONNET_4,
      usage: usage({ inputTokens: 190_000, ...writes(0, 20_000) }),
      // 190000×6000, 0, 20000×12000
      components: [1_140_000_000, 0, 240_000_000, 0, 0],
      total: 1_380_000_000,
      longContext: true,
    },
    {
      name: 'derives missing cache prices from the long-context input rate',
      price: basicPrice({ inputPerMTokUsd: 2, outputPerMTokUsd: 8, inputAbove200kPerMTokUsd: 4 }),
      usage: usage({ inputTokens: 200_000, ...writes(1000, 1000), cacheReadInputTokens: 10_000, outputTokens: 1000 }),
      // 200000×4000, 1000×5000, 1000×8000, 10000×400, 1000×8000 (no long output rate)
      components: [800_000_000, 5_000_000, 8_000_000, 4_000_000, 8_000_000],
      total: 825_000_000,
      longContext: true,
    },
    {
      name: 'keeps normal rates above 200k when the price has no long-context rates',
      price: OPUS_4_5,
      usage: usage({ inputTokens: 300_000 }),
      components: [1_500_000_000, 0, 0, 0, 0],
      total: 1_500_000_000,
      longContext: false,
    },
  ])('$name', ({ price, usage: counts, components, total, longContext }) => {
    const result = costOf(counts, price, 1);
    expect(result.costNanos).toBe(total);
    expect(breakdownNanos(result.breakdown)).toEqual(components);
    expect(result.longContext).toBe(longContext);
    expect(result.breakdown?.longContext).toBe(longContext);
  });
});

describe('costOf applies the provider multiplier to the integer total', () => {
  const streamText = usage({ inputTokens: 12, ...writes(2048, 0), cacheReadInputTokens: 18000, outputTokens: 57 });

  it.each([
    { multiplier: 1.1, total: 15_368_100 },
    // 13,971,000 × 0.333333 = 4,656,995.343 → 4,656,995
    { multiplier: 0.333333, total: 4_656_995 },
    { multiplier: 2, total: 27_942_000 },
    { multiplier: 0, total: 0 },
  ])('multiplies 13,971,000 nano-USD by $multiplier', ({ multiplier, total }) => {
    const result = costOf(streamText, SONNET_4_5, multiplier);
    expect(result.costNanos).toBe(total);
    expect(result.costUsd).toBe(total / 1e9);
    expect(result.breakdown?.multiplier).toBe(multiplier);
  });

  it('rounds a half nano up and keeps the breakdown summing to the total', () => {
    // 563 × 1.5 = 844.5 → 845; components 337.5, 57, 450 → the leftover nano goes to input.
    const result = costOf(usage({ inputTokens: 3, cacheReadInputTokens: 2, outputTokens: 1 }), GEMINI_2_0_FLASH_LITE, 1.5);
    expect(result.costNanos).toBe(845);
    expect(breakdownNanos(result.breakdown)).toEqual([338, 0, 0, 57, 450]);
  });

  it('keeps every breakdown summing exactly to costNanos across many requests', () => {
    let seed = 42;
    const next = (limit: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % limit;
    };
    const multipliers = [1, 1.1, 0.8, 2.5, 0.333333, 1.15];
    let counter = 0;
    let floatSum = 0;
    for (let i = 0; i < 600; i++) {
      const price = ALL_TEST_PRICES[i % ALL_TEST_PRICES.length];
      const write5m = next(3) === 0 ? next(60_000) : 0;
      const write1h = next(3) === 0 ? next(60_000) : 0;
      const counts = usage({
        inputTokens: next(150_000),
        ...writes(write5m, write1h),
        cacheReadInputTokens: next(120_000),
        outputTokens: next(30_000),
      });
      const result = costOf(counts, price, multipliers[i % multipliers.length]);
      if (result.costNanos === null || result.costUsd === null) throw new Error(`unpriced: ${result.warning}`);
      expect(Number.isInteger(result.costNanos)).toBe(true);
      expect(breakdownNanos(result.breakdown).reduce((a, b) => a + b, 0)).toBe(result.costNanos);
      expect(nanos(result.costUsd)).toBe(result.costNanos);
      counter += result.costNanos;
      floatSum += result.costUsd;
    }
    // An integer counter of nanos stays exact where a running float sum of USD need not.
    expect(Number.isSafeInteger(counter)).toBe(true);
    expect(Math.abs(floatSum * 1e9 - counter)).toBeLessThan(1);
  });
});

describe('costOf refuses to guess', () => {
  const counts = usage({ inputTokens: 100, outputTokens: 10 });

  it('returns a null cost with a warning when the model has no price', () => {
    expect(costOf(counts, null, 1)).toEqual({
      costUsd: null,
      costNanos: null,
      breakdown: null,
      longContext: false,
      warning: expect.stringMatching(/no price for model/),
    });
  });

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])('returns a null cost for the multiplier %s', (multiplier) => {
    const result = costOf(counts, SONNET_4_5, multiplier);
    expect(result.costUsd).toBeNull();
    expect(result.warning).toMatch(/multiplier/);
  });

  it.each([
    { field: 'inputPerMTokUsd', value: -3 },
    { field: 'outputPerMTokUsd', value: Number.NaN },
    { field: 'cacheReadPerMTokUsd', value: -0.3 },
    { field: 'outputAbove200kPerMTokUsd', value: Number.POSITIVE_INFINITY },
  ])('returns a null cost naming the model when $field is $value', ({ field, value }) => {
    const result = costOf(counts, { ...SONNET_4_5, [field]: value }, 1);
    expect(result.costNanos).toBeNull();
    expect(result.warning).toBe(`invalid price for model claude-sonnet-4-5: ${field}`);
  });
});
