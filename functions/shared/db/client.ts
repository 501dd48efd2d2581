// DynamoDB client factory: one document client per process, tuned for short timeouts so an
// unreachable store fails fast (the proxy fails open; see limits and settle).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export interface Db {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface DbOptions {
  tableName: string;
  region: string;
  /** A DynamoDB-compatible endpoint (embedded store, DynamoDB Local); unset on AWS. */
  endpoint?: string | null;
  /** SDK attempts per operation (default 3). */
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export function createDb(options: DbOptions): Db {
  const local = Boolean(options.endpoint);
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoint ?? undefined,
    maxAttempts: options.maxAttempts ?? 3,
    // The embedded store accepts any credentials; never look for real ones locally.
    credentials: local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    requestHandler: {
      connectionTimeout: 2000,
      requestTimeout: options.requestTimeoutMs ?? 5000,
      httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
    },
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  return { client, doc, tableName: options.tableName };
}

/** True when a stored item with a TTL has passed it (TTL deletion is lazy, so reads check). */
export function isExpired(item: { expiresAt?: unknown } | undefined, nowMs: number): boolean {
  const at = item?.expiresAt;
  return typeof at === 'number' && at * 1000 <= nowMs;
}

/** Remove the table's key attributes from an item before it leaves the data layer. */
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI3PK: _e, GSI3SK: _f, ...rest } = item;
  return rest;
}
