// Per-instance price cache: the warm path prices a request without a store round trip.
import type { Price } from '../types.js';
import { isStoreUnavailable } from '../db/client.js';
import { findPrice } from './price-lookup.js';

export interface PriceCache {
  get(model: string): Promise<Price | null>;
  invalidate(): void;
}

export function createPriceCache(
  getPrice: (name: string) => Promise<Price | null>,
  now: () => number,
  ttlMs = 60_000,
): PriceCache {
  const cache = new Map<string, { at: number; price: Price | null }>();
  return {
    async get(model) {
      const hit = cache.get(model);
      if (hit && now() - hit.at < ttlMs) return hit.price;
      let price: Price | null;
      try {
        price = await findPrice(model, getPrice);
      } catch (err) {
        // Store unreachable: bill with the last price seen (a model never priced here: the error).
        if (!hit || !isStoreUnavailable(err)) throw err;
        price = hit.price;
      }
      if (cache.size > 5000) cache.clear();
      cache.set(model, { at: now(), price });
      return price;
    },
    invalidate() {
      cache.clear();
    },
  };
}

/** Output tokens a reservation assumes at most: a typical answer, not the worst case of max_tokens. */
export const RESERVED_OUTPUT_TOKENS_CAP = 4096;

/**
 * The cost reserved against spend limits while a request is in flight: the prompt at the input
 * rate (≈4 bytes per token, an over-estimate for cached prompts) plus the requested output capped
 * at RESERVED_OUTPUT_TOKENS_CAP. Reserving the full max_tokens (often 32k) would refuse parallel
 * agents long before the budget is really spent.
 */
export function estimateCostNanos(bodyBytes: number, maxOutputTokens: number, price: Price | null, multiplier: number): number {
  if (!price) return 0;
  const inputTokens = Math.ceil(bodyBytes / 4);
  const outputTokens = Math.min(maxOutputTokens, RESERVED_OUTPUT_TOKENS_CAP);
  const usd = (inputTokens * price.inputPerMTokUsd + outputTokens * price.outputPerMTokUsd) / 1e6;
  return Math.max(0, Math.round(usd * Math.max(multiplier, 0) * 1e9));
}

/** The output cap a request asks for, in any of the formats (Anthropic, Chat, Responses). */
export function maxOutputTokensOf(body: Record<string, unknown>): number {
  for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
    const v = body[field];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.min(v, 1_000_000);
  }
  return 4096;
}
