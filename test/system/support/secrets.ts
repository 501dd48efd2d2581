// Looking for secrets where they must not be: every item of the table, captured log entries, answers.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../../../functions/shared/db/client.js';

/** Every item of the table (all pages). */
export async function scanTable(db: Db): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Everything a value holds as text: errors with message, stack, cause and own fields; Maps; nested values. */
export function deepText(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '';
  seen.add(value);
  const parts: string[] = [];
  if (value instanceof Error) parts.push(value.name, value.message, value.stack ?? '', deepText(value.cause, seen));
  if (value instanceof Map) for (const [k, v] of value) parts.push(deepText(k, seen), deepText(v, seen));
  for (const key of Object.getOwnPropertyNames(value)) {
    parts.push(key, deepText((value as Record<string, unknown>)[key], seen));
  }
  return parts.join(' ');
}

/**
 * Which of `secrets` occur in `text`: whole, or any 16-character window of one (a secret cut,
 * re-encoded around or shown in part still leaks). Shorter windows would match the display prefix.
 */
export function leakedSecrets(text: string, secrets: readonly string[], window = 16): string[] {
  return secrets.filter((secret) => {
    for (let i = 0; i + window <= secret.length; i++) if (text.includes(secret.slice(i, i + window))) return true;
    return false;
  });
}
