// Renders one request log: summary, decision chain, providers filtered out, token and cost breakdowns.
import { badge, h, table } from './dom.js';
import { formatCount, formatMs, formatTime, formatUsd } from './format.js';
import type { RequestLog } from './types.js';
import { statusBadge } from './widgets.js';

export interface NameLookup {
  user(id: string | null): string;
  key(id: string | null): string;
  provider(id: string | null, fallback?: string | null): string;
}

const REASONS: Record<string, string> = {
  initial_pick: 'initial pick',
  session_reuse: 'session reuse',
  failover: 'failover',
  circuit_probe: 'circuit probe',
};

function kv(pairs: Array<[string, Node | string]>): HTMLDListElement {
  return h('dl', { class: 'kv' }, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function chainTable(log: RequestLog, names: NameLookup): HTMLElement {
  if (!log.chain?.length) return h('p', { class: 'muted' }, 'No provider was tried (the request was refused before routing).');
  return table('Decision chain', [{ text: '#', num: true }, 'Provider', 'Reason', 'Status', { text: 'Time', num: true }, 'Error'],
    log.chain.map((c) => h('tr', null,
      h('td', { class: 'num' }, String(c.attempt)),
      h('td', null, c.providerName || names.provider(c.providerId)),
      h('td', null, badge(REASONS[c.reason] ?? c.reason, c.reason === 'failover' ? 'warn' : 'accent')),
      h('td', null, c.statusCode === null ? '—' : statusBadge(c.statusCode)),
      h('td', { class: 'num' }, formatMs(c.durationMs)),
      h('td', { class: 'wrap' }, c.error ?? ''))));
}

function filteredList(log: RequestLog, names: NameLookup): HTMLElement | null {
  const entries = Object.entries(log.filtered ?? {});
  if (entries.length === 0) return null;
  return h('div', null,
    h('h3', { class: 'mt' }, 'Left out of routing'),
    table('Providers left out', ['Provider', 'Why'], entries.map(([id, why]) =>
      h('tr', null, h('td', null, names.provider(id)), h('td', { class: 'wrap' }, why)))));
}

function tokenTable(log: RequestLog): HTMLElement {
  const cacheWrite5m = log.cacheWrite5mTokens ?? 0;
  const cacheWrite1h = log.cacheWrite1hTokens ?? 0;
  // Older or OpenAI-shaped logs only carry the combined cache-creation count.
  const unsplitWrites = Math.max(0, (log.cacheCreationInputTokens ?? 0) - cacheWrite5m - cacheWrite1h);
  const rows: Array<[string, number]> = [
    ['Input', log.inputTokens],
    ['Cache write (5 min)', cacheWrite5m + unsplitWrites],
    ['Cache write (1 hour)', cacheWrite1h],
    ['Cache read', log.cacheReadInputTokens],
    ['Output', log.outputTokens],
  ];
  if (log.reasoningTokens) rows.push(['of which reasoning', log.reasoningTokens]);
  const total = log.inputTokens + (log.cacheCreationInputTokens ?? 0) + log.cacheReadInputTokens + log.outputTokens;
  return table('Tokens', ['Kind', { text: 'Tokens', num: true }], [
    ...rows.map(([k, v]) => h('tr', null, h('td', null, k), h('td', { class: 'num' }, formatCount(v)))),
    h('tr', null, h('th', { scope: 'row' }, 'Total'), h('td', { class: 'num' }, h('strong', null, formatCount(total)))),
  ]);
}

function costTable(log: RequestLog): HTMLElement {
  const b = log.costBreakdown;
  if (log.costUsd === null || !b) {
    return h('p', { class: 'notice warn' }, 'No price was known for this model, so the request was logged without a cost.');
  }
  const line = (k: string, v: number) => h('tr', null, h('td', null, k), h('td', { class: 'num' }, formatUsd(v)));
  const subtotal = b.inputUsd + b.cacheWrite5mUsd + b.cacheWrite1hUsd + b.cacheReadUsd + b.outputUsd;
  return h('div', null,
    table('Cost', ['Part', { text: 'USD', num: true }], [
      line('Input', b.inputUsd),
      line('Cache write (5 min)', b.cacheWrite5mUsd),
      line('Cache write (1 hour)', b.cacheWrite1hUsd),
      line('Cache read', b.cacheReadUsd),
      line('Output', b.outputUsd),
      h('tr', null, h('td', null, 'Subtotal'), h('td', { class: 'num' }, formatUsd(subtotal))),
      h('tr', null, h('td', null, 'Provider multiplier'), h('td', { class: 'num' }, `×${b.multiplier}`)),
      h('tr', null, h('th', { scope: 'row' }, 'Total'), h('td', { class: 'num' }, h('strong', null, formatUsd(log.costUsd)))),
    ]),
    h('p', { class: 'small muted mt' },
      b.longContext ? 'Long-context rates applied (prompt over 200k tokens). ' : '',
      log.priceVersion ? `Price version ${log.priceVersion.slice(0, 12)}.` : ''));
}

export function renderLogDetail(log: RequestLog, names: NameLookup): HTMLElement {
  const model = log.upstreamModel && log.upstreamModel !== log.model ? `${log.model ?? '—'} → ${log.upstreamModel}` : (log.model ?? '—');
  return h('div', { class: 'stack' },
    h('section', { 'aria-label': 'Summary' }, kv([
      ['Time', formatTime(log.createdAt)],
      ['Request id', h('code', null, log.id)],
      ['Status', statusBadge(log.statusCode)],
      ['Endpoint', `${log.endpoint}${log.stream ? ' (stream)' : ''}`],
      ['Model', model],
      ['User', names.user(log.userId)],
      ['Key', names.key(log.keyId)],
      ['Provider', names.provider(log.providerId, log.providerName)],
      ['Duration', `${formatMs(log.durationMs)} (first byte ${formatMs(log.ttfbMs)})`],
      ['Session', log.sessionId ? h('a', { href: `/logs/?sessionId=${encodeURIComponent(log.sessionId)}` }, log.sessionId) : '—'],
      ['User agent', log.userAgent ?? '—'],
      ...(log.error ? [['Error', h('span', { class: 'field-error' }, log.error)] as [string, Node]] : []),
    ])),
    h('section', { 'aria-labelledby': 'chain-title' }, h('h3', { id: 'chain-title' }, 'Decision chain'), chainTable(log, names), filteredList(log, names)),
    h('section', { 'aria-labelledby': 'tokens-title' }, h('h3', { id: 'tokens-title' }, 'Tokens'), tokenTable(log)),
    h('section', { 'aria-labelledby': 'cost-title' }, h('h3', { id: 'cost-title' }, 'Cost'), costTable(log)));
}
