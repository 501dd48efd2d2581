import { describe, expect, it } from 'vitest';
import { parseLimitState, type LimitState } from '../../../../functions/shared/limits/limit-state.js';
import { MirroredItem } from '../../../../functions/shared/limits/mirrored-item.js';
import { StateConditionFailed, type StateChange, type StateKey } from '../../../../functions/shared/limits/state-change.js';

// The mirrored item against a model: a stored item changed the way DynamoDB applies an UpdateItem
// (a new object per change), then parsed. After every change the item's attributes (in order) and
// its state must be what the model gives.

const KEY: StateKey = { PK: 'SPEND#user#usr_a', SK: 'A#STATE' };
const NOW = Date.parse('2026-05-06T10:00:00Z');

/** The model: DynamoDB's UpdateItem on top-level attributes (removals, key, sets, then adds). */
function modelApply(item: Record<string, unknown>, change: StateChange): Record<string, unknown> {
  if (change.expect) {
    if (!('PK' in item)) throw new StateConditionFailed('the item does not exist');
    for (const [a, v] of change.expect.equals) if (item[a] !== v) throw new StateConditionFailed(`${a} changed`);
  }
  const next: Record<string, unknown> = {};
  for (const a of Object.keys(item)) if (!change.remove.includes(a)) next[a] = item[a];
  next.PK = KEY.PK;
  next.SK = KEY.SK;
  for (const [a, v] of change.set) next[a] = v;
  for (const [a, n] of change.add) next[a] = (typeof next[a] === 'number' ? (next[a] as number) : 0) + n;
  return next;
}

/** A state with its maps as entry lists, so a comparison sees their order too. */
function ordered(state: LimitState) {
  return { ...state, idleUntilSec: [...state.idleUntilSec], days: [...state.days] };
}

/** A small deterministic generator (a failure reproduces). */
function generator(seed: number) {
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
  return { pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!, chance: (p: number) => next() < p };
}

const NAMES = ['q:r1', 'q:r2', 'q:r3', 'i:s1', 'i:s2', 'b:1778061300', 'b:1778061600', 'b:x', 'd:2026-05-05', 'd:2026-05-06', 'r:1778061590', 'r:1778061600', 'total', 'entity', 'q:', 'x:other'];
const VALUES: unknown[] = [
  { n: 5, s: 's1', t: NOW },
  { n: 7, s: 's2', t: NOW - 1000 },
  { n: '5', s: 's1', t: NOW }, // malformed in-flight value
  3,
  NOW / 1000 + 60,
  'text',
  null,
];

function randomChange(g: ReturnType<typeof generator>, item: Record<string, unknown>): StateChange {
  const change: StateChange = { set: [], add: [], remove: [] };
  const touched = new Set<string>();
  const fresh = () => {
    const name = g.pick(NAMES);
    if (touched.has(name)) return null;
    touched.add(name);
    return name;
  };
  for (let i = 0; i < 3; i++) {
    const name = fresh();
    if (!name) continue;
    if (g.chance(0.35)) change.remove.push(name);
    else if (g.chance(0.5)) change.set.push([name, g.pick(VALUES)]);
    else change.add.push([name, g.pick([1, -1, 250])]);
  }
  if (g.chance(0.15)) {
    const name = g.pick(NAMES);
    change.expect = { exists: true, equals: [[name, g.chance(0.5) ? item[name] : 'not this']] };
  }
  return change;
}

describe('MirroredItem', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('matches the model through 300 random changes (seed %i)', (seed) => {
    const g = generator(seed);
    let model: Record<string, unknown> = seed % 2 ? {} : { ...KEY, entity: 'limitState', total: 9, 'q:r9': { n: 1, s: 's9', t: NOW }, 'b:x': 4 };
    const item = new MirroredItem(model);
    const handedOut: [LimitState, unknown][] = [];
    for (let step = 0; step < 300; step++) {
      const change = randomChange(g, model);
      let failed: unknown = null;
      try {
        model = modelApply(model, change);
      } catch (err) {
        failed = err;
      }
      if (failed) expect(() => item.apply(KEY, change)).toThrow(StateConditionFailed);
      else item.apply(KEY, change);
      const image = item.toItem();
      expect(Object.keys(image)).toEqual(Object.keys(model));
      expect(image).toEqual(model);
      expect(item.exists).toBe('PK' in model);
      const state = item.state();
      expect(ordered(state)).toEqual(ordered(parseLimitState(model)));
      handedOut.push([state, structuredClone(ordered(state))]);
    }
    // No state handed out changed afterwards, though later ones share its unchanged parts.
    for (const [state, asHandedOut] of handedOut) expect(ordered(state)).toEqual(asHandedOut);
  });

  it('reads a stored item as parseLimitState does', () => {
    const stored = { ...KEY, entity: 'limitState', 'i:s1': NOW / 1000, 'q:r1': { n: 5, s: 's1', t: NOW }, 'd:2026-05-06': 8, total: 'bad', 'r:1778061590': 2 };
    expect(ordered(new MirroredItem(stored).state())).toEqual(ordered(parseLimitState(stored)));
    expect(new MirroredItem({}).exists).toBe(false);
  });

  it('changes nothing when a condition fails', () => {
    const item = new MirroredItem({ ...KEY, 'i:s1': 100 });
    const before = item.toItem();
    const change: StateChange = { set: [['total', 5]], add: [], remove: ['i:s1'], expect: { exists: true, equals: [['i:s1', 99]] } };
    expect(() => item.apply(KEY, change)).toThrow(StateConditionFailed);
    expect(item.toItem()).toEqual(before);
    expect(() => new MirroredItem({}).apply(KEY, { ...change, expect: { exists: true, equals: [] } })).toThrow('the item does not exist');
  });

  it('hands out the same state until the item changes, and images later changes do not reach', () => {
    const item = new MirroredItem({});
    item.apply(KEY, { set: [['q:r1', { n: 5, s: 's1', t: NOW }]], add: [['r:1778061590', 1]], remove: [] });
    const state = item.state();
    const image = item.toItem();
    expect(item.state()).toBe(state);
    item.apply(KEY, { set: [['i:s1', 100]], add: [['total', 5]], remove: ['q:r1'] });
    const next = item.state();
    expect(next).not.toBe(state);
    expect(next.rpmSlots).toBe(state.rpmSlots); // unchanged part shared
    expect(state.inFlight).toHaveLength(1);
    expect(next.inFlight).toHaveLength(0);
    expect(image).toEqual({ ...KEY, 'q:r1': { n: 5, s: 's1', t: NOW }, 'r:1778061590': 1 });
  });
});
