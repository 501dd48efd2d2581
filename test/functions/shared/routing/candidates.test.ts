import { describe, expect, it } from 'vitest';
import { filterCandidates, groupMatches, modelAllowed, type CandidateContext } from '../../../../functions/shared/routing/candidates.js';
import { makeProvider } from '../../../fixtures/routing/provider.js';

describe('groupMatches', () => {
  it.each([
    ['default', 'default', true],
    ['default', 'premium', false],
    ['*', 'premium', true],
    ['premium', '*', true],
    ['a,b', 'b', true],
    ['b', 'a, b ,c', true],
    [' team-a , team-b ', 'team-c,team-b', true],
    ['a,b', 'c,d', false],
    ['Default', 'default', false],
    ['', 'default', false],
    ['default', '', false],
    ['', '*', true],
    [',,', 'default', false],
  ])('user group %j against provider tag %j → %s', (userGroup, tag, expected) => {
    expect(groupMatches(userGroup, tag)).toBe(expected);
  });
});

describe('modelAllowed', () => {
  it.each<[string[], string | null, boolean]>([
    [[], 'anything', true],
    [[], null, true],
    [['claude-sonnet-4-5'], 'claude-sonnet-4-5', true],
    [['claude-sonnet-4-5'], 'claude-sonnet-4-5-20250929', false],
    [['claude-sonnet-*'], 'claude-sonnet-4-5-20250929', true],
    [['claude-sonnet-*'], 'claude-opus-4-5', false],
    [['gpt-5*', 'claude-haiku-4-5'], 'gpt-5-codex', true],
    [['*'], 'whatever', true],
    [[' claude-haiku-4-5 '], 'claude-haiku-4-5', true],
    [['Claude-*'], 'claude-opus-4-5', false],
    [['claude-*'], null, false],
    [['', '  '], 'any', true],
  ])('patterns %j with model %j → %s', (patterns, model, expected) => {
    expect(modelAllowed(patterns, model)).toBe(expected);
  });
});

describe('filterCandidates', () => {
  const baseCtx: CandidateContext = {
    types: ['claude', 'claude-auth'],
    userGroup: 'default',
    model: 'claude-sonnet-4-5',
    isCircuitOpen: () => false,
    isOverLimit: () => null,
  };

  it('keeps eligible providers in input order and records each exclusion with its reason', () => {
    const providers = [
      makeProvider({ id: 'ok-1' }),
      makeProvider({ id: 'off', enabled: false }),
      makeProvider({ id: 'codex', type: 'codex' }),
      makeProvider({ id: 'other-group', groupTag: 'premium' }),
      makeProvider({ id: 'opus-only', allowedModels: ['claude-opus-*'] }),
      makeProvider({ id: 'tripped' }),
      makeProvider({ id: 'spent' }),
      makeProvider({ id: 'ok-2', type: 'claude-auth' }),
    ];
    const result = filterCandidates(providers, {
      ...baseCtx,
      isCircuitOpen: (id) => id === 'tripped',
      isOverLimit: (id) => (id === 'spent' ? 'provider 5h spend limit of $20.00 reached' : null),
    });
    expect(result.candidates.map((p) => p.id)).toEqual(['ok-1', 'ok-2']);
    expect(result.filtered).toEqual({
      off: 'disabled',
      codex: 'type',
      'other-group': 'group',
      'opus-only': 'model',
      tripped: 'circuit_open',
      spent: 'provider 5h spend limit of $20.00 reached',
    });
  });

  it('reports the first failing check when several apply', () => {
    const result = filterCandidates([makeProvider({ id: 'p', enabled: false, type: 'codex', groupTag: 'x' })], baseCtx);
    expect(result.filtered).toEqual({ p: 'disabled' });
  });

  it('asks about circuits and limits only for providers that passed the static checks', () => {
    const asked: string[] = [];
    filterCandidates([makeProvider({ id: 'off', enabled: false }), makeProvider({ id: 'on' })], {
      ...baseCtx,
      isCircuitOpen: (id) => {
        asked.push(`circuit:${id}`);
        return false;
      },
      isOverLimit: (id) => {
        asked.push(`limit:${id}`);
        return null;
      },
    });
    expect(asked).toEqual(['circuit:on', 'limit:on']);
  });

  it('accepts a model the provider redirects to one of its allowed models', () => {
    const provider = makeProvider({
      id: 'sonnet-only',
      allowedModels: ['claude-sonnet-4-5'],
      modelRedirects: { 'claude-opus-4-5': 'claude-sonnet-4-5' },
    });
    const result = filterCandidates([provider], { ...baseCtx, model: 'claude-opus-4-5' });
    expect(result.candidates.map((p) => p.id)).toEqual(['sonnet-only']);
  });

  it('ignores provider model restrictions when the request names no model', () => {
    const provider = makeProvider({ id: 'restricted', allowedModels: ['claude-opus-*'] });
    expect(filterCandidates([provider], { ...baseCtx, model: null }).candidates).toHaveLength(1);
  });

  it('lets a wildcard user group reach every group', () => {
    const providers = [makeProvider({ id: 'a', groupTag: 'alpha' }), makeProvider({ id: 'b', groupTag: 'beta,gamma' })];
    expect(filterCandidates(providers, { ...baseCtx, userGroup: '*' }).candidates).toHaveLength(2);
    expect(filterCandidates(providers, { ...baseCtx, userGroup: 'gamma' }).candidates.map((p) => p.id)).toEqual(['b']);
  });
});
