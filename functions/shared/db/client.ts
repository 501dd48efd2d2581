// DynamoDB client factory: one document client per process, with short timeouts and a breaker so
// an unreachable store fails fast (the proxy fails open; see limits and settle).
import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand, type DynamoDBClientConfig, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshallItem } from './fast-marshall.js';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createInProcessHandler, UNSIGNED_SIGV4_SCHEMES, type InProcessStore } from './in-process-handler.js';
import { GSI1 } from './keys.js';
import { createStoreBreaker, isConnectionFailure } from './store-breaker.js';

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
  /**
   * The embedded store of this same process: calls go to it directly, unsigned, without HTTP
   * (in-process-handler.ts). Only for a store this process started; everything else uses `endpoint`.
   */
  inProcess?: InProcessStore | null;
  /** SDK attempts per operation (default 3). */
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

// The embedded store accepts any credentials; never look for real ones locally.
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Client settings for reaching the store: in process, over HTTP to an endpoint, or AWS's own. */
function transport(options: DbOptions, requestTimeoutMs: number, connectionTimeoutMs: number): DynamoDBClientConfig {
  if (options.inProcess) {
    return {
      // Never dialled: the handler below answers every call; the endpoint only keeps the SDK off AWS.
      endpoint: options.endpoint ?? 'http://in-process.invalid',
      credentials: LOCAL_CREDENTIALS,
      httpAuthSchemes: UNSIGNED_SIGV4_SCHEMES,
      requestHandler: createInProcessHandler(options.inProcess, { requestTimeoutMs }),
    };
  }
  const local = Boolean(options.endpoint);
  return {
    endpoint: options.endpoint ?? undefined,
    credentials: local ? LOCAL_CREDENTIALS : undefined,
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Without this the SDK only logs a warning and a hung store blocks the call forever.
      throwOnRequestTimeout: true,
      httpAgent: new Agent({ keepAlive: true, maxSockets: 256 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
    },
  };
}

export function createDb(options: DbOptions): Db {
  const client = new DynamoDBClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...transport(options, options.requestTimeoutMs ?? 5000, 2000),
  });
  // Each attempt (the SDK's retries included) goes through the breaker: once one cannot reach the
  // store, the rest fail at once until a probe gets an answer (store-breaker.ts).
  const probeClient = new DynamoDBClient({ region: options.region, maxAttempts: 1, ...transport(options, 1000, 1000) });
  const breaker = createStoreBreaker({
    probe: () =>
      probeClient
        .send(new GetItemCommand({ TableName: options.tableName, Key: { PK: { S: '#probe' }, SK: { S: '#probe' } } }))
        .then(
          () => undefined,
          (err: unknown) => {
            if (isConnectionFailure(err)) throw err;
          },
        ),
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      breaker.check();
      try {
        return await next(args);
      } catch (err) {
        breaker.record(err);
        throw err;
      }
    },
    { step: 'deserialize', name: 'storeBreaker' },
  );
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  return { client, doc, tableName: options.tableName };
}

const UNAVAILABLE_NAMES = new Set([
  'StoreDownError',
  'TimeoutError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True for a store call that failed because the store is unreachable, overloaded or timed out
 * (the SDK gave up after its retries), as opposed to a rejected request (a bug or a condition).
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code, $metadata } = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if ((name && UNAVAILABLE_NAMES.has(name)) || (code && NETWORK_CODES.has(code))) return true;
  const status = $metadata?.httpStatusCode;
  return $metadata !== undefined && status !== undefined && status >= 500;
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

/** Every item a Query matches, following LastEvaluatedKey page by page. */
export async function queryAll(db: Db, input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new QueryCommand({ ...input, TableName: db.tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every item of one GSI1 partition (the lists: users, a user's keys, providers, prices). */
export function queryGsi1Partition(db: Db, partition: string): Promise<Record<string, unknown>[]> {
  return queryAll(db, { IndexName: GSI1, KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': partition } });
}

/** BatchWriteItem's limit: at most this many items per call. */
export const BATCH_WRITE_MAX = 25;

/**
 * Puts up to 25 items in one BatchWriteItem, retrying the items the store leaves unprocessed
 * (throttling) with backoff; throws when they stay unprocessed.
 */
export async function batchPut(db: Db, items: readonly Record<string, unknown>[]): Promise<void> {
  // Marshalled here in one pass (fast-marshall.ts) and sent through the plain client.
  let requests: WriteRequest[] = items.map((item) => ({ PutRequest: { Item: marshallItem(item) } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 6) throw new Error('the store kept returning unprocessed items');
    if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    const out = await db.client.send(new BatchWriteItemCommand({ RequestItems: { [db.tableName]: requests } }));
    requests = out.UnprocessedItems?.[db.tableName] ?? [];
  }
}
