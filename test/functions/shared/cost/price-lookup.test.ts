import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findPrice, priceLookupNames } from '../../../../functions/shared/cost/price-lookup.js';
import type { Price } from '../../../../functions/shared/types.js';
import { GPT_4O, GPT_5_1_CODEX, OPUS_4_5, SONNET_4_5 } from './fixture-prices.js';

describe('priceLookupNames', () => {
  it.each([
    { model: 'claude-sonnet-4-5-20250929', names: ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'] },
    { model: 'claude-opus-4-5-20251101', names: ['claude-opus-4-5-20251101', 'claude-opus-4-5'] },
    { model: 'anthropic/claude-sonnet-4-5', names: ['anthropic/claude-sonnet-4-5', 'claude-sonnet-4-5'] },
    { model: 'gpt-5.1-codex', names: ['gpt-5.1-codex'] },
    { model: 'gpt-4o-2024-08-06', names: ['gpt-4o-2024-08-06', 'gpt-4o'] },
    {
      model: 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0',
      names: [
        'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0',
        'anthropic.claude-3-5-sonnet-20240620-v1:0',
        'claude-3-5-sonnet-20240620-v1:0',
        'claude-3-5-sonnet-20240620',
        'claude-3-5-sonnet',
      ],
    },
    {
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      names: [
        'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        'anthropic.claude-sonnet-4-5-20250929-v1:0',
        'claude-sonnet-4-5-20250929-v1:0',
        'claude-sonnet-4-5-20250929',
        'claude-sonnet-4-5',
      ],
    },
    {
      model: 'vertex_ai/claude-sonnet-4-5@20250929',
      names: [
        'vertex_ai/claude-sonnet-4-5@20250929',
        'claude-sonnet-4-5@20250929',
        'vertex_ai/claude-sonnet-4-5-20250929',
        'claude-sonnet-4-5-20250929',
        'vertex_ai/claude-sonnet-4-5',
        'claude-sonnet-4-5',
      ],
    },
    {
      model: 'openai/gpt-4.1-2025-04-14',
      names: ['openai/gpt-4.1-2025-04-14', 'gpt-4.1-2025-04-14', 'openai/gpt-4.1', 'gpt-4.1'],
    },
    {
      model: 'openrouter/anthropic/claude-opus-4-5',
      names: ['openrouter/anthropic/claude-opus-4-5', 'anthropic/claude-opus-4-5', 'claude-opus-4-5'],
    },
    { model: '  claude-haiku-4-5 ', names: ['claude-haiku-4-5'] },
    { model: '', names: [] },
  ])('lists $model as $names', ({ model, names }) => {
    expect(priceLookupNames(model)).toEqual(names);
  });

  it('never lists a name twice', () => {
    for (const model of ['claude-sonnet-4-5', 'anthropic/anthropic/claude-sonnet-4-5-20250929', 'o3-2025-04-16']) {
      const names = priceLookupNames(model);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});

describe('findPrice', () => {
  const table = new Map<string, Price>([
    ['claude-sonnet-4-5', SONNET_4_5],
    ['claude-opus-4-5-20251101', OPUS_4_5],
    ['gpt-4o', GPT_4O],
    ['gpt-5.1-codex', GPT_5_1_CODEX],
  ]);

  function recordingLookup(): { asked: string[]; getPrice: (name: string) => Promise<Price | null> } {
    const asked: string[] = [];
    return {
      asked,
      getPrice: async (name) => {
        asked.push(name);
        return table.get(name) ?? null;
      },
    };
  }

  it.each([
    { model: 'claude-sonnet-4-5-20250929', expected: SONNET_4_5 },
    { model: 'anthropic/claude-sonnet-4-5', expected: SONNET_4_5 },
    { model: 'claude-opus-4-5-20251101', expected: OPUS_4_5 },
    { model: 'gpt-4o-2024-08-06', expected: GPT_4O },
    { model: 'gpt-5.1-codex', expected: GPT_5_1_CODEX },
    { model: 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', expected: null },
  ])('finds the price of $model', async ({ model, expected }) => {
    expect(await findPrice(model, recordingLookup().getPrice)).toBe(expected);
  });

  it('stops at the first name that has a price', async () => {
    const lookup = recordingLookup();
    await findPrice('claude-opus-4-5-20251101', lookup.getPrice);
    expect(lookup.asked).toEqual(['claude-opus-4-5-20251101']);
  });

  it('tries every name, in order, before giving up', async () => {
    const lookup = recordingLookup();
    expect(await findPrice('vertex_ai/claude-haiku-9@20990101', lookup.getPrice)).toBeNull();
    expect(lookup.asked).toEqual(priceLookupNames('vertex_ai/claude-haiku-9@20990101'));
  });
});

const TABLE_PATH = fileURLToPath(new URL('../../../../../shared/data/litellm-prices.json', import.meta.url));
const present = existsSync(TABLE_PATH);

describe('priceLookupNames against the real LiteLLM table', () => {
  it.skipIf(!present).each([
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929'],
    ['anthropic/claude-sonnet-4-5', 'claude-sonnet-4-5'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929-v1:0'],
    ['vertex_ai/claude-opus-4-5@20251101', 'claude-opus-4-5-20251101'],
    ['openai/gpt-4o-2024-08-06', 'gpt-4o-2024-08-06'],
    ['gpt-5.1-codex', 'gpt-5.1-codex'],
  ])(`resolves %s to the table entry %s${present ? '' : ' (skipped: ../shared/data/litellm-prices.json is absent)'}`, (model, entry) => {
    const table = JSON.parse(readFileSync(TABLE_PATH, 'utf8')) as Record<string, unknown>;
    expect(priceLookupNames(model).find((name) => name in table)).toBe(entry);
  });
});
