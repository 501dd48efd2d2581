// Circuit breaker state transitions for one provider; the caller stores the record and the clock.

import type { CircuitState } from '../types.js';

export interface CircuitRecord {
  state: 'closed' | 'open' | 'half-open';
  /** Consecutive failures. */
  failures: number;
  /** Epoch ms. */
  openedAt: number | null;
  /** Epoch ms from which one probe request may be let through. */
  openUntil: number | null;
  /** Epoch ms when the current probe was let through. */
  probeStartedAt: number | null;
}

export type CircuitDecision = 'pass' | 'probe' | 'blocked';

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_OPEN_MS = 60_000;
/**
 * A probe that has not reported back within this time is presumed lost (e.g. its invocation
 * died), and the next request may probe instead. Record a probe's success when the upstream
 * answers, not when a long stream ends, so a healthy probe never outlives this.
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

export function closedCircuit(): CircuitRecord {
  return { state: 'closed', failures: 0, openedAt: null, openUntil: null, probeStartedAt: null };
}

function windowPassed(rec: CircuitRecord, now: number): boolean {
  return rec.openUntil === null || now >= rec.openUntil;
}

/**
 * 'pass' when closed; 'blocked' while open; once the open window has passed, 'probe' for one
 * request at a time (a probe started less than `probeTimeoutMs` ago blocks the others).
 * The caller claims the probe with `recordProbeStart` (a conditional write when shared).
 */
export function circuitDecision(
  rec: CircuitRecord,
  now: number,
  probeTimeoutMs: number = DEFAULT_PROBE_TIMEOUT_MS,
): CircuitDecision {
  if (rec.state === 'closed') return 'pass';
  if (!windowPassed(rec, now)) return 'blocked';
  const probeInFlight = rec.probeStartedAt !== null && now - rec.probeStartedAt < probeTimeoutMs;
  return probeInFlight ? 'blocked' : 'probe';
}

export function recordProbeStart(rec: CircuitRecord, now: number): CircuitRecord {
  return { ...rec, state: 'half-open', probeStartedAt: now };
}

/** Any success closes the circuit; the parameters keep the record-transition signatures alike. */
export function recordSuccess(_rec: CircuitRecord, _now: number): CircuitRecord {
  return closedCircuit();
}

/**
 * Counts a failure. A closed circuit opens for `openMs` when failures reach `threshold`; a failed
 * probe (or any failure once the open window has passed) re-opens it for `openMs`; a failure of a
 * request that started before the circuit opened only adds to the count.
 */
export function recordFailure(
  rec: CircuitRecord,
  now: number,
  threshold: number = DEFAULT_FAILURE_THRESHOLD,
  openMs: number = DEFAULT_OPEN_MS,
): CircuitRecord {
  const failures = rec.failures + 1;
  const open: CircuitRecord = { state: 'open', failures, openedAt: now, openUntil: now + openMs, probeStartedAt: null };
  if (rec.state === 'closed') return failures >= Math.max(1, threshold) ? open : { ...rec, failures };
  if (rec.state === 'half-open' || windowPassed(rec, now)) return open;
  return { ...rec, failures };
}

/** The admin API view; an open circuit whose window has passed is reported as half-open. */
export function toPublic(rec: CircuitRecord, now: number): CircuitState {
  if (rec.state === 'closed') return { state: 'closed', failures: rec.failures, openUntil: null };
  const state = rec.state === 'half-open' || windowPassed(rec, now) ? 'half-open' : 'open';
  const openUntil = rec.openUntil === null ? null : new Date(rec.openUntil).toISOString();
  return { state, failures: rec.failures, openUntil };
}
