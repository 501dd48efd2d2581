// One price sync: fetch → parse → normalise → diff against the table → write only what changed.
import type { PriceSyncRecord } from '../shared/db/repos/prices.js';
import type { Services } from '../shared/services.js';
import type { Price } from '../shared/types.js';
import { fetchDocument, type FetchDocumentOptions } from './fetch-document.js';
import { normalizeLiteLlmPrices, PriceDocumentError, sameRates } from './normalize.js';

export type PriceSyncDeps = Pick<Services, 'prices' | 'now' | 'logger' | 'config'>;

export interface PriceSyncOptions extends FetchDocumentOptions {
  /** Defaults to `config.priceSourceUrl` (PRICE_SOURCE_URL). */
  url?: string;
}

export interface PriceSyncResult extends PriceSyncRecord {
  /** Entries of the document that carry no usable price (sample_spec, image-only models, ...). */
  skippedEntries: number;
  /** Synced prices whose rates did not change and so were not written. */
  unchanged: number;
}

/** The bytes as JSON; a BOM is tolerated, anything else that is not JSON is refused. */
function parseDocument(bytes: Buffer, url: string): unknown {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new PriceDocumentError(`price document from ${url} is empty`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
    throw new PriceDocumentError(`price document from ${url} is not JSON (${(err as Error).message}); it starts with "${start}"`);
  }
}

interface PriceDiff {
  writes: Price[];
  skippedManual: number;
  unchanged: number;
}

/** What to write: new models and changed rates; manual prices are left alone. */
export function diffPrices(incoming: readonly Price[], existing: readonly Price[]): PriceDiff {
  const current = new Map(existing.map((p) => [p.model, p]));
  const diff: PriceDiff = { writes: [], skippedManual: 0, unchanged: 0 };
  for (const price of incoming) {
    const stored = current.get(price.model);
    if (stored?.source === 'manual') diff.skippedManual++;
    else if (stored && sameRates(stored, price)) diff.unchanged++;
    else diff.writes.push(price);
  }
  return diff;
}

/**
 * Syncs the price table from a LiteLLM-format document. A document that cannot be used throws a
 * GatewayError before anything is written; the sync record is written only after all prices are.
 */
export async function syncPrices(services: PriceSyncDeps, options: PriceSyncOptions = {}): Promise<PriceSyncResult> {
  const url = options.url ?? services.config.priceSourceUrl;
  const started = services.now();
  const fetched = await fetchDocument(url, options);
  const syncedAt = new Date(services.now()).toISOString();
  const { prices, skipped } = normalizeLiteLlmPrices(parseDocument(fetched.bytes, url), {
    version: fetched.sha256,
    updatedAt: syncedAt,
  });

  const diff = diffPrices(prices, await services.prices.list());
  await services.prices.putMany(diff.writes);
  const record: PriceSyncRecord = {
    source: url,
    sha256: fetched.sha256,
    syncedAt,
    models: prices.length,
    updated: diff.writes.length,
    skippedManual: diff.skippedManual,
  };
  await services.prices.putSyncRecord(record);
  services.logger.info('price sync finished', { ...record, unchanged: diff.unchanged, durationMs: services.now() - started });
  return { ...record, skippedEntries: skipped, unchanged: diff.unchanged };
}
