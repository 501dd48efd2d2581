// Overview: today's totals, the requests/cost chart, top users and providers, provider health.
import { api } from '../../lib/api.js';
import { byId, emptyState, h, table } from '../../lib/dom.js';
import { formatCount, formatUsd, localDate } from '../../lib/format.js';
import { requireRole } from '../../lib/session.js';
import type { LeaderboardItem, ProviderView, StatsSummary } from '../../lib/types.js';
import { createUsageChart, type UsageChart } from '../../lib/usage-chart.js';
import { loadInto, toast } from '../../lib/view.js';
import { circuitBadge, enabledBadge } from '../../lib/widgets.js';
import { describeError } from '../../lib/view.js';

const RANGES: Record<string, number> = { '24h': 24 * 3600e3, '7d': 7 * 86400e3, '30d': 30 * 86400e3 };
let range = '24h';
let chart: UsageChart | undefined;

function startOfToday(): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d;
}

function renderToday(s: StatsSummary): HTMLElement {
  const stat = (label: string, value: string) => h('div', { class: 'stat' }, h('dt', null, label), h('dd', null, value));
  return h('dl', { class: 'stats', 'aria-label': 'Today' },
    stat('Requests today', formatCount(s.requests)),
    stat('Cost today', formatUsd(s.costUsd)),
    stat('Input tokens', formatCount(s.inputTokens)),
    stat('Output tokens', formatCount(s.outputTokens)),
    stat('Errors', formatCount(s.errors)));
}

function renderChart(s: StatsSummary): HTMLElement {
  chart?.destroy();
  chart = undefined;
  const totals = h('p', { class: 'muted small' },
    `${formatCount(s.requests)} requests · ${formatUsd(s.costUsd)} · ${formatCount(s.errors)} errors in this range`);
  if (s.series.length === 0 || s.requests === 0) return h('div', null, totals, emptyState('No requests in this range yet.'));
  const box = h('div', { class: 'chart', id: 'usage-chart', role: 'img', 'aria-label': 'Requests and cost over time' });
  queueMicrotask(() => { chart = createUsageChart(box, s.series); });
  return h('div', null, totals, box);
}

function renderTop(items: LeaderboardItem[], what: string): HTMLElement {
  if (items.length === 0) return emptyState(`No ${what} traffic today.`);
  return table(`Top ${what}`, [what === 'user' ? 'User' : 'Provider', { text: 'Requests', num: true }, { text: 'Cost', num: true }],
    items.slice(0, 5).map((i) => h('tr', null,
      h('td', { class: 'wrap' }, i.name || i.id),
      h('td', { class: 'num' }, formatCount(i.requests)),
      h('td', { class: 'num' }, formatUsd(i.costUsd)))));
}

function renderHealth(providers: ProviderView[]): HTMLElement {
  if (providers.length === 0) return h('p', { class: 'state' }, 'No providers yet. ', h('a', { href: '/providers/' }, 'Add one'), '.');
  return table('Provider health', ['Provider', 'Circuit', ''], providers.map((p) => h('tr', { class: p.enabled ? null : 'disabled' },
    h('td', { class: 'wrap' }, p.name, ' ', p.enabled ? null : enabledBadge(false)),
    h('td', null, circuitBadge(p.circuit)),
    h('td', { class: 'num' }, p.circuit && p.circuit.state !== 'closed'
      ? h('button', { type: 'button', class: 'small', onclick: () => void resetCircuit(p) }, 'Reset')
      : null))));
}

async function resetCircuit(p: ProviderView): Promise<void> {
  try {
    await api.resetCircuit(p.id);
    toast(`Circuit of ${p.name} reset`);
    loadHealth();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

function loadChart(): void {
  const to = new Date();
  const from = new Date(to.getTime() - RANGES[range]);
  void loadInto(byId('chart-region'), () => api.summary(from.toISOString(), to.toISOString()), renderChart);
}

function loadHealth(): void {
  void loadInto(byId('health'), api.listProviders, renderHealth);
}

function loadAll(): void {
  const today = localDate(new Date());
  void loadInto(byId('today'), () => api.summary(startOfToday().toISOString(), new Date().toISOString()), renderToday);
  loadChart();
  void loadInto(byId('top-users'), () => api.leaderboard('daily', 'user', today), (items) => renderTop(items, 'user'));
  void loadInto(byId('top-providers'), () => api.leaderboard('daily', 'provider', today), (items) => renderTop(items, 'provider'));
  loadHealth();
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) {
  button.addEventListener('click', () => {
    range = button.dataset.range ?? '24h';
    for (const b of document.querySelectorAll('[data-range]')) b.setAttribute('aria-pressed', String(b === button));
    loadChart();
  });
}
byId('refresh').addEventListener('click', loadAll);

void requireRole('admin').then(loadAll);
