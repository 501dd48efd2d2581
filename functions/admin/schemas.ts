// Request body schemas of the admin API (zod). POST schemas fill defaults; PATCH schemas are partial.
import { z } from 'zod';
import { PROVIDER_TYPES } from '../shared/types.js';

const usd = z.number().finite().nonnegative().max(1e9).nullable();
const positiveInt = z.number().int().positive().max(1e9).nullable();
const modelPattern = z.string().trim().min(1).max(200);
const isoDate = z
  .string()
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString());

const spendLimits = {
  limit5hUsd: usd.default(null),
  dailyLimitUsd: usd.default(null),
  limitWeeklyUsd: usd.default(null),
  limitMonthlyUsd: usd.default(null),
  limitTotalUsd: usd.default(null),
};

export const userCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    note: z.string().max(2000).default(''),
    enabled: z.boolean().default(true),
    providerGroup: z.string().trim().min(1).max(200).default('default'),
    allowedModels: z.array(modelPattern).max(500).default([]),
    rpmLimit: positiveInt.default(null),
    concurrentSessions: positiveInt.default(null),
    ...spendLimits,
  })
  .strict();

export const userPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    note: z.string().max(2000),
    enabled: z.boolean(),
    providerGroup: z.string().trim().min(1).max(200),
    allowedModels: z.array(modelPattern).max(500),
    rpmLimit: positiveInt,
    concurrentSessions: positiveInt,
    limit5hUsd: usd,
    dailyLimitUsd: usd,
    limitWeeklyUsd: usd,
    limitMonthlyUsd: usd,
    limitTotalUsd: usd,
  })
  .partial()
  .strict();

export const keyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(100).default('default'),
    enabled: z.boolean().default(true),
    expiresAt: isoDate.nullable().default(null),
    concurrentSessions: positiveInt.default(null),
    ...spendLimits,
  })
  .strict();

export const keyPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean(),
    expiresAt: isoDate.nullable(),
    concurrentSessions: positiveInt,
    limit5hUsd: usd,
    dailyLimitUsd: usd,
    limitWeeklyUsd: usd,
    limitMonthlyUsd: usd,
    limitTotalUsd: usd,
  })
  .partial()
  .strict();

/** Parsed URL or null: zod runs refinements even after `.url()` failed, and `new URL` throws. */
function parseUrl(u: string): URL | null {
  try {
    return new URL(u);
  } catch {
    return null;
  }
}

const baseUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL')
  .refine((u) => !parseUrl(u)?.search && !parseUrl(u)?.hash, 'must not contain a query string or fragment')
  .transform((u) => u.replace(/\/+$/, ''));

const providerFields = {
  name: z.string().trim().min(1).max(100),
  type: z.enum(PROVIDER_TYPES as [string, ...string[]]),
  baseUrl,
  apiKey: z.string().trim().min(1).max(4096),
  enabled: z.boolean(),
  priority: z.number().int().min(0).max(1000),
  weight: z.number().finite().min(0).max(1e6),
  groupTag: z.string().trim().min(1).max(200),
  modelRedirects: z.record(modelPattern, z.string().trim().min(1).max(200)),
  allowedModels: z.array(modelPattern).max(500),
  costMultiplier: z.number().finite().min(0).max(1000),
  limit5hUsd: usd,
  limitWeeklyUsd: usd,
  limitMonthlyUsd: usd,
  concurrentSessions: positiveInt,
  timeoutMs: z.number().int().min(1000).max(900_000),
  circuitFailureThreshold: z.number().int().min(1).max(1000),
  circuitOpenMs: z.number().int().min(1000).max(86_400_000),
};

export const providerCreateSchema = z
  .object({
    ...providerFields,
    enabled: providerFields.enabled.default(true),
    priority: providerFields.priority.default(0),
    weight: providerFields.weight.default(1),
    groupTag: providerFields.groupTag.default('default'),
    modelRedirects: providerFields.modelRedirects.default({}),
    allowedModels: providerFields.allowedModels.default([]),
    costMultiplier: providerFields.costMultiplier.default(1),
    limit5hUsd: usd.default(null),
    limitWeeklyUsd: usd.default(null),
    limitMonthlyUsd: usd.default(null),
    concurrentSessions: positiveInt.default(null),
    timeoutMs: providerFields.timeoutMs.default(600_000),
    circuitFailureThreshold: providerFields.circuitFailureThreshold.default(5),
    circuitOpenMs: providerFields.circuitOpenMs.default(60_000),
  })
  .strict();

export const providerPatchSchema = z.object(providerFields).partial().strict();

const perMTok = z.number().finite().nonnegative().max(1e6);
export const priceSchema = z
  .object({
    inputPerMTokUsd: perMTok,
    outputPerMTokUsd: perMTok,
    cacheWrite5mPerMTokUsd: perMTok.nullable().default(null),
    cacheWrite1hPerMTokUsd: perMTok.nullable().default(null),
    cacheReadPerMTokUsd: perMTok.nullable().default(null),
    inputAbove200kPerMTokUsd: perMTok.nullable().default(null),
    outputAbove200kPerMTokUsd: perMTok.nullable().default(null),
    cacheWrite5mAbove200kPerMTokUsd: perMTok.nullable().default(null),
    cacheWrite1hAbove200kPerMTokUsd: perMTok.nullable().default(null),
    cacheReadAbove200kPerMTokUsd: perMTok.nullable().default(null),
    // Accepted for symmetry with reads; a price set through the API is always manual.
    source: z.literal('manual').optional(),
  })
  .strict();

export const priceSyncSchema = z
  .object({ url: z.string().trim().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http or https URL') })
  .partial()
  .strict();

export const loginSchema = z.object({ token: z.string().min(1).max(4096) }).strict();
