import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Price } from '../../../../functions/shared/types.js';
import { ALL_TEST_PRICES } from './fixture-prices.js';

const TABLE_PATH = fileURLToPath(new URL('../../../../../shared/data/litellm-prices.json', import.meta.url));
const present = existsSync(TABLE_PATH);
const skipNote = present ? '' : ' (skipped: ../shared/data/litellm-prices.json is absent)';

// LiteLLM field (USD per token) → Price field (USD per million tokens).
const FIELDS: [string, keyof Price][] = [
  ['input_cost_per_token', 'inputPerMTokUsd'],
  ['output_cost_per_token', 'outputPerMTokUsd'],
  ['cache_creation_input_token_cost', 'cacheWrite5mPerMTokUsd'],
  ['cache_creation_input_token_cost_above_1hr', 'cacheWrite1hPerMTokUsd'],
  ['cache_read_input_token_cost', 'cacheReadPerMTokUsd'],
  ['input_cost_per_token_above_200k_tokens', 'inputAbove200kPerMTokUsd'],
  ['output_cost_per_token_above_200k_tokens', 'outputAbove200kPerMTokUsd'],
  ['cache_creation_input_token_cost_above_200k_tokens', 'cacheWrite5mAbove200kPerMTokUsd'],
  ['cache_creation_input_token_cost_above_1hr_above_200k_tokens', 'cacheWrite1hAbove200kPerMTokUsd'],
  ['cache_read_input_token_cost_above_200k_tokens', 'cacheReadAbove200kPerMTokUsd'],
];

describe('the prices the cost tests use', () => {
  it.skipIf(!present).each(ALL_TEST_PRICES.map((price) => [price.model, price] as const))(
    `match the LiteLLM table for %s${skipNote}`,
    (model, price) => {
      const table = JSON.parse(readFileSync(TABLE_PATH, 'utf8')) as Record<string, Record<string, unknown>>;
      const entry = table[model];
      expect(entry, `${model} in the LiteLLM table`).toBeDefined();
      for (const [litellmField, priceField] of FIELDS) {
        const perToken = entry[litellmField];
        const expected = typeof perToken === 'number' ? perToken * 1e6 : null;
        const actual = price[priceField] ?? null;
        if (expected === null) expect(actual, priceField).toBeNull();
        else expect(actual, priceField).toBeCloseTo(expected, 9);
      }
    },
  );
});
