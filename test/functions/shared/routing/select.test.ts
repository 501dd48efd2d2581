import { describe, expect, it } from 'vitest';
import { applyModelRedirect, orderCandidates } from '../../../../functions/shared/routing/select.js';
import { makeProvider } from '../../../fixtures/routing/provider.js';
import { seededRandom } from '../../../fixtures/routing/seeded-random.js';

const ids = (list: { id: string }[]) => list.map((p) => p.id);

describe('orderCandidates', () => {
  it('puts lower priority numbers first and keeps every candidate exactly once', () => {
    const providers = [
      makeProvider({ id: 'p2', priority: 2 }),
      makeProvider({ id: 'p0a', priority: 0 }),
      makeProvider({ id: 'p1', priority: 1 }),
      makeProvider({ id: 'p0b', priority: 0 }),
    ];
    for (let seed = 1; seed <= 50; seed += 1) {
      const order = ids(orderCandidates(providers, seededRandom(seed)));
      expect(order.slice(0, 2).sort()).toEqual(['p0a', 'p0b']);
      expect(order.slice(2)).toEqual(['p1', 'p2']);
    }
  });

  it('orders negative priorities before zero', () => {
    const providers = [makeProvider({ id: 'zero', priority: 0 }), makeProvider({ id: 'neg', priority: -1 })];
    expect(ids(orderCandidates(providers, () => 0.5))).toEqual(['neg', 'zero']);
  });

  it('picks by weight: 3:1 gives the heavier provider about 75% of first picks', () => {
    const providers = [makeProvider({ id: 'heavy', weight: 3 }), makeProvider({ id: 'light', weight: 1 })];
    const random = seededRandom(42);
    let heavyFirst = 0;
    const picks = 4000;
    for (let i = 0; i < picks; i += 1) {
      if (orderCandidates(providers, random)[0].id === 'heavy') heavyFirst += 1;
    }
    expect(heavyFirst / picks).toBeGreaterThan(0.72);
    expect(heavyFirst / picks).toBeLessThan(0.78);
  });

  it('walks the random point through cumulative weights', () => {
    const providers = [
      makeProvider({ id: 'a', weight: 1 }),
      makeProvider({ id: 'b', weight: 2 }),
      makeProvider({ id: 'c', weight: 1 }),
    ];
    // total 4: [0,1) → a, [1,3) → b, [3,4) → c; after removal the rest are drawn the same way.
    expect(ids(orderCandidates(providers, () => 0.2))).toEqual(['a', 'b', 'c']);
    expect(ids(orderCandidates(providers, () => 0.5))).toEqual(['b', 'c', 'a']);
    expect(ids(orderCandidates(providers, () => 0.9))).toEqual(['c', 'b', 'a']);
  });

  it('never chooses a zero-weight provider while a weighted one remains in its tier', () => {
    const providers = [
      makeProvider({ id: 'zero-1', weight: 0 }),
      makeProvider({ id: 'one', weight: 1 }),
      makeProvider({ id: 'zero-2', weight: 0 }),
      makeProvider({ id: 'two', weight: 2 }),
      makeProvider({ id: 'backup', priority: 1, weight: 5 }),
    ];
    const tailsSeen = new Set<string>();
    for (let seed = 1; seed <= 200; seed += 1) {
      const order = ids(orderCandidates(providers, seededRandom(seed)));
      expect(order.slice(0, 2).sort()).toEqual(['one', 'two']);
      expect(order.slice(2, 4).sort()).toEqual(['zero-1', 'zero-2']);
      expect(order[4]).toBe('backup');
      tailsSeen.add(order[2]);
    }
    expect(tailsSeen).toEqual(new Set(['zero-1', 'zero-2']));
  });

  it('orders an all-zero tier uniformly at random', () => {
    const providers = ['a', 'b', 'c'].map((id) => makeProvider({ id, weight: 0 }));
    const random = seededRandom(7);
    const firsts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i += 1) firsts[orderCandidates(providers, random)[0].id] += 1;
    for (const count of Object.values(firsts)) expect(count / 3000).toBeGreaterThan(0.3);
  });

  it('treats negative and non-finite weights as zero', () => {
    const providers = [
      makeProvider({ id: 'neg', weight: -3 }),
      makeProvider({ id: 'nan', weight: Number.NaN }),
      makeProvider({ id: 'real', weight: 1 }),
    ];
    expect(orderCandidates(providers, () => 0.99)[0].id).toBe('real');
  });

  it('survives a generator that returns exactly 1', () => {
    const providers = [makeProvider({ id: 'a', weight: 1 }), makeProvider({ id: 'b', weight: 0 }), makeProvider({ id: 'c', weight: 0 })];
    expect(ids(orderCandidates(providers, () => 1)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('returns an empty order for no candidates', () => {
    expect(orderCandidates([], Math.random)).toEqual([]);
  });
});

describe('applyModelRedirect', () => {
  const provider = {
    modelRedirects: {
      'claude-opus-4-5': 'claude-sonnet-4-5',
      'claude-haiku-*': 'claude-haiku-4-5',
      'claude-haiku-3*': 'claude-3-5-haiku-latest',
      'claude-haiku-3-5': 'exact-wins',
    },
  };

  it.each([
    ['claude-opus-4-5', 'claude-sonnet-4-5'],
    ['claude-opus-4-5-20251101', 'claude-opus-4-5-20251101'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-haiku-3-opus', 'claude-3-5-haiku-latest'],
    ['claude-haiku-3-5', 'exact-wins'],
    ['gpt-5', 'gpt-5'],
  ])('sends %s upstream as %s', (model, expected) => {
    expect(applyModelRedirect(provider, model)).toBe(expected);
  });

  it('does not treat inherited object keys as redirects', () => {
    expect(applyModelRedirect({ modelRedirects: {} }, 'constructor')).toBe('constructor');
  });
});
