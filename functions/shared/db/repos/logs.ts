// Request logs: one item per request (its key derived from the request id, so a retried settle
// rewrites the same item), read newest first by time, user, key or provider without scans.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RequestLog } from '../../types.js';
import { timeOfRequestId } from '../../ids.js';
import type { Db } from '../client.js';
import { GSI1, GSI2, GSI3, keys } from '../keys.js';
import type { ItemKey, WriteCoalescer } from '../write-coalescer.js';
import { decodeLog, encodeLogInto, LOG_ATTRIBUTES } from './log-codec.js';

export interface LogQuery {
  userId?: string;
  keyId?: string;
  providerId?: string;
  model?: string;
  status?: number;
  sessionId?: string;
  /** ISO times; default: the retention window up to now. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface LogPage {
  items: RequestLog[];
  nextCursor: string | null;
}

interface Cursor {
  /** Day partition being read (time queries only). */
  d?: string;
  k?: Record<string, unknown>;
}

const MAX_LIMIT = 200;
/** Items examined per page request at most (filters can discard many). */
const MAX_EXAMINED = 2000;

export class CursorError extends Error {}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c !== 'object' || c === null) throw new Error('not an object');
    return c;
  } catch {
    throw new CursorError('invalid cursor');
  }
}

function fromItem(item: Record<string, unknown>): RequestLog {
  return decodeLog(item);
}

function previousDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function createLogsRepo(db: Db, retentionDays: number, now: () => number, writes: WriteCoalescer) {
  return {
    /**
     * Writes the log item (batched with other requests' logs). Its key is derived from the request
     * id, so a retried settle rewrites the same item: never two items for one request.
     */
    async put(log: RequestLog, costNanos: number | null): Promise<void> {
      // Built in one object, attribute by attribute (a chain of spreads costs far more CPU); the
      // attribute order is that of the stored format. Every log index sorts by the log's sort key.
      const item: Record<string, unknown> & ItemKey = keys.log(log.createdAt, log.id);
      const sortKey = item.SK;
      if (log.userId) {
        item.GSI1PK = keys.logByUserPartition(log.userId);
        item.GSI1SK = sortKey;
      }
      if (log.keyId) {
        item.GSI2PK = keys.logByKeyPartition(log.keyId);
        item.GSI2SK = sortKey;
      }
      if (log.providerId) {
        item.GSI3PK = keys.logByProviderPartition(log.providerId);
        item.GSI3SK = sortKey;
      }
      item.entity = 'log';
      encodeLogInto(log, item);
      // Exact cost in integer nano-USD (costUsd is derived from it).
      item.cn = costNanos;
      item.expiresAt = Math.floor(Date.parse(log.createdAt) / 1000) + retentionDays * 86400;
      await writes.put(item);
    },

    /** One GetItem: the key is derived from the time inside the request id. */
    async get(id: string): Promise<RequestLog | null> {
      const ms = timeOfRequestId(id);
      if (ms === null) return null;
      const createdAt = new Date(ms).toISOString();
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.log(createdAt, id) }));
      return out.Item ? fromItem(out.Item) : null;
    },

    async query(q: LogQuery): Promise<LogPage> {
      const limit = Math.min(Math.max(q.limit ?? 50, 1), MAX_LIMIT);
      const to = q.to ?? new Date(now() + 60_000).toISOString();
      const from = q.from ?? new Date(now() - retentionDays * 86400_000).toISOString();
      const cursor = decodeCursor(q.cursor);
      const filters: string[] = [];
      const values: Record<string, unknown> = { ':from': from, ':to': `${to}~` };
      const names: Record<string, string> = {};
      const attr = (field: keyof typeof LOG_ATTRIBUTES) => {
        names[`#${field}`] = LOG_ATTRIBUTES[field];
        return `#${field}`;
      };
      if (q.model) {
        filters.push(`(${attr('model')} = :model OR ${attr('upstreamModel')} = :model)`);
        values[':model'] = q.model;
      }
      if (q.status !== undefined) {
        filters.push(`${attr('statusCode')} = :status`);
        values[':status'] = q.status;
      }
      if (q.sessionId) {
        filters.push(`${attr('sessionId')} = :session`);
        values[':session'] = q.sessionId;
      }
      // Secondary filters when more than one of user/key/provider is given.
      const index = q.keyId
        ? { name: GSI2, pk: 'GSI2PK', sk: 'GSI2SK', value: keys.logByKeyPartition(q.keyId) }
        : q.userId
          ? { name: GSI1, pk: 'GSI1PK', sk: 'GSI1SK', value: keys.logByUserPartition(q.userId) }
          : q.providerId
            ? { name: GSI3, pk: 'GSI3PK', sk: 'GSI3SK', value: keys.logByProviderPartition(q.providerId) }
            : null;
      if (q.userId && index?.name !== GSI1) {
        filters.push(`${attr('userId')} = :user`);
        values[':user'] = q.userId;
      }
      if (q.providerId && index?.name !== GSI3) {
        filters.push(`${attr('providerId')} = :provider`);
        values[':provider'] = q.providerId;
      }

      const items: RequestLog[] = [];
      let examined = 0;
      const run = async (pkName: string, skName: string, pkValue: string, indexName: string | undefined, startKey?: Record<string, unknown>) => {
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.tableName,
            IndexName: indexName,
            KeyConditionExpression: `${pkName} = :pk AND ${skName} BETWEEN :from AND :to`,
            FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
            ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
            ExpressionAttributeValues: { ...values, ':pk': pkValue },
            ScanIndexForward: false,
            Limit: limit - items.length + 1,
            ExclusiveStartKey: startKey,
          }),
        );
        examined += out.ScannedCount ?? 0;
        for (const item of out.Items ?? []) items.push(fromItem(item));
        return out.LastEvaluatedKey;
      };

      if (index) {
        let startKey = cursor?.k;
        do {
          startKey = await run(index.pk, index.sk, index.value, index.name, startKey);
        } while (startKey && items.length <= limit && examined < MAX_EXAMINED);
        return this.page(items, limit, startKey ? { k: startKey } : null);
      }

      const firstDay = from.slice(0, 10);
      let day = cursor?.d ?? to.slice(0, 10);
      let startKey = cursor?.k;
      while (day >= firstDay && items.length <= limit && examined < MAX_EXAMINED) {
        startKey = await run('PK', 'SK', keys.logPartition(day), undefined, startKey);
        if (!startKey) {
          day = previousDay(day);
          if (items.length > limit) break;
        }
      }
      const more = day >= firstDay ? { d: day, ...(startKey ? { k: startKey } : {}) } : null;
      return this.page(items, limit, more);
    },

    /** Cuts a page at `limit`; the cursor resumes right after the last returned item. */
    page(items: RequestLog[], limit: number, more: Cursor | null): LogPage {
      if (items.length > limit) {
        const last = items[limit - 1]!;
        const lastKey: Record<string, unknown> = { ...keys.log(last.createdAt, last.id) };
        // Resume keys must match the index that was read: rebuild them from the item itself.
        if (more?.d === undefined && more?.k) {
          for (const name of Object.keys(more.k)) if (!(name in lastKey)) lastKey[name] = indexKeyOf(last, name);
        }
        const cursor: Cursor = more?.d !== undefined || !more?.k ? { d: last.createdAt.slice(0, 10), k: lastKey } : { k: lastKey };
        return { items: items.slice(0, limit), nextCursor: encodeCursor(cursor) };
      }
      return { items, nextCursor: more ? encodeCursor(more) : null };
    },
  };
}

function indexKeyOf(log: RequestLog, name: string): string | undefined {
  switch (name) {
    case 'GSI1PK':
      return log.userId ? keys.logByUserPartition(log.userId) : undefined;
    case 'GSI1SK':
      return keys.logSortKey(log.createdAt, log.id);
    case 'GSI2PK':
      return log.keyId ? keys.logByKeyPartition(log.keyId) : undefined;
    case 'GSI2SK':
      return keys.logSortKey(log.createdAt, log.id);
    case 'GSI3PK':
      return log.providerId ? keys.logByProviderPartition(log.providerId) : undefined;
    case 'GSI3SK':
      return keys.logSortKey(log.createdAt, log.id);
    default:
      return undefined;
  }
}

export type LogsRepo = ReturnType<typeof createLogsRepo>;
