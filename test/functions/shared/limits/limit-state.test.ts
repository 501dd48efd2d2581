import { describe, expect, it } from 'vitest';
import {
  MAX_REQUEST_SEC,
  mergeLimitStates,
  parseLimitState,
  RESERVATION_TTL_SEC,
  rpmSlotStart,
  staleMarks,
  summarizeLimitState,
} from '../../../../functions/shared/limits/limit-state.js';

const NOW = Date.parse('2026-05-06T10:00:00Z');
const NOW_SEC = NOW / 1000;
const TTL = 600; // in-flight horizon 25 min, past the 20-min reservation
const q = (n: number, s: string, t: number) => ({ n, s, t });

describe('parseLimitState', () => {
  it('reads counters, in-flight and idle marks and RPM slots, ignoring other and malformed attributes', () => {
    const state = parseLimitState({
      PK: 'SPEND#user#u',
      SK: 'A#STATE',
      entity: 'limitState',
      'b:1778061300': 7,
      'd:2026-05-06': 8,
      total: 9,
      'r:1778061590': 3,
      'q:req_1': q(5, 'sess-a', NOW),
      'q:req_bad': { n: '5', s: 'sess-a', t: NOW },
      'i:sess-b': NOW_SEC + 10,
      'i:sess-bad': 'soon',
    });
    expect(state).toEqual({
      inFlight: [{ requestId: 'req_1', nanos: 5, sessionId: 'sess-a', admittedAtMs: NOW }],
      idleUntilSec: new Map([['sess-b', NOW_SEC + 10]]),
      buckets: [{ startSec: 1778061300, nanos: 7 }],
      days: new Map([['2026-05-06', 8]]),
      totalNanos: 9,
      rpmSlots: [{ startSec: 1778061590, count: 3 }],
    });
  });

  it('reads a missing item as an empty state', () => {
    expect(parseLimitState(undefined)).toEqual({
      inFlight: [],
      idleUntilSec: new Map(),
      buckets: [],
      days: new Map(),
      totalNanos: 0,
      rpmSlots: [],
    });
  });
});

describe('mergeLimitStates', () => {
  it('adds the shards’ counters and unions their marks', () => {
    const a = parseLimitState({ 'b:100': 1, 'd:2026-05-06': 2, 'i:s1': 50, 'q:r1': q(1, 's1', NOW) });
    const b = parseLimitState({ 'b:100': 10, 'b:400': 5, 'd:2026-05-06': 20, 'i:s2': 60 });
    const merged = mergeLimitStates([a, b]);
    expect(merged.buckets).toEqual([
      { startSec: 100, nanos: 11 },
      { startSec: 400, nanos: 5 },
    ]);
    expect(merged.days.get('2026-05-06')).toBe(22);
    expect([...merged.idleUntilSec.keys()]).toEqual(['s1', 's2']);
    expect(merged.inFlight).toHaveLength(1);
  });
});

