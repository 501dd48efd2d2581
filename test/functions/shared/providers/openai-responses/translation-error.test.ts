import { describe, expect, it } from 'vitest';
import { describeValue } from '../../../../../functions/shared/providers/openai-responses/translation-error.js';

const deep = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

describe('describeValue', () => {
  it.each([
    { case: 'a string', value: 'custom', shows: '"custom"' },
    { case: 'an object', value: { type: 'custom' }, shows: '{"type":"custom"}' },
    { case: 'null', value: null, shows: 'null' },
    { case: 'undefined', value: undefined, shows: 'undefined' },
    { case: 'a megabyte string, cut short', value: 'x'.repeat(1 << 20), shows: `"${'x'.repeat(119)}…` },
    { case: 'an array nested past JSON.stringify', value: deep(100_000), shows: '[…]' },
  ])('shows $case as $shows', ({ value, shows }) => {
    expect(describeValue(value)).toBe(shows);
  });
});
