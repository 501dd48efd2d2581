// Real LiteLLM prices (USD per million tokens) used by the cost tests; price-table.test.ts checks them against the synced file.

import type { Price } from '../../../../functions/shared/types.js';

function price(model: string, rates: Partial<Price> & Pick<Price, 'inputPerMTokUsd' | 'outputPerMTokUsd'>): Price {
  return {
    model,
    cacheWrite5mPerMTokUsd: null,
    cacheWrite1hPerMTokUsd: null,
    cacheReadPerMTokUsd: null,
    source: 'litellm',
    version: 'test',
    updatedAt: '2025-11-01T00:00:00.000Z',
    ...rates,
  };
}

export const SONNET_4_5 = price('claude-sonnet-4-5', {
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
});

/** Has long-context rates except for 1h cache writes. */
export const SONNET_4 = price('claude-sonnet-4-20250514', {
  inputPerMTokUsd: 3,
  outputPerMTokUsd: 15,
  cacheWrite5mPerMTokUsd: 3.75,
  cacheWrite1hPerMTokUsd: 6,
  cacheReadPerMTokUsd: 0.3,
  inputAbove200kPerMTokUsd: 6,
  outputAbove200kPerMTokUsd: 22.5,
  cacheWrite5mAbove200kPerMTokUsd: 7.5,
  cacheReadAbove200kPerMTokUsd: 0.6,
});

export const OPUS_4_5 = price('claude-opus-4-5-20251101', {
  inputPerMTokUsd: 5,
  outputPerMTokUsd: 25,
  cacheWrite5mPerMTokUsd: 6.25,
  cacheWrite1hPerMTokUsd: 10,
  cacheReadPerMTokUsd: 0.5,
});

export const HAIKU_4_5 = price('claude-haiku-4-5-20251001', {
  inputPerMTokUsd: 1,
  outputPerMTokUsd: 5,
  cacheWrite5mPerMTokUsd: 1.25,
  cacheWrite1hPerMTokUsd: 2,
  cacheReadPerMTokUsd: 0.1,
});

export const GPT_4O = price('gpt-4o-2024-08-06', { inputPerMTokUsd: 2.5, outputPerMTokUsd: 10, cacheReadPerMTokUsd: 1.25 });

export const GPT_5 = price('gpt-5-2025-08-07', { inputPerMTokUsd: 1.25, outputPerMTokUsd: 10, cacheReadPerMTokUsd: 0.125 });

export const GPT_5_1_CODEX = price('gpt-5.1-codex', { inputPerMTokUsd: 1.25, outputPerMTokUsd: 10, cacheReadPerMTokUsd: 0.125 });

export const GPT_5_1_CODEX_MINI = price('gpt-5.1-codex-mini', { inputPerMTokUsd: 0.25, outputPerMTokUsd: 2, cacheReadPerMTokUsd: 0.025 });

/** Cache reads at 0.01875 $/MTok: 18.75 nano-USD per token, so rounding shows. */
export const GEMINI_2_0_FLASH_LITE = price('gemini-2.0-flash-lite', {
  inputPerMTokUsd: 0.075,
  outputPerMTokUsd: 0.3,
  cacheReadPerMTokUsd: 0.01875,
});

/** An explicit 0 cache-write price, which must not fall back to 1.25× input. */
export const DEEPSEEK_V4_PRO = price('deepseek-v4-pro', {
  inputPerMTokUsd: 0.435,
  outputPerMTokUsd: 0.87,
  cacheWrite5mPerMTokUsd: 0,
  cacheReadPerMTokUsd: 0.003625,
});

export const ALL_TEST_PRICES = [
  SONNET_4_5,
  SONNET_4,
  OPUS_4_5,
  HAIKU_4_5,
  GPT_4O,
  GPT_5,
  GPT_5_1_CODEX,
  GPT_5_1_CODEX_MINI,
  GEMINI_2_0_FLASH_LITE,
  DEEPSEEK_V4_PRO,
];
