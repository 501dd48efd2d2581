// Answers DynamoDB JSON calls with dynalite's own validations and actions, called directly: the
// steps of dynalite's HTTP listener (index.js httpHandler) after it has read the body, in the same
// order, with the same status codes, headers and body bytes, minus the socket.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { StoreAnswer, StoreCall } from '../shared/db/in-process-handler.js';
import { checkTypes } from './dynalite-check-types.js';

/** dynalite's store (db.create): opaque here, handed to its validations and actions. */
export type DynaliteStore = object;

interface DynaliteError {
  statusCode?: number;
  body?: unknown;
}
type ActionCallback = (err: (Error & DynaliteError) | null, data?: unknown) => void;
interface ActionValidation {
  types: Record<string, unknown>;
  custom?: unknown;
}
interface Validations {
  checkTypes(data: unknown, types: Record<string, unknown>): unknown;
  checkValidations(data: unknown, types: Record<string, unknown>, custom: unknown, store: DynaliteStore): void;
}

const requireFromHere = createRequire(import.meta.url);
// dynalite's dependencies resolve from dynalite itself (buffer-crc32 is its dependency, not ours).
const requireFromDynalite = createRequire(requireFromHere.resolve('dynalite'));

type LevelClass = new (...args: any[]) => LevelPut;

interface LevelPut {
  put(key: unknown, value: unknown, options?: unknown): Promise<void>;
}

/** Keys of the databases holding items: a table's (`item-<table>~`) and its indexes' (`index-<type>~<table>~<index>~`). */
const ITEM_KEY = /^(item|index)-/;
const AS_TEXT = { valueEncoding: 'utf8' } as const;
const itemText = new WeakMap<object, string>();

/**
 * An item's JSON text, made once per item object. dynalite writes a log item four times, all with
 * the same object: to the table and to each of the three indexes that project it whole (ALL), and
 * each write JSON-encoded it again. Now one text is made and written under the four keys: a quarter
 * of the encoding, and the in-memory store keeps one copy of the text instead of four.
 *
 * The text is valid for as long as the object is unchanged. Only item and index writes share it, and
 * dynalite never changes an item object once it has written it: every write puts an object of its
 * own (the request's item, or a deep clone of the stored one with the update applied), whose index
 * entries are written before the item itself. Table descriptions are changed and written again
 * (CreateTable's CREATING then ACTIVE), so they are encoded at every write, as before.
 */
function sharedItemText(value: object): string {
  let text = itemText.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    itemText.set(value, text);
  }
  return text;
}

/** `Base` (dynalite's LevelDB class, with its `json` value encoding) writing items' shared JSON text. */
function sharingItemText<T extends LevelClass>(Base: T): T {
  return class extends Base {
    override put(key: unknown, value: unknown, options?: unknown): Promise<void> {
      // dynalite's callback wrapper calls put(key, value): no options of its own to keep.
      if (options === undefined && typeof key === 'string' && ITEM_KEY.test(key) && typeof value === 'object' && value !== null) {
        return super.put(key, sharedItemText(value), AS_TEXT);
      }
      return super.put(key, value, options);
    }
  };
}

/**
 * The in-memory store keeps strings, not bytes. dynalite builds its in-memory LevelDB as
 * `new MemoryLevel({ valueEncoding: 'json' })`, and memory-level stores Buffers unless told
 * otherwise: every write then turned the item's JSON into a Buffer and every read turned it back,
 * and keys were compared byte by byte. With `storeEncoding: 'utf8'` the JSON text and the key
 * strings are kept as they are, as the on-disk store (classic-level) already does. Order is
 * unchanged: every key dynalite writes is ASCII (hex-encoded key values, an MD5 prefix, table and
 * index names), and for ASCII strings JavaScript's comparison is the byte comparison.
 *
 * dynalite reads `MemoryLevel` and `Level` from their modules' exports once, when its db module
 * loads, so the exports are swapped before dynalite is loaded (below) and dynalite is loaded only here.
 */
const memoryLevel = requireFromDynalite('memory-level') as { MemoryLevel: LevelClass };
const diskLevel = requireFromDynalite('level') as { Level: LevelClass };
export const UTF8_STORE = { storeEncoding: 'utf8' } as const;
const SharingMemoryLevel = sharingItemText(memoryLevel.MemoryLevel);
memoryLevel.MemoryLevel = class Utf8MemoryLevel extends SharingMemoryLevel {
  constructor(options?: Record<string, unknown>) {
    super({ ...UTF8_STORE, ...options });
  }
};
diskLevel.Level = sharingItemText(diskLevel.Level);
const dynalite = requireFromHere('dynalite') as (options: Record<string, unknown>) => Server;
const validations = requireFromDynalite('./validations') as Validations;
const crc32 = requireFromDynalite('buffer-crc32') as { unsigned(input: Buffer | string): number };

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const VALID_APIS = new Set(['DynamoDB_20111205', 'DynamoDB_20120810']);
const OPERATIONS = [
  'BatchGetItem', 'BatchWriteItem', 'CreateTable', 'DeleteItem', 'DeleteTable', 'DescribeTable', 'DescribeTimeToLive',
  'GetItem', 'ListTables', 'PutItem', 'Query', 'Scan', 'TagResource', 'UntagResource', 'ListTagsOfResource', 'UpdateItem',
  'UpdateTable',
];
const dynaliteDb = requireFromDynalite('./db') as { create: (options: Record<string, unknown>) => DynaliteStore };

/**
 * dynalite's HTTP server and the store it serves, for calling both. dynalite keeps its store
 * private, so it is caught on its way out of db.create (dynalite's own module, called once,
 * synchronously, by dynalite()).
 */
