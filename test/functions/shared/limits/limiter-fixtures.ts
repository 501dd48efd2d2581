// Shared set-up for the limiter tests: users and keys as plain records, a limiter on a fresh table
// with a movable clock, a store client that records (or fails) commands, and a closed-port store.
import { createServer } from 'node:net';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { createDb, type Db } from '../../../../functions/shared/db/client.js';
import { RateLimitError } from '../../../../functions/shared/errors.js';
import { createLimiter, type AdmissionRequest, type Limiter } from '../../../../functions/shared/limits/limiter.js';
import type { HubConfig } from '../../../../functions/shared/config.js';
import type { ApiKey, ProviderWithSecret, User } from '../../../../functions/shared/types.js';
import { keyInput, providerInput, userInput } from '../../../support/inputs.js';
import { createTestContext, type TestContext } from '../../../support/store.js';

/** A Wednesday; 12:00 in Europe/Berlin. Aligned to a 5-minute bucket and an RPM slot. */
export const NOW = Date.parse('2026-05-06T10:00:00Z');
export const usd = (amount: number) => Math.round(amount * 1e9);

const STAMPS = { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

export function makeUser(overrides: Partial<User> = {}): User {
  return { ...userInput({ name: 'alice' }), id: 'usr_alice', ...STAMPS, ...overrides };
}

export function makeKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return { ...keyInput({ name: 'laptop' }), id: 'key_laptop', userId: 'usr_alice', keyPrefix: 'sk-abcd', ...STAMPS, ...overrides };
}

export function makeProvider(overrides: Partial<ProviderWithSecret> = {}): ProviderWithSecret {
  return {
    ...providerInput('http://127.0.0.1:9', { name: 'main', apiKey: 'sk-upstream' }),
    id: 'prv_main',
    apiKeyHint: '',
    ...STAMPS,
    ...overrides,
  };
}

let requestCounter = 0;
export const newRequestId = () => `req_test_${++requestCounter}`;

export interface LimiterHarness extends TestContext {
  limiter: Limiter;
  /** One request through admission: fresh request id, the given session, estimate (default 0). */
  admit(opts: { key: ApiKey; user: User; sessionId?: string; estimateNanos?: number }): ReturnType<Limiter['admit']>;
  /** Admission then settle with `costUsd` at the current clock. */
  spend(opts: { key: ApiKey; user: User; costUsd: number; sessionId?: string; providerId?: string }): Promise<void>;
}

/** The state backends (limits/state-backend.ts), as config: the limiter's behaviour must not depend on which. */
export const STATE_BACKENDS: [string, Partial<HubConfig>][] = [
  ['direct', { singleWriter: false }],
  ['mirrored (single writer)', { singleWriter: true }],
];

export interface HarnessOptions {
  now?: number;
  config?: Partial<HubConfig>;
}

export async function limiterHarness(options: HarnessOptions = {}): Promise<LimiterHarness> {
  const ctx = await createTestContext({ now: options.now ?? NOW, config: options.config });
  const limiter = ctx.services.limiter;
  const admit: LimiterHarness['admit'] = (opts) =>
    limiter.admit({
      key: opts.key,
      user: opts.user,
      sessionId: opts.sessionId ?? 'sess-main',
      requestId: newRequestId(),
      estimateNanos: opts.estimateNanos ?? 0,
    } satisfies AdmissionRequest);
  return {
    ...ctx,
    limiter,
    admit,
    async spend(opts) {
      const ticket = await admit(opts);
      await limiter.settle(ticket, { costNanos: usd(opts.costUsd), providerId: opts.providerId ?? null, nowMs: ctx.clock.now });
    },
  };
}

/** The RateLimitError a promise rejects with (fails the test when it resolves). */
export async function refusal(promise: Promise<unknown>): Promise<RateLimitError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitError);
  return err as RateLimitError;
}

export interface RecordingDb extends Db {
  /** Command class names in the order they were sent. */
  sent: string[];
  /** Sends and answers in order: `UpdateCommand` when sent, `<- UpdateCommand` when it answered. */
  events: string[];
}

export type StoreCommand = { constructor: { name: string }; input: { Key?: { PK?: string; SK?: string } } };

/** A client that records each command, and fails those `fail` selects with a store error. */
export function recordingDb(db: Db, fail?: (command: StoreCommand) => boolean): RecordingDb {
  const sent: string[] = [];
  const events: string[] = [];
  const doc = {
    async send(command: StoreCommand) {
      const name = command.constructor.name;
      sent.push(name);
      events.push(name);
      try {
        if (fail?.(command)) throw Object.assign(new Error('injected store failure'), { name: 'InternalServerError' });
        return await db.doc.send(command as never);
      } finally {
        events.push(`<- ${name}`);
      }
    },
  } as unknown as DynamoDBDocumentClient;
  return { client: db.client, doc, tableName: db.tableName, sent, events };
}

/** A store client whose endpoint is a loopback port nobody listens on. */
export async function unreachableDb(): Promise<Db> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return createDb({ tableName: 'unreachable', region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
}

/** A limiter over another client (recording, failing or unreachable) but the harness's clock and config. */
export function limiterOver(h: TestContext, db: Db, options: { providerCacheMs?: number } = {}): Limiter {
  return createLimiter({ config: h.services.config, db, logger: h.logger, now: h.services.now }, options);
}
