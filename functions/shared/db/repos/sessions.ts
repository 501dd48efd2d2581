// Session bindings (session → provider that served it) with a sliding SESSION_TTL, and the list of
// active sessions for GET /api/sessions (GSI1 `SESSIONS`, sorted by last activity).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isExpired, queryAll, type Db } from '../client.js';
import type { WriteCoalescer } from '../write-coalescer.js';
import { GSI1, keys } from '../keys.js';

export interface SessionRecord {
  sessionId: string;
  providerId: string;
  keyId: string;
  userId: string;
  lastSeenAt: string;
  /** Requests of the session that got an answer (counted when the session is bound). */
  requests: number;
}

export type SessionBinding = Omit<SessionRecord, 'lastSeenAt' | 'requests'>;

export function createSessionsRepo(db: Db, now: () => number, ttlSec: number, writes: WriteCoalescer) {
  return {
    /** The provider a live session is bound to, or null. */
    async boundProvider(sessionId: string): Promise<string | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.session(sessionId) }));
      if (!out.Item || isExpired(out.Item, now())) return null;
      return out.Item.providerId as string;
    },

    /**
     * Binds (or rebinds) the session to a provider, slides its expiry and counts the request. One
     * UpdateItem with ADD (merged with the session's other requests in the same write window), so
     * parallel requests of one session never lose a count.
     */
    async bind(binding: SessionBinding): Promise<void> {
      const t = now();
      const lastSeenAt = new Date(t).toISOString();
      const list = keys.sessionList(lastSeenAt, binding.sessionId);
      await writes.update({
        key: keys.session(binding.sessionId),
        set: {
          GSI1PK: list.GSI1PK,
          GSI1SK: list.GSI1SK,
          entity: 'session',
          sessionId: binding.sessionId,
          providerId: binding.providerId,
          keyId: binding.keyId,
          userId: binding.userId,
          lastSeenAt,
          expiresAt: Math.floor(t / 1000) + ttlSec,
        },
        add: { requests: 1 },
      });
    },

    /** Sessions seen within the TTL, most recently active first. */
    async listActive(): Promise<SessionRecord[]> {
      const t = now();
      const since = new Date(t - ttlSec * 1000).toISOString();
      // GSI1SK starts with lastSeenAt, so `>= since` selects exactly the sessions seen since then.
      const items = await queryAll(db, {
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK >= :since',
        ExpressionAttributeValues: { ':pk': keys.sessionListPartition(), ':since': since },
        ScanIndexForward: false,
      });
      return items
        .filter((item) => !isExpired(item, t))
        .map((item) => {
          const { sessionId, providerId, keyId, userId, lastSeenAt, requests } = item as unknown as SessionRecord;
          return { sessionId, providerId, keyId, userId, lastSeenAt, requests: requests ?? 0 };
        });
    },
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
