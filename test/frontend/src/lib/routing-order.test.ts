import { describe, expect, it } from 'vitest';
import { orderForRouting, type RoutableProvider } from '../../../../frontend/src/lib/routing-order.js';

function p(name: string, priority: number, weight: number, enabled = true, groupTag = 'default'): RoutableProvider {
  return { id: name, name, priority, weight, enabled, groupTag };
}

describe('orderForRouting', () => {
  it('puts lower priority first and heavier weight first within a priority', () => {
    const rows = orderForRouting([p('backup', 1, 1), p('light', 0, 1), p('heavy', 0, 3)]);
    expect(rows.map((r) => r.provider.name)).toEqual(['heavy', 'light', 'backup']);
  });

  it('splits each tier by weight among enabled providers only', () => {
    const rows = orderForRouting([p('a', 0, 3), p('b', 0, 1), p('off', 0, 4, false), p('solo', 1, 1)]);
    const share = Object.fromEntries(rows.map((r) => [r.provider.name, r.share]));
    expect(share).toEqual({ a: 0.75, b: 0.25, off: 0, solo: 1 });
  });

  it('keeps groups apart because a user only routes within its group', () => {
    const rows = orderForRouting([p('x', 0, 1, true, 'team'), p('y', 0, 1, true, 'default')]);
    expect(rows.map((r) => [r.provider.name, r.share])).toEqual([['y', 1], ['x', 1]]);
  });

  it('marks where each tier starts', () => {
    const rows = orderForRouting([p('a', 0, 2), p('b', 0, 1), p('c', 1, 1)]);
    expect(rows.map((r) => r.tierStart)).toEqual([true, false, true]);
  });

  it('gives no share when every weight in the tier is zero', () => {
    expect(orderForRouting([p('a', 0, 0)])[0].share).toBe(0);
  });
});
