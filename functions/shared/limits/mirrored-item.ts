// One limit state item as the mirrored backend (state-backend.ts) holds it: its attributes, changed
// in place the way DynamoDB applies an UpdateItem, and its parsed state kept up to date attribute by
// attribute, so a change costs what it touches rather than the size of the item.
import type { RpmSlot } from './evaluate.js';
import { AttrKind, attrKind, inFlightEntryOf, type InFlightEntry, type LimitState } from './limit-state.js';
import { StateConditionFailed, type StateChange, type StateKey } from './state-change.js';
import type { SpendBucket } from './windows.js';

/** Parts of the state, as bits of MirroredItem.changed. */
const IN_FLIGHT = 1;
const IDLE = 2;
const BUCKETS = 4;
const DAYS = 8;
const RPM = 16;
const TOTAL = 32;

const numberOf = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export class MirroredItem {
  private readonly attrs = new Map<string, unknown>();
  /*
   * Per kind of attribute, attribute name → what parseLimitState makes of it (null: malformed, left
   * out). Each is changed exactly when the attribute is, so it keeps the order the attributes have
   * in the item, which is the order parseLimitState lists them in.
   */
  private readonly inFlight = new Map<string, InFlightEntry | null>();
  private readonly idle = new Map<string, { sessionId: string; untilSec: number } | null>();
  private readonly buckets = new Map<string, SpendBucket | null>();
  private readonly days = new Map<string, { date: string; nanos: number } | null>();
  private readonly rpm = new Map<string, RpmSlot | null>();
  private totalNanos = 0;
  /**
   * The state as last handed out, and which of its parts changed since. A part is rebuilt only
   * when it changed and never altered once handed out, so states share unchanged parts safely.
   */
  private snapshot: LimitState | null = null;
  private changed = 0;

  /** `stored`: the item as read from the store (empty when it does not exist). */
  constructor(stored: Record<string, unknown>) {
    for (const name of Object.keys(stored)) this.put(name, stored[name]);
  }

  get exists(): boolean {
    return this.attrs.has('PK');
  }

  /**
   * Applies `change` as DynamoDB applies an UpdateItem to top-level attributes (removals, key,
   * sets, adds); when its condition fails, throws StateConditionFailed and changes nothing.
   */
  apply(key: StateKey, change: StateChange): void {
    if (change.expect) {
      if (!this.exists) throw new StateConditionFailed('the item does not exist');
      for (const [a, v] of change.expect.equals) if (this.attrs.get(a) !== v) throw new StateConditionFailed(`${a} changed`);
    }
    for (const a of change.remove) this.drop(a);
    this.attrs.set('PK', key.PK);
    this.attrs.set('SK', key.SK);
    for (const [a, v] of change.set) this.put(a, v);
    for (const [a, n] of change.add) {
      const current = this.attrs.get(a);
      this.put(a, (typeof current === 'number' ? current : 0) + n);
    }
  }

  /** The parsed state now: equal to parseLimitState(this.toItem()), and never changed afterwards. */
  state(): LimitState {
    const last = this.snapshot;
    if (last && this.changed === 0) return last;
    const stale = last ? this.changed : ~0;
    this.snapshot = {
      inFlight: stale & IN_FLIGHT ? present(this.inFlight) : last!.inFlight,
      idleUntilSec: stale & IDLE ? idleMap(this.idle) : last!.idleUntilSec,
      buckets: stale & BUCKETS ? present(this.buckets) : last!.buckets,
      days: stale & DAYS ? dayMap(this.days) : last!.days,
      totalNanos: this.totalNanos,
      rpmSlots: stale & RPM ? present(this.rpm) : last!.rpmSlots,
    };
    this.changed = 0;
    return this.snapshot;
  }

  /** A new plain object of the item as it stands, for the write behind; later changes do not touch it. */
  toItem(): Record<string, unknown> {
    // A plain loop: Object.fromEntries is several times slower on the per-request attribute names.
    const item: Record<string, unknown> = {};
    for (const [name, value] of this.attrs) item[name] = value;
    return item;
  }

  private put(name: string, value: unknown): void {
    this.attrs.set(name, value);
    switch (attrKind(name)) {
      case AttrKind.InFlight:
        this.inFlight.set(name, inFlightEntryOf(name, value));
        this.changed |= IN_FLIGHT;
        return;
      case AttrKind.Idle: {
        const untilSec = numberOf(value);
        this.idle.set(name, untilSec === null ? null : { sessionId: name.slice(2), untilSec });
        this.changed |= IDLE;
        return;
      }
      case AttrKind.Bucket: {
        const nanos = numberOf(value);
        this.buckets.set(name, nanos === null ? null : { startSec: Number(name.slice(2)), nanos });
        this.changed |= BUCKETS;
        return;
      }
      case AttrKind.Day: {
        const nanos = numberOf(value);
        this.days.set(name, nanos === null ? null : { date: name.slice(2), nanos });
        this.changed |= DAYS;
        return;
      }
      case AttrKind.Rpm: {
        const count = numberOf(value);
        this.rpm.set(name, count === null ? null : { startSec: Number(name.slice(2)), count });
        this.changed |= RPM;
        return;
      }
      case AttrKind.Total:
        this.totalNanos = numberOf(value) ?? 0;
        this.changed |= TOTAL;
    }
  }

  private drop(name: string): void {
    if (!this.attrs.delete(name)) return;
    switch (attrKind(name)) {
      case AttrKind.InFlight:
        this.inFlight.delete(name);
        this.changed |= IN_FLIGHT;
        return;
      case AttrKind.Idle:
        this.idle.delete(name);
        this.changed |= IDLE;
        return;
      case AttrKind.Bucket:
        this.buckets.delete(name);
        this.changed |= BUCKETS;
        return;
      case AttrKind.Day:
        this.days.delete(name);
        this.changed |= DAYS;
        return;
      case AttrKind.Rpm:
        this.rpm.delete(name);
        this.changed |= RPM;
        return;
      case AttrKind.Total:
        this.totalNanos = 0;
        this.changed |= TOTAL;
    }
  }
}

function present<T>(view: Map<string, T | null>): T[] {
  const list: T[] = [];
  for (const v of view.values()) if (v !== null) list.push(v);
  return list;
}

function idleMap(view: Map<string, { sessionId: string; untilSec: number } | null>): Map<string, number> {
  const map = new Map<string, number>();
  for (const v of view.values()) if (v !== null) map.set(v.sessionId, v.untilSec);
  return map;
}

function dayMap(view: Map<string, { date: string; nanos: number } | null>): Map<string, number> {
  const map = new Map<string, number>();
  for (const v of view.values()) if (v !== null) map.set(v.date, v.nanos);
  return map;
}
