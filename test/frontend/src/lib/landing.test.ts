import { describe, expect, it } from 'vitest';
import { landingFor } from '../../../../frontend/src/lib/landing.js';

describe('landingFor', () => {
  it.each([
    ['admin', null, '/'],
    ['admin', '/logs/?userId=u1', '/logs/?userId=u1'],
    ['admin', '/me/', '/'],
    ['keyholder', null, '/me/'],
    ['keyholder', '/providers/', '/me/'],
    ['keyholder', '/usage-doc/', '/usage-doc/'],
    ['admin', '//evil.example/', '/'],
    ['admin', '/\\evil.example/', '/'],
    ['admin', 'https://evil.example/', '/'],
    ['admin', '/login/', '/'],
  ] as const)('%s with next=%s lands on %s', (role, next, expected) => {
    expect(landingFor(role, next)).toBe(expected);
  });
});
