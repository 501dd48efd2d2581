import { describe, expect, it } from 'vitest';
import {
  circuitDecision,
  closedCircuit,
  DEFAULT_PROBE_TIMEOUT_MS,
  recordFailure,
  recordProbeStart,
  recordSuccess,
  toPublic,
  type CircuitRecord,
} from '../../../../functions/shared/routing/circuit-breaker.js';

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

/** A clock the test moves by hand. */
function createClock(start: number) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function failTimes(rec: CircuitRecord, times: number, now: number, threshold = 5, openMs = 60_000): CircuitRecord {
  let current = rec;
  for (let i = 0; i < times; i += 1) current = recordFailure(current, now, threshold, openMs);
  return current;
}

describe('circuit breaker', () => {
  it('stays closed and passes below the failure threshold', () => {
    const rec = failTimes(closedCircuit(), 4, T0);
    expect(rec).toEqual({ state: 'closed', failures: 4, openedAt: null, openUntil: null, probeStartedAt: null });
    expect(circuitDecision(rec, T0)).toBe('pass');
  });

  it('opens at the threshold and blocks until the open window ends', () => {
    const rec = failTimes(closedCircuit(), 5, T0);
    expect(rec).toEqual({ state: 'open', failures: 5, openedAt: T0, openUntil: T0 + 60_000, probeStartedAt: null });
    expect(circuitDecision(rec, T0)).toBe('blocked');
    expect(circuitDecision(rec, T0 + 59_999)).toBe('blocked');
    expect(circuitDecision(rec, T0 + 60_000)).toBe('probe');
  });

  it('uses the default threshold of 5 and open time of 60 s', () => {
    let rec = closedCircuit();
    for (let i = 0; i < 4; i += 1) rec = recordFailure(rec, T0);
    expect(rec.state).toBe('closed');
    rec = recordFailure(rec, T0);
    expect(rec).toMatchObject({ state: 'open', openUntil: T0 + 60_000 });
  });

  it('honours a provider-specific threshold and open time', () => {
    const rec = failTimes(closedCircuit(), 2, T0, 2, 5_000);
    expect(rec).toMatchObject({ state: 'open', openUntil: T0 + 5_000 });
  });

  it('resets the failure count on success so only consecutive failures open it', () => {
    let rec = failTimes(closedCircuit(), 4, T0);
    rec = recordSuccess(rec, T0);
    rec = failTimes(rec, 4, T0);
    expect(rec).toMatchObject({ state: 'closed', failures: 4 });
  });

  it('lets exactly one probe through at a time after the window passes', () => {
    const clock = createClock(T0);
    let rec = failTimes(closedCircuit(), 5, clock.now());
    clock.advance(60_000);
    expect(circuitDecision(rec, clock.now())).toBe('probe');
    rec = recordProbeStart(rec, clock.now());
    expect(rec.state).toBe('half-open');
    clock.advance(1_000);
    expect(circuitDecision(rec, clock.now())).toBe('blocked');
  });

  it('closes the circuit when the probe succeeds', () => {
    const clock = createClock(T0);
    let rec = failTimes(closedCircuit(), 5, clock.now());
    clock.advance(60_000);
    rec = recordProbeStart(rec, clock.now());
    clock.advance(2_000);
    rec = recordSuccess(rec, clock.now());
    expect(rec).toEqual(closedCircuit());
    expect(circuitDecision(rec, clock.now())).toBe('pass');
  });

  it('re-opens for the full open time when the probe fails', () => {
    const clock = createClock(T0);
    let rec = failTimes(closedCircuit(), 5, clock.now());
    clock.advance(60_000);
    rec = recordProbeStart(rec, clock.now());
    clock.advance(3_000);
    rec = recordFailure(rec, clock.now(), 5, 60_000);
    expect(rec).toEqual({
      state: 'open',
      failures: 6,
      openedAt: T0 + 63_000,
      openUntil: T0 + 123_000,
      probeStartedAt: null,
    });
    expect(circuitDecision(rec, T0 + 122_999)).toBe('blocked');
    expect(circuitDecision(rec, T0 + 123_000)).toBe('probe');
  });

  it('allows a new probe when the previous one has not reported back within the probe timeout', () => {
    let rec = failTimes(closedCircuit(), 5, T0);
    rec = recordProbeStart(rec, T0 + 60_000);
    expect(circuitDecision(rec, T0 + 60_000 + DEFAULT_PROBE_TIMEOUT_MS - 1)).toBe('blocked');
    expect(circuitDecision(rec, T0 + 60_000 + DEFAULT_PROBE_TIMEOUT_MS)).toBe('probe');
    expect(circuitDecision(rec, T0 + 60_000 + 5_000, 5_000)).toBe('probe');
  });

  it('counts a late failure of a request started before opening without extending the window', () => {
    const opened = failTimes(closedCircuit(), 5, T0);
    const late = recordFailure(opened, T0 + 10_000);
    expect(late).toEqual({ ...opened, failures: 6 });
  });

  it('treats a failure after the window passed as a failed probe', () => {
    const opened = failTimes(closedCircuit(), 5, T0);
    const rec = recordFailure(opened, T0 + 70_000, 5, 60_000);
    expect(rec).toMatchObject({ state: 'open', openedAt: T0 + 70_000, openUntil: T0 + 130_000 });
  });

  it('opens on the first failure when the threshold is 0 or 1', () => {
    expect(recordFailure(closedCircuit(), T0, 0).state).toBe('open');
    expect(recordFailure(closedCircuit(), T0, 1).state).toBe('open');
  });
});

describe('toPublic', () => {
  it.each<[string, CircuitRecord, number, ReturnType<typeof toPublic>]>([
    ['closed', { ...closedCircuit(), failures: 2 }, T0, { state: 'closed', failures: 2, openUntil: null }],
    [
      'open within its window',
      { state: 'open', failures: 5, openedAt: T0, openUntil: T0 + 60_000, probeStartedAt: null },
      T0 + 1_000,
      { state: 'open', failures: 5, openUntil: '2026-05-01T12:01:00.000Z' },
    ],
    [
      'open with its window passed',
      { state: 'open', failures: 5, openedAt: T0, openUntil: T0 + 60_000, probeStartedAt: null },
      T0 + 60_000,
      { state: 'half-open', failures: 5, openUntil: '2026-05-01T12:01:00.000Z' },
    ],
    [
      'probing',
      { state: 'half-open', failures: 5, openedAt: T0, openUntil: T0 + 60_000, probeStartedAt: T0 + 60_000 },
      T0 + 61_000,
      { state: 'half-open', failures: 5, openUntil: '2026-05-01T12:01:00.000Z' },
    ],
  ])('shows a %s circuit', (_label, rec, now, expected) => {
    expect(toPublic(rec, now)).toEqual(expected);
  });
});