describe('summarizeLimitState', () => {
  const state = parseLimitState({
    'q:r-own': q(100, 'sess-own', NOW),
    'q:r-a1': q(10, 'sess-a', NOW - 1000),
    'q:r-a2': q(20, 'sess-a', NOW - 2000),
    'q:r-old': q(40, 'sess-old', NOW - RESERVATION_TTL_SEC * 1000), // reservation gone, still in flight
    'q:r-dead': q(80, 'sess-dead', NOW - (MAX_REQUEST_SEC + TTL) * 1000),
    'i:sess-b': NOW_SEC + 30,
    'i:sess-a': NOW_SEC + 100, // also in flight: its idle end does not free a slot
    'i:sess-gone': NOW_SEC,
  });
  const summary = summarizeLimitState(state, { nowMs: NOW, sessionTtlSec: TTL, sessionId: 'sess-new', ownRequestId: 'r-own' });

  it.each([
    ['counts live reservations of other requests', summary.reservedNanos, 30],
    ['counts distinct sessions in flight or idle within the TTL', summary.activeSessions, 3],
    ['reports the soonest idle session end as the next free slot', summary.sessionReleaseAtMs, (NOW_SEC + 30) * 1000],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it.each([
    ['an in-flight session', 'sess-a', true],
    ['an idle session within the TTL', 'sess-b', true],
    ['a session whose idle mark has expired', 'sess-gone', false],
    ['a session known only through the caller’s own request', 'sess-own', false],
  ])('treats %s as active: %s', (_name, sessionId, active) => {
    expect(summarizeLimitState(state, { nowMs: NOW, sessionTtlSec: TTL, sessionId, ownRequestId: 'r-own' }).sessionActive).toBe(active);
  });

  it('expects a slot to free SESSION_TTL from now when every active session is in flight', () => {
    const busy = parseLimitState({ 'q:r1': q(0, 'sess-a', NOW) });
    expect(summarizeLimitState(busy, { nowMs: NOW, sessionTtlSec: TTL }).sessionReleaseAtMs).toBe(NOW + TTL * 1000);
  });
});

describe('staleMarks', () => {
  it('finds dead requests and counters outside every window as removable, and expired idle marks with their value', () => {
    const state = parseLimitState({
      'q:r-live': q(1, 's', NOW - 60_000),
      'q:r-dead': q(1, 's', NOW - (MAX_REQUEST_SEC + TTL) * 1000),
      [`b:${NOW_SEC - 6 * 3600 + 300}`]: 1, // buckets are kept for 6 h
      [`b:${NOW_SEC - 6 * 3600}`]: 1,
      'd:2026-03-31': 1, // days for 35
      'd:2026-04-01': 1,
      [`r:${NOW_SEC - 120}`]: 1,
      [`r:${NOW_SEC - 110}`]: 1,
      'i:s-live': NOW_SEC + 1,
      'i:s-gone': NOW_SEC,
    });
    expect(staleMarks(state, NOW, TTL)).toEqual({
      removable: ['q:r-dead', `b:${NOW_SEC - 6 * 3600}`, 'd:2026-03-31', `r:${NOW_SEC - 120}`],
      idle: [{ sessionId: 's-gone', untilSec: NOW_SEC }],
    });
  });
});

describe('staleMarks, once per settle', () => {
  it('finds nothing in a state whose marks are all in their windows', () => {
    const state = parseLimitState({ 'q:r1': q(1, 's', NOW), [`b:${NOW_SEC}`]: 1, 'd:2026-05-06': 1, [`r:${NOW_SEC}`]: 1, 'i:s': NOW_SEC + 1 });
    expect(staleMarks(state, NOW, TTL)).toEqual({ removable: [], idle: [] });
    expect(staleMarks(parseLimitState(undefined), NOW, TTL)).toEqual({ removable: [], idle: [] });
  });

  it('lets a day go exactly when it is more than 35 UTC days old, asked back and forth around that midnight', () => {
    const state = parseLimitState({ 'd:2026-04-01': 1 });
    const gone = Date.parse('2026-05-07T00:00:00Z'); // 2026-05-07 − 35 days = 2026-04-02
    for (const nowMs of [gone - 1, gone, gone - 1, gone + 1, gone - 86_400_000]) {
      expect([nowMs, staleMarks(state, nowMs, TTL).removable]).toEqual([nowMs, nowMs >= gone ? ['d:2026-04-01'] : []]);
    }
  });
});

describe('summarizeLimitState, counting sessions', () => {
  it('counts a session once whether it is in flight, idle or both, and never the caller’s own request', () => {
    const state = parseLimitState({
      'q:r1': q(1, 'sess-a', NOW),
      'q:r2': q(1, 'sess-a', NOW),
      'q:r-own': q(1, 'sess-own', NOW),
      'i:sess-a': NOW_SEC + 10,
      'i:sess-b': NOW_SEC + 20,
    });
    const summary = (sessionId: string | null) => summarizeLimitState(state, { nowMs: NOW, sessionTtlSec: TTL, sessionId, ownRequestId: 'r-own' });
    expect(summary(null)).toEqual({ reservedNanos: 2, activeSessions: 2, sessionActive: false, sessionReleaseAtMs: (NOW_SEC + 20) * 1000 });
    expect(summary('sess-a').sessionActive).toBe(true);
    expect(summary('sess-b').sessionActive).toBe(true);
    expect(summary('sess-own').sessionActive).toBe(false);
    expect(summarizeLimitState(parseLimitState(undefined), { nowMs: NOW, sessionTtlSec: TTL, sessionId: 's' })).toEqual({
      reservedNanos: 0,
      activeSessions: 0,
      sessionActive: false,
      sessionReleaseAtMs: NOW + TTL * 1000,
    });
  });
});

describe('summarizeLimitState, leaving out the caller’s own request', () => {
  it.each([
    ['ids that differ only in their last character', 'req_0000000001aaaaaaaaaaa', 'req_0000000001aaaaaaaaaab'],
    ['ids that end alike but differ before', 'req_0000000001aaaaaaaaaaa', 'req_0000000002aaaaaaaaaaa'],
    ['ids of different lengths', 'req_1', 'req_10'],
    ['an empty id beside a one-character one', '', 'x'],
  ])('tells apart %s', (_label, own, other) => {
    const state = parseLimitState({ [`q:${own}`]: q(1, 's-own', NOW), [`q:${other}`]: q(10, 's-other', NOW) });
    expect(summarizeLimitState(state, { nowMs: NOW, sessionTtlSec: TTL, ownRequestId: own })).toMatchObject({ reservedNanos: 10, activeSessions: 1 });
    expect(summarizeLimitState(state, { nowMs: NOW, sessionTtlSec: TTL, ownRequestId: other })).toMatchObject({ reservedNanos: 1, activeSessions: 1 });
    expect(summarizeLimitState(state, { nowMs: NOW, sessionTtlSec: TTL, ownRequestId: null })).toMatchObject({ reservedNanos: 11, activeSessions: 2 });
  });
});

describe('rpmSlotStart', () => {
  it.each([
    [NOW, NOW_SEC],
    [NOW + 9_999, NOW_SEC],
    [NOW + 10_000, NOW_SEC + 10],
  ])('puts %i in the 10-second slot starting %i', (ms, slot) => {
    expect(rpmSlotStart(ms)).toBe(slot);
  });
});
