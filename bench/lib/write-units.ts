// DynamoDB write capacity of recorded writes: table units per item version written, plus one
// write per global secondary index the item lands in (two when a write moves it within an index).
// Pure: the store probe records the writes and the item states, this prices them.
import { TABLE_DEFINITION, type TableDefinition } from '../../functions/shared/db/table.js';

export type Item = Record<string, unknown>;

/** One item touched by a write command. `old`: null = known absent, undefined = unknown. */
export interface ItemWrite {
  key: string;
  kind: 'put' | 'update' | 'delete';
  /** The full item of a put. */
  item?: Item;
  old?: Item | null;
  /** The item as it stands after an update, when the store returned it (ALL_NEW). */
  newItem?: Item;
  /** The write was refused (condition failed): DynamoDB still charges it. */
  failed?: boolean;
}

export interface WriteUnits {
  /** Item versions written (a BatchWriteItem of 25 puts counts 25). */
  itemWrites: number;
  tableUnits: number;
  indexUnits: number;
  total: number;
  /** Index writes by index name. */
  byIndex: Record<string, number>;
  /** Item writes, units (table + indexes) and bytes of the versions written, by kind of item (itemClass). */
  byItem: Record<string, { writes: number; units: number; bytes: number }>;
}

/** The kind of an item from its key `PK\nSK`: `LOG`, `SESSION`, `SPEND#key`, `ROLLUP#model`… */
export function itemClass(key: string): string {
  const [pk = '', sk = ''] = key.split('\n');
  const parts = pk.split('#');
  if (parts[0] === 'SPEND') return `SPEND#${parts[1] ?? ''}`;
  if (parts[0] === 'ROLLUP') return `ROLLUP#${sk.split('#')[0]}`;
  return parts[0]!;
}

function numberSize(n: number | bigint): number {
  // Significant digits, leading and trailing zeros trimmed; about one byte per two digits plus one.
  const digits = String(n).replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return 1 + Math.ceil(Math.max(1, digits.length) / 2);
}

/** Size of an attribute value in bytes, by DynamoDB's item size rules. */
export function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, v] of Object.entries(value as Item)) {
      if (v !== undefined) size += Buffer.byteLength(name, 'utf8') + 1 + valueSize(v);
    }
    return size;
  }
  return 0;
}

/** Size of a whole item: attribute names plus values. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, v] of Object.entries(item)) {
    if (v !== undefined) size += Buffer.byteLength(name, 'utf8') + valueSize(v);
  }
  return size;
}

/** Write units of writing one item version: one per started KB, at least one. */
export function unitsOf(item: Item | null | undefined): number {
  return item ? Math.max(1, Math.ceil(itemSize(item) / 1024)) : 1;
}

/** The index key of an item in each index it belongs to (both key attributes present). */
export function indexKeys(item: Item | null | undefined, def: TableDefinition = TABLE_DEFINITION): Map<string, string> {
  const out = new Map<string, string>();
  if (!item) return out;
  for (const gsi of def.globalSecondaryIndexes) {
    const pk = item[gsi.partitionKey];
    const sk = item[gsi.sortKey];
    if (pk !== undefined && pk !== null && sk !== undefined && sk !== null) out.set(gsi.indexName, `${String(pk)}\n${String(sk)}`);
  }
  return out;
}

/** Units of one item transition old → new: the table write plus every index entry put, updated or deleted. */
export function transitionUnits(
  old: Item | null | undefined,
  next: Item | null,
  def: TableDefinition = TABLE_DEFINITION,
): { table: number; byIndex: Map<string, number> } {
  const table = next ? Math.max(unitsOf(next), old ? unitsOf(old) : 1) : unitsOf(old);
  const byIndex = new Map<string, number>();
  // Unknown old state: the item is taken to stay where it is in each index (one write per index).
  const oldKeys = old === undefined ? indexKeys(next, def) : indexKeys(old, def);
  const newKeys = indexKeys(next, def);
  for (const gsi of def.globalSecondaryIndexes) {
    const o = oldKeys.get(gsi.indexName);
    const n = newKeys.get(gsi.indexName);
    let units = 0;
    if (o !== undefined && n !== undefined) units = o === n ? unitsOf(next) : unitsOf(old ?? next) + unitsOf(next);
    else if (n !== undefined) units = unitsOf(next);
    else if (o !== undefined) units = unitsOf(old ?? next);
    if (units > 0) byIndex.set(gsi.indexName, units);
  }
  return { table, byIndex };
}

/**
 * Prices a chronological list of item writes. `finals` holds each key's item after the last write
 * (read back from the store), used where a write's resulting state is not otherwise known.
 */
export function priceWrites(writes: readonly ItemWrite[], finals: ReadonlyMap<string, Item | null>, def: TableDefinition = TABLE_DEFINITION): WriteUnits {
  const result: WriteUnits = { itemWrites: 0, tableUnits: 0, indexUnits: 0, total: 0, byIndex: {}, byItem: {} };
  const byKey = new Map<string, ItemWrite[]>();
  for (const w of writes) {
    const list = byKey.get(w.key) ?? [];
    list.push(w);
    byKey.set(w.key, list);
  }
  for (const [key, list] of byKey) {
    let previous: Item | null | undefined;
    const kind = (result.byItem[itemClass(key)] ??= { writes: 0, units: 0, bytes: 0 });
    list.forEach((w, i) => {
      result.itemWrites++;
      kind.writes++;
      const old = w.old !== undefined ? w.old : previous;
      if (w.failed) {
        // A refused conditional write costs the units of the item it was checked against.
        result.tableUnits += unitsOf(old);
        kind.units += unitsOf(old);
        return;
      }
      let next: Item | null;
      if (w.kind === 'put') next = w.item ?? null;
      else if (w.kind === 'delete') next = null;
      else {
        // What the next write found is what this one left; after the last one, the item read back.
        const after = list[i + 1]?.old;
        next = w.newItem ?? (after !== undefined ? after : (finals.get(key) ?? null));
      }
      const t = transitionUnits(old, next, def);
      kind.bytes += itemSize(next ?? old ?? {});
      result.tableUnits += t.table;
      kind.units += t.table;
      for (const [name, units] of t.byIndex) {
        result.indexUnits += units;
        kind.units += units;
        result.byIndex[name] = (result.byIndex[name] ?? 0) + units;
      }
      previous = next;
    });
  }
  result.total = result.tableUnits + result.indexUnits;
  return result;
}