export function createDynalite(options: Record<string, unknown>): { server: Server; store: DynaliteStore } {
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (o) => (store = create(o));
  let server: Server;
  try {
    server = dynalite(options);
  } finally {
    dynaliteDb.create = create;
  }
  if (!store) throw new Error('dynalite did not create its store through db.create');
  return { server, store };
}

/** Starts dynalite's listener on 127.0.0.1 (`port` 0: any free port) and resolves with its port. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes dynalite's listener, open connections first; dynalite's close also closes LevelDB, flushing it to disk. */
export function closeDynalite(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);
const actions = new Map<string, { run: (store: DynaliteStore, data: unknown, cb: ActionCallback) => void; validation: ActionValidation }>(
  OPERATIONS.map((op) => [
    op,
    {
      run: requireFromDynalite(`./actions/${lowerFirst(op)}`) as (store: DynaliteStore, data: unknown, cb: ActionCallback) => void,
      validation: requireFromDynalite(`./validations/${lowerFirst(op)}`) as ActionValidation,
    },
  ]),
);

// dynalite's answers that have fixed bytes (its listener hard-codes their checksums too).
const HEALTHY = Buffer.from('healthy: dynamodb.us-east-1.amazonaws.com ');
const UNKNOWN_OPERATION = Buffer.from('<UnknownOperationException/>\n');

// Request ids come from a pool of random bytes: one randomBytes call per 256 ids, not per call
// (a small randomBytes costs a system call, about as much as a whole GetItem here).
const ID_BYTES = 39;
let idPool = Buffer.alloc(0);
let idOffset = 0;

function requestId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 256);
    idOffset = 0;
  }
  const bytes = idPool.subarray(idOffset, (idOffset += ID_BYTES));
  // dynalite's rand52CharId: 39 random bytes as 52 upper-case base64 characters.
  return bytes.toString('base64').toUpperCase().replace(/\+|\//g, '0');
}

function send(id: string, contentType: string, data: unknown, statusCode = 200): StoreAnswer {
  const body = Buffer.from(JSON.stringify(data), 'utf8');
  return {
    statusCode,
    headers: {
      'x-amzn-requestid': id,
      'x-amz-crc32': String(crc32.unsigned(body)),
      'content-type': contentType,
      'content-length': String(body.length),
    },
    body,
  };
}

/**
 * A non-HTTP error inside dynalite (LevelDB failing): its listener would throw it out of a socket
 * callback and crash the process; here the caller gets DynamoDB's 500 instead (retried, and
 * counted as the store being unavailable).
 */
function internalError(id: string, contentType: string, err: unknown): StoreAnswer {
  const message = err instanceof Error ? err.message : String(err);
  return send(id, contentType, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message }, 500);
}

/**
 * One call against `store`. What dynalite's listener checks before this point is skipped on
 * purpose: CORS preflights (the SDK sends no Origin) and the signature's presence (in-process
 * calls are this process's own and go unsigned).
 */
export function dispatchToDynalite(store: DynaliteStore, call: StoreCall): Promise<StoreAnswer> {
  // A string's UTF-8 size is at most three bytes per UTF-16 unit: most bodies skip the count.
  if (call.body.length * 3 > MAX_REQUEST_BYTES && Buffer.byteLength(call.body, 'utf8') > MAX_REQUEST_BYTES) {
    return Promise.resolve({ statusCode: 413, headers: { 'transfer-encoding': 'chunked' }, body: new Uint8Array(0) });
  }
  const id = requestId();
  if (call.method === 'GET') {
    return Promise.resolve({
      statusCode: 200,
      headers: { 'x-amzn-requestid': id, 'x-amz-crc32': '3128867991', 'content-length': '42' },
      body: HEALTHY,
    });
  }
  const mediaType = call.contentType.split(';')[0]!.trim();
  if (call.method !== 'POST' || (call.body && mediaType !== 'application/json' && mediaType !== 'application/x-amz-json-1.0')) {
    return Promise.resolve({
      statusCode: 404,
      headers: { 'x-amzn-requestid': id, 'x-amz-crc32': '3552371480', 'content-length': '29' },
      body: UNKNOWN_OPERATION,
    });
  }
  const contentType = mediaType === 'application/x-amz-json-1.0' ? mediaType : 'application/json';
  let data: unknown;
  if (call.body) {
    try {
      data = JSON.parse(call.body);
    } catch {
      return Promise.resolve(send(id, contentType, { __type: 'com.amazon.coral.service#SerializationException' }, 400));
    }
  }
  const target = call.target.split('.');
  const action = target.length === 2 && VALID_APIS.has(target[0]!) ? actions.get(target[1]!) : undefined;
  if (!action) return Promise.resolve(send(id, contentType, { __type: 'com.amazon.coral.service#UnknownOperationException' }, 400));
  if (!call.body) return Promise.resolve(send(id, contentType, { __type: 'com.amazon.coral.service#SerializationException' }, 400));

  try {
    data = checkTypes(data as Record<string, unknown>, action.validation.types);
    validations.checkValidations(data, action.validation.types, action.validation.custom, store);
  } catch (err) {
    const { statusCode, body } = err as DynaliteError;
    return Promise.resolve(statusCode ? send(id, contentType, body, statusCode) : internalError(id, contentType, err));
  }
  return new Promise((resolve) => {
    try {
      action.run(store, data, (err, result) => {
        if (err) resolve(err.statusCode ? send(id, contentType, err.body, err.statusCode) : internalError(id, contentType, err));
        else resolve(send(id, contentType, result));
      });
    } catch (err) {
      resolve(internalError(id, contentType, err));
    }
  });
}
