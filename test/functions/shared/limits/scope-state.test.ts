import { describe, expect, it } from 'vitest';
import {
  MAX_REQUEST_SEC,
  parseScopeState,
  RESERVATION_TTL_SEC,
  stateExpiresAtSec,
  summarizeScopeState,
} from '../../../../functions/shared/limits/scope-state.js';

const NOW = Date.parse('2026-05-06T10:00:00Z');
const NOW_SEC = NOW / 1000;
const TTL = 600; // in-flight horizon 25 min, past the 20-min reservation
const q = (n: number, s: string, t: number) => ({ n, s, t });

describe('parseScopeState', () => {
  it('reads in-flight and idle marks and ignores other attributes and malformed marks', () => {
    const state = parseScopeState({
      PK: 'SPEND#user#u',
      SK: 'A#STATE',
      expiresAt: NOW_SEC + 60,
      entity: 'limitState',
      'q:req_1': q(5, 'sess-a', NOW),
      'q:req_bad': { n: '5', s: 'sess-a', t: NOW },
      'i:sess-b': NOW_SEC + 10,
      'i:sess-bad': 'soon',
    });
    expect(state.inFlight).toEqual([{ requestId: 'req_1', nanos: 5, sessionId: 'sess-a', admittedAtMs: NOW }]);
    expect([...state.idleUntilSec]).toEqual([['sess-b', NOW_SEC + 10]]);
  });

  it('reads a missing item as an empty state', () => {
    expect(parseScopeState(undefined)).toEqual({ inFlight: [], idleUntilSec: new Map() });
  });
});

describe('summarizeScopeState', () => {
  const state = parseScopeState({
    'q:r-own': q(100, 'sess-own', NOW),
    'q:r-a1': q(10, 'sess-a', NOW - 1000),
    'q:r-a2': q(20, 'sess-a', NOW - 2000),
    'q:r-old': q(40, 'sess-old', NOW - RESERVATION_TTL_SEC * 1000), // reservation gone, still in flight
    'q:r-dead': q(80, 'sess-dead', NOW - (MAX_REQUEST_SEC + TTL) * 1000 - RESERVATION_TTL_SEC * 1000),
    'i:sess-b': NOW_SEC + 30,
    'i:sess-a': NOW_SEC + 100, // also in flight: its idle end does not free a slot
    'i:sess-gone': NOW_SEC,
  });

  it.each([
    ['counts live reservations of other requests', 'reservedNanos', 30],
    ['counts distinct sessions in flight or idle within the TTL', 'activeSessions', 3],
    ['reports the soonest idle session end as the next free slot', 'sessionReleaseAtMs', (NOW_SEC + 30) * 1000],
  ] as const)('%s', (_name, field, expected) => {
    const summary = summarizeScopeState(state, { nowMs: NOW, sessionTtlSec: TTL, sessionId: 'sess-new', ownRequestId: 'r-own' });
    expect(summary[field]).toBe(expected);
  });

  it.each([
    ['an in-flight session', 'sess-a', true],
    ['an idle session within the TTL', 'sess-b', true],
    ['a session whose idle mark has expired', 'sess-gone', false],
    ['a session known only through the caller’s own request', 'sess-own', false],
  ])('treats %s as active: %s', (_name, sessionId, active) => {
    expect(summarizeScopeState(state, { nowMs: NOW, sessionTtlSec: TTL, sessionId, ownRequestId: 'r-own' }).sessionActive).toBe(active);
  });

  it('lists dead in-flight marks and expired idle marks (with the value seen) as stale', () => {
    const { stale } = summarizeScopeState(state, { nowMs: NOW, sessionTtlSec: TTL });
    expect(stale).toEqual({ requestIds: ['r-dead'], idle: [{ sessionId: 'sess-gone', untilSec: NOW_SEC }] });
  });

  it('expects a slot to free SESSION_TTL from now when every active session is in flight', () => {
    const busy = parseScopeState({ 'q:r1': q(0, 'sess-a', NOW) });
    expect(summarizeScopeState(busy, { nowMs: NOW, sessionTtlSec: TTL }).sessionReleaseAtMs).toBe(NOW + TTL * 1000);
  });
});

describe('stateExpiresAtSec', () => {
  it.each([
    [60, NOW_SEC + RESERVATION_TTL_SEC],
    [3600, NOW_SEC + MAX_REQUEST_SEC + 3600],
  ])('outlives every mark with SESSION_TTL %i', (ttl, expected) => {
    expect(stateExpiresAtSec(NOW, ttl)).toBe(expected);
  });
});
