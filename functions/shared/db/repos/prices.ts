// Model prices (USD per million tokens), listed through GSI1 (`PRICES`), plus the last sync record.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Price } from '../../types.js';
import { BATCH_WRITE_MAX, batchPut, queryGsi1Partition, stripKeys, type Db } from '../client.js';
import { GSI1, keys } from '../keys.js';

export interface PriceSyncRecord {
  source: string;
  sha256: string;
  syncedAt: string;
  models: number;
  updated: number;
  skippedManual: number;
}

function toItem(p: Price) {
  return { ...keys.price(p.model), ...keys.priceList(p.model), entity: 'price', ...p };
}

function fromItem(item: Record<string, unknown>): Price {
  const { entity: _e, ...rest } = stripKeys(item);
  return rest as unknown as Price;
}

export function createPricesRepo(db: Db) {
  return {
    async get(model: string): Promise<Price | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.price(model) }));
      return out.Item ? fromItem(out.Item) : null;
    },

    /** All prices, or those whose model name contains `search` (case-insensitive). */
    async list(search?: string): Promise<Price[]> {
      const result = (await queryGsi1Partition(db, keys.priceListPartition())).map((item) => fromItem(item));
      const needle = search?.toLowerCase();
      return needle ? result.filter((p) => p.model.toLowerCase().includes(needle)) : result;
    },

    async put(price: Price): Promise<void> {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: toItem(price) }));
    },

    /** Writes many prices in batches of 25, retrying unprocessed items. */
    async putMany(prices: Price[]): Promise<void> {
      for (let i = 0; i < prices.length; i += BATCH_WRITE_MAX) await batchPut(db, prices.slice(i, i + BATCH_WRITE_MAX).map(toItem));
    },

    async delete(model: string): Promise<boolean> {
      const out = await db.doc.send(
        new DeleteCommand({ TableName: db.tableName, Key: keys.price(model), ReturnValues: 'ALL_OLD' }),
      );
      return Boolean(out.Attributes);
    },

    async getSyncRecord(): Promise<PriceSyncRecord | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.priceSyncState() }));
      if (!out.Item) return null;
      const { entity: _e, ...rest } = stripKeys(out.Item);
      return rest as unknown as PriceSyncRecord;
    },

    async putSyncRecord(record: PriceSyncRecord): Promise<void> {
      await db.doc.send(
        new PutCommand({ TableName: db.tableName, Item: { ...keys.priceSyncState(), entity: 'priceSync', ...record } }),
      );
    },
  };
}

export type PricesRepo = ReturnType<typeof createPricesRepo>;
