// LiteLLM's model_prices_and_context_window.json (USD per token) → our Price rows (USD per million tokens).
import { GatewayError } from '../shared/errors.js';
import type { Price } from '../shared/types.js';

/** A document that cannot be used as a price table: nothing is written when it is thrown. */
export class PriceDocumentError extends GatewayError {
  override name = 'PriceDocumentError';
  constructor(message: string) {
    super(502, 'upstream_error', message);
  }
}

type PriceField = Exclude<keyof Price, 'model' | 'source' | 'version' | 'updatedAt'>;

/** Our price field ← LiteLLM's per-token field. Input and output are required, the rest optional. */
export const LITELLM_FIELDS: ReadonlyArray<readonly [PriceField, string]> = [
  ['inputPerMTokUsd', 'input_cost_per_token'],
  ['outputPerMTokUsd', 'output_cost_per_token'],
  ['cacheWrite5mPerMTokUsd', 'cache_creation_input_token_cost'],
  ['cacheWrite1hPerMTokUsd', 'cache_creation_input_token_cost_above_1hr'],
  ['cacheReadPerMTokUsd', 'cache_read_input_token_cost'],
  ['inputAbove200kPerMTokUsd', 'input_cost_per_token_above_200k_tokens'],
  ['outputAbove200kPerMTokUsd', 'output_cost_per_token_above_200k_tokens'],
  ['cacheWrite5mAbove200kPerMTokUsd', 'cache_creation_input_token_cost_above_200k_tokens'],
  ['cacheWrite1hAbove200kPerMTokUsd', 'cache_creation_input_token_cost_above_1hr_above_200k_tokens'],
  ['cacheReadAbove200kPerMTokUsd', 'cache_read_input_token_cost_above_200k_tokens'],
];

/** Every rate field of a Price, in a fixed order (diffing compares exactly these). */
export const PRICE_RATE_FIELDS: readonly PriceField[] = LITELLM_FIELDS.map(([field]) => field);

// The same names the admin API accepts in /api/prices/{model}: a synced price must stay manageable there.
const MODEL_NAME = /^[\w.:@/+-]{1,200}$/;
const SKIPPED_KEYS = new Set(['sample_spec']);
const DECIMALS = 6;

export interface NormalizeOptions {
  /** SHA-256 of the document, stored on every price as its version. */
  version: string;
  updatedAt: string;
}

export interface NormalizedPrices {
  prices: Price[];
  /** Entries left out: sample_spec, no input/output price, unusable names or values. */
  skipped: number;
}

/**
 * USD per token → USD per million tokens, computed on the decimal digits rather than by a float
 * multiplication (2.5e-8 × 1e6 is 0.024999999999999998 in binary), rounded half-up to 6 decimals.
 */
export function perTokenToPerMillion(perToken: number): number {
  if (!Number.isFinite(perToken) || perToken < 0) throw new RangeError(`not a price: ${perToken}`);
  if (perToken === 0) return 0;
  // Shortest round-trip digits: 3.75e-6 → "3.75e-6" → digits 375, exponent -8.
  const [mantissa, exp] = perToken.toExponential().split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const digits = BigInt(whole + fraction);
  // value × 1e6 (per million) × 1e6 (6 decimals) as an integer: digits × 10^shift.
  const shift = Number(exp) - fraction.length + 6 + DECIMALS;
  let scaled: bigint;
  if (shift >= 0) {
    scaled = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    scaled = (digits + divisor / 2n) / divisor;
  }
  // An integer below 2^53 divided by 1e6 is the double nearest to the exact decimal.
  return Number(scaled) / 10 ** DECIMALS;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rate(entry: Record<string, unknown>, field: string): number | null {
  const value = entry[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  return perTokenToPerMillion(value);
}

/** One entry → a Price, or null when it has no usable input and output price. */
function toPrice(model: string, entry: unknown, options: NormalizeOptions): Price | null {
  if (SKIPPED_KEYS.has(model) || !MODEL_NAME.test(model) || !isRecord(entry)) return null;
  const rates = {} as Record<PriceField, number | null>;
  for (const [field, litellmField] of LITELLM_FIELDS) rates[field] = rate(entry, litellmField);
  const { inputPerMTokUsd, outputPerMTokUsd } = rates;
  if (inputPerMTokUsd === null || outputPerMTokUsd === null) return null;
  return {
    model,
    ...rates,
    inputPerMTokUsd,
    outputPerMTokUsd,
    source: 'litellm',
    version: options.version,
    updatedAt: options.updatedAt,
  };
}

/** Parses a LiteLLM price document. Throws PriceDocumentError when it is not a usable price table. */
export function normalizeLiteLlmPrices(document: unknown, options: NormalizeOptions): NormalizedPrices {
  if (!isRecord(document)) {
    const shape = Array.isArray(document) ? 'an array' : document === null ? 'null' : `a ${typeof document}`;
    throw new PriceDocumentError(`price document must be a JSON object of model entries, got ${shape}`);
  }
  const entries = Object.entries(document);
  if (entries.length === 0) throw new PriceDocumentError('price document is an empty object: no models');
  const prices: Price[] = [];
  for (const [model, entry] of entries) {
    const price = toPrice(model, entry, options);
    if (price) prices.push(price);
  }
  if (prices.length === 0) {
    throw new PriceDocumentError(
      `price document has ${entries.length} entries but none with input_cost_per_token and output_cost_per_token`,
    );
  }
  prices.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return { prices, skipped: entries.length - prices.length };
}

/** True when two prices charge the same rates (source, version and time are not compared). */
export function sameRates(a: Price, b: Price): boolean {
  return PRICE_RATE_FIELDS.every((field) => (a[field] ?? null) === (b[field] ?? null));
}
