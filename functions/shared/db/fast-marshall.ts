// Items to DynamoDB AttributeValues for batch writes, as the document client's marshall does with
// our options (removeUndefinedValues, no empty-value conversion), in one tight pass: log items go
// out by the hundred per second and the generic path (lib-dynamodb walking the command, then
// util-dynamodb's type probing per value) was most of the SDK's CPU per request. Anything but
// strings, finite numbers, booleans, null, arrays and plain objects goes to util-dynamodb itself.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToAttr } from '@aws-sdk/util-dynamodb';

const OPTIONS = { removeUndefinedValues: true, convertEmptyValues: false } as const;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function marshallValue(value: unknown): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      // Safe integers and finite fractions print as util-dynamodb prints them; the rest (NaN,
      // Infinity, unsafe integers) get its errors.
      if (Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return { N: value.toString() };
      return convertToAttr(value, OPTIONS);
    case 'object':
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) {
        const list: AttributeValue[] = [];
        for (const item of value) if (item !== undefined && typeof item !== 'function') list.push(marshallValue(item));
        return { L: list };
      }
      if (isPlainObject(value)) return { M: marshallItem(value as Record<string, unknown>) };
      return convertToAttr(value, OPTIONS);
    default:
      return convertToAttr(value, OPTIONS);
  }
}

/** A plain item's attributes; undefined values (and functions) are left out, as util-dynamodb does. */
export function marshallItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const key in item) {
    if (!Object.prototype.hasOwnProperty.call(item, key)) continue;
    const value = item[key];
    if (value !== undefined && typeof value !== 'function') out[key] = marshallValue(value);
  }
  return out;
}
