// The cost formula of CONTRACT.md §4, computed exactly in integer nano-USD.
//
// Rounding, step by step (all integer arithmetic on BigInt, so no float error accumulates):
// 1. Every price is normalised to 6 decimal places of USD per million tokens, which removes
//    float noise such as 3.0000000000000004 (from LiteLLM's 3e-6 × 1e6), and held as an integer in
//    units of 1e-8 USD/MTok so the 1.25× / 2× / 0.1× cache fallbacks stay exact integers.
// 2. Each token kind's cost is tokens × rate, rounded half-up to a whole nano-USD (1e-9 USD).
// 3. The multiplier, normalised to 6 decimal places, is applied to the integer sum of step 2 and
//    the result rounded half-up again: that integer is `costNanos`, and `costUsd = costNanos / 1e9`.
// 4. Breakdown components get the multiplier too, each rounded down and the leftover nanos handed
//    to the largest remainders, so every component is within one nano of its exact value and the
//    components sum to `costNanos` exactly.
// Counters that must match the logs should add `costNanos`, never the float `costUsd`.

import type { CostBreakdown, Price, Usage } from '../types.js';

export interface CostResult {
  costUsd: number | null;
  costNanos: number | null;
  breakdown: CostBreakdown | null;
  /** True when the long-context (above 200k prompt tokens) rates were applied. */
  longContext: boolean;
  warning: string | null;
}

/** Prompts above this many tokens are billed at the long-context rates when the price has them. */
export const LONG_CONTEXT_THRESHOLD_TOKENS = 200_000;

const NANOS_PER_USD = 1e9;
/** Rates are held in units of 1e-8 USD per million tokens: 100 per micro-USD, so 0.1× and 1.25× stay integers. */
const RATE_UNITS_PER_MICRO_USD = 100n;
/** tokens × (1e-8 USD / 1e6 tokens) = tokens × 1e-14 USD = tokens × 1e-5 nano-USD. */
const RATE_TOKEN_UNITS_PER_NANO = 100_000n;
const MULTIPLIER_SCALE = 1_000_000n;

