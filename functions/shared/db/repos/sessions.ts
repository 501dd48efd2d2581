// Session bindings (session → provider that served it) with a sliding SESSION_TTL, and the list of
// active sessions for GET /api/sessions (GSI1 `SESSIONS`, sorted by last activity).
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isExpired, type Db } from '../client.js';
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

export function createSessionsRepo(db: Db, now: () => number, ttlSec: number) {
  return {
    /** The provider a live session is bound to, or null. */
    async boundProvider(sessionId: string): Promise<string | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.session(sessionId) }));
      if (!out.Item || isExpired(out.Item, now())) return null;
      return out.Item.providerId as string;
    },

    /**
     * Binds (or rebinds) the session to a provider, slides its expiry and counts the request. One
     * UpdateItem with ADD, so parallel requests of one session never lose a count.
     */
    async bind(binding: SessionBinding): Promise<void> {
      const t = now();
      const lastSeenAt = new Date(t).toISOString();
      const list = keys.sessionList(lastSeenAt, binding.sessionId);
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.session(binding.sessionId),
          UpdateExpression:
            'SET GSI1PK = :gpk, GSI1SK = :gsk, entity = :entity, sessionId = :sid, providerId = :pid, keyId = :kid, ' +
            'userId = :uid, lastSeenAt = :seen, expiresAt = :exp ADD requests :one',
          ExpressionAttributeValues: {
            ':gpk': list.GSI1PK,
            ':gsk': list.GSI1SK,
            ':entity': 'session',
            ':sid': binding.sessionId,
            ':pid': binding.providerId,
            ':kid': binding.keyId,
            ':uid': binding.userId,
            ':seen': lastSeenAt,
            ':exp': Math.floor(t / 1000) + ttlSec,
            ':one': 1,
          },
        }),
      );
    },

    /** Sessions seen within the TTL, most recently active first. */
    async listActive(): Promise<SessionRecord[]> {
      const t = now();
      const since = new Date(t - ttlSec * 1000).toISOString();
      // GSI1SK starts with lastSeenAt, so `>= since` selects exactly the sessions seen since then.
      const { GSI1PK } = keys.sessionList(since, '');
      const out: SessionRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.doc.send(
          new QueryCommand({
            TableName: db.tableName,
            IndexName: GSI1,
            KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK >= :since',
            ExpressionAttributeValues: { ':pk': GSI1PK, ':since': since },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (isExpired(item, t)) continue;
          const { sessionId, providerId, keyId, userId, lastSeenAt, requests } = item as unknown as SessionRecord;
          out.push({ sessionId, providerId, keyId, userId, lastSeenAt, requests: requests ?? 0 });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return out;
    },
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
