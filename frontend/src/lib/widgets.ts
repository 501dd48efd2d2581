// Small rendered pieces shared by several pages: usage bars, circuit badges, status badges.
import { badge, h } from './dom.js';
import { fillLevel, fillRatio, formatCount, formatUntil, formatUsd, windowLabel } from './format.js';
import type { CircuitState, UsageReport, UsageWindow } from './types.js';

/** One bar of usage against a limit; without a limit it shows the amount used and "no limit". */
export function meter(label: string, used: string, limit: string | null, ratio: number | null, foot?: string): HTMLDivElement {
  const level = fillLevel(ratio);
  const pct = ratio === null ? 0 : Math.round(ratio * 100);
  return h('div', { class: 'meter' },
    h('div', { class: 'meter-label' },
      h('span', null, label),
      h('span', null, limit === null ? `${used} · no limit` : `${used} of ${limit}`)),
    h('div', {
      class: 'meter-track', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct,
      'aria-valuetext': limit === null ? `${used}, no limit` : `${used} of ${limit}`,
    }, h('div', { class: `meter-fill ${level === 'ok' ? '' : level}`, style: `width:${pct}%` })),
    foot ? h('div', { class: 'small muted' }, foot) : null);
}

export function windowMeter(w: UsageWindow, prefix = ''): HTMLDivElement {
  const ratio = fillRatio(w.usedUsd, w.limitUsd);
  const resets = w.resetsAt ? `Resets in ${formatUntil(w.resetsAt)}` : w.window === 'total' ? 'Never resets' : undefined;
  return meter(`${prefix}${windowLabel(w.window)}`, formatUsd(w.usedUsd), w.limitUsd === null ? null : formatUsd(w.limitUsd), ratio, resets);
}

/** All bars of a usage report: spend windows, then requests per minute (a user limit) and active sessions. */
export function usageMeters(report: UsageReport, scopeFilter?: 'user' | 'key'): HTMLDivElement {
  const windows = report.windows.filter((w) => !scopeFilter || !w.scope || w.scope === scopeFilter);
  return h('div', { class: 'meters' },
    windows.map((w) => windowMeter(w)),
    scopeFilter === 'key' ? null : meter('Requests this minute', formatCount(report.rpm.used),
      report.rpm.limit === null ? null : formatCount(report.rpm.limit), fillRatio(report.rpm.used, report.rpm.limit)),
    meter('Active sessions', formatCount(report.activeSessions.used),
      report.activeSessions.limit === null ? null : formatCount(report.activeSessions.limit),
      fillRatio(report.activeSessions.used, report.activeSessions.limit)));
}

export function circuitBadge(circuit: CircuitState | undefined): HTMLSpanElement {
  if (!circuit) return badge('unknown');
  if (circuit.state === 'closed') return badge('healthy', 'ok');
  if (circuit.state === 'half-open') return badge('probing', 'warn');
  return badge(`open${circuit.openUntil ? ` · ${formatUntil(circuit.openUntil)}` : ''}`, 'danger');
}

export function statusBadge(code: number): HTMLSpanElement {
  return badge(String(code), code < 300 ? 'ok' : code < 500 ? 'warn' : 'danger');
}

export function enabledBadge(enabled: boolean): HTMLSpanElement {
  return enabled ? badge('enabled', 'ok') : badge('disabled');
}