type TokenKind = 'input' | 'cacheWrite5m' | 'cacheWrite1h' | 'cacheRead' | 'output';
const TOKEN_KINDS: readonly TokenKind[] = ['input', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead', 'output'];
type Rates = Record<TokenKind, bigint>;
type OptionalRate = bigint | null;

class InvalidRateError extends Error {}

function noCost(warning: string): CostResult {
  return { costUsd: null, costNanos: null, breakdown: null, longContext: false, warning };
}

/** A price in USD/MTok as an integer in 1e-8 USD/MTok units, rounded to 6 decimal places first. */
function rateUnits(usdPerMTok: number | null | undefined, field: string): OptionalRate {
  if (usdPerMTok === null || usdPerMTok === undefined) return null;
  if (!Number.isFinite(usdPerMTok) || usdPerMTok < 0) throw new InvalidRateError(field);
  return BigInt(Math.round(usdPerMTok * 1e6)) * RATE_UNITS_PER_MICRO_USD;
}

/** Cache prices missing from the table derive from the input rate: writes 1.25× (5m) and 2× (1h), reads 0.1×. */
function withCacheFallbacks(input: bigint, output: bigint, cw5m: OptionalRate, cw1h: OptionalRate, cr: OptionalRate): Rates {
  return {
    input,
    output,
    cacheWrite5m: cw5m ?? (input * 125n) / 100n,
    cacheWrite1h: cw1h ?? input * 2n,
    cacheRead: cr ?? input / 10n,
  };
}

const LONG_RATE_FIELDS = [
  'inputAbove200kPerMTokUsd',
  'outputAbove200kPerMTokUsd',
  'cacheWrite5mAbove200kPerMTokUsd',
  'cacheWrite1hAbove200kPerMTokUsd',
  'cacheReadAbove200kPerMTokUsd',
] as const;

function hasLongContextRates(price: Price): boolean {
  return LONG_RATE_FIELDS.some((field) => price[field] !== null && price[field] !== undefined);
}

/** Every rate of a price is validated, also the long-context ones a small request does not use. */
function resolveRates(price: Price, longContext: boolean): Rates {
  const input = rateUnits(price.inputPerMTokUsd, 'inputPerMTokUsd') ?? missing('inputPerMTokUsd');
  const output = rateUnits(price.outputPerMTokUsd, 'outputPerMTokUsd') ?? missing('outputPerMTokUsd');
  const cw5m = rateUnits(price.cacheWrite5mPerMTokUsd, 'cacheWrite5mPerMTokUsd');
  const cw1h = rateUnits(price.cacheWrite1hPerMTokUsd, 'cacheWrite1hPerMTokUsd');
  const cr = rateUnits(price.cacheReadPerMTokUsd, 'cacheReadPerMTokUsd');
  const long = {
    input: rateUnits(price.inputAbove200kPerMTokUsd, 'inputAbove200kPerMTokUsd'),
    output: rateUnits(price.outputAbove200kPerMTokUsd, 'outputAbove200kPerMTokUsd'),
    cw5m: rateUnits(price.cacheWrite5mAbove200kPerMTokUsd, 'cacheWrite5mAbove200kPerMTokUsd'),
    cw1h: rateUnits(price.cacheWrite1hAbove200kPerMTokUsd, 'cacheWrite1hAbove200kPerMTokUsd'),
    cr: rateUnits(price.cacheReadAbove200kPerMTokUsd, 'cacheReadAbove200kPerMTokUsd'),
  };
  if (!longContext) return withCacheFallbacks(input, output, cw5m, cw1h, cr);
  // A cache kind without its own long-context rate derives from the long-context input rate when
  // there is one (Anthropic bills long-context cache writes/reads as multiples of that input rate);
  // otherwise every kind falls back to its normal rate.
  if (long.input !== null) return withCacheFallbacks(long.input, long.output ?? output, long.cw5m, long.cw1h, long.cr);
  return withCacheFallbacks(input, long.output ?? output, cw5m, cw1h, cr);
}

function missing(field: string): never {
  throw new InvalidRateError(field);
}

function tokens(value: number): bigint {
  return Number.isFinite(value) && value > 0 ? BigInt(Math.round(value)) : 0n;
}

/** Token counts per kind; a cache-write total without its 5m/1h split is billed as 5m writes. */
function tokensByKind(usage: Usage): Record<TokenKind, bigint> {
  const written = tokens(usage.cacheCreationInputTokens);
  const write1h = tokens(usage.cacheWrite1hTokens);
  let write5m = tokens(usage.cacheWrite5mTokens);
  // Part of the total not covered by the split is billed at the cheaper 5m rate, the TTL Anthropic defaults to.
  if (written > write5m + write1h) write5m = written - write1h;
  return {
    input: tokens(usage.inputTokens),
    cacheWrite5m: write5m,
    cacheWrite1h: write1h,
    cacheRead: tokens(usage.cacheReadInputTokens),
    output: tokens(usage.outputTokens),
  };
}

function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** Spreads the multiplier over the components so they stay within a nano of exact and sum to `total`. */
function allocate(components: Record<TokenKind, bigint>, multiplier: bigint, total: bigint): Record<TokenKind, bigint> {
  const scaled = TOKEN_KINDS.map((kind) => ({ kind, exact: components[kind] * multiplier }));
  const result = {} as Record<TokenKind, bigint>;
  let allocated = 0n;
  for (const { kind, exact } of scaled) {
    result[kind] = exact / MULTIPLIER_SCALE;
    allocated += result[kind];
  }
  const byRemainder = [...scaled].sort((a, b) => {
    const diff = (b.exact % MULTIPLIER_SCALE) - (a.exact % MULTIPLIER_SCALE);
    return diff > 0n ? 1 : diff < 0n ? -1 : 0;
  });
  for (let i = 0; allocated < total && i < byRemainder.length; i++, allocated++) result[byRemainder[i].kind] += 1n;
  return result;
}

function toUsd(nanos: bigint): number {
  return Number(nanos) / NANOS_PER_USD;
}

/** Cost of one request per CONTRACT.md §4; a null price or an invalid rate gives a null cost and a warning, never 0. */
export function costOf(usage: Usage, price: Price | null, multiplier: number): CostResult {
  if (price === null) return noCost('no price for model; cost not recorded');
  if (!Number.isFinite(multiplier) || multiplier < 0) return noCost(`invalid cost multiplier ${multiplier}`);

  const counts = tokensByKind(usage);
  const prompt = counts.input + counts.cacheWrite5m + counts.cacheWrite1h + counts.cacheRead;
  const longContext = prompt > BigInt(LONG_CONTEXT_THRESHOLD_TOKENS) && hasLongContextRates(price);
  let rates: Rates;
  try {
    rates = resolveRates(price, longContext);
  } catch (error) {
    if (error instanceof InvalidRateError) return noCost(`invalid price for model ${price.model}: ${error.message}`);
    throw error;
  }

  const components = {} as Record<TokenKind, bigint>;
  let subtotal = 0n;
  for (const kind of TOKEN_KINDS) {
    components[kind] = roundHalfUp(counts[kind] * rates[kind], RATE_TOKEN_UNITS_PER_NANO);
    subtotal += components[kind];
  }
  const scale = BigInt(Math.round(multiplier * 1e6));
  const total = roundHalfUp(subtotal * scale, MULTIPLIER_SCALE);
  const parts = allocate(components, scale, total);

  return {
    costUsd: toUsd(total),
    costNanos: Number(total),
    breakdown: {
      inputUsd: toUsd(parts.input),
      outputUsd: toUsd(parts.output),
      cacheWrite5mUsd: toUsd(parts.cacheWrite5m),
      cacheWrite1hUsd: toUsd(parts.cacheWrite1h),
      cacheReadUsd: toUsd(parts.cacheRead),
      multiplier,
      longContext,
    },
    longContext,
    warning: null,
  };
}
