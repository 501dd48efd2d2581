// Leaderboards: daily or monthly spend by user, key, provider or model for a chosen date.
import { api } from '../../lib/api.js';
import { byId, emptyState, h, table } from '../../lib/dom.js';
import { formatCount, formatUsd, localDate } from '../../lib/format.js';
import { fill, text } from '../../lib/forms.js';
import { requireRole } from '../../lib/session.js';
import type { LeaderboardBy, LeaderboardItem, LeaderboardPeriod } from '../../lib/types.js';
import { loadInto } from '../../lib/view.js';

const form = byId<HTMLFormElement>('board');
const region = byId('board-region');
const LABEL: Record<LeaderboardBy, string> = { user: 'User', key: 'Key', provider: 'Provider', model: 'Model' };

function render(items: LeaderboardItem[], by: LeaderboardBy): HTMLElement {
  if (items.length === 0) return emptyState('No usage in this period.');
  const top = items[0]?.costUsd ?? 0;
  return table('Leaderboard', [{ text: '#', num: true }, LABEL[by], { text: 'Requests', num: true }, { text: 'Cost', num: true },
    { text: 'Input tokens', num: true }, { text: 'Output tokens', num: true }], items.map((item, i) => h('tr', null,
    h('td', { class: 'num' }, String(i + 1)),
    h('td', { class: 'wrap' }, item.name || item.id,
      h('div', { class: 'meter-track', 'aria-hidden': 'true' },
        h('div', { class: 'meter-fill', style: `width:${top > 0 ? Math.round((item.costUsd / top) * 100) : 0}%` }))),
    h('td', { class: 'num' }, formatCount(item.requests)),
    h('td', { class: 'num' }, formatUsd(item.costUsd)),
    h('td', { class: 'num' }, formatCount(item.inputTokens)),
    h('td', { class: 'num' }, formatCount(item.outputTokens)))));
}

function load(): void {
  const period = text(form, 'period') as LeaderboardPeriod;
  const by = text(form, 'by') as LeaderboardBy;
  const date = text(form, 'date') || localDate(new Date());
  const url = new URL(location.pathname, location.origin);
  url.search = new URLSearchParams({ period, by, date }).toString();
  history.replaceState(null, '', url);
  void loadInto(region, () => api.leaderboard(period, by, date), (items) => render(items, by));
}

const params = new URLSearchParams(location.search);
fill(form, {
  period: params.get('period') === 'monthly' ? 'monthly' : 'daily',
  by: ['user', 'key', 'provider', 'model'].includes(params.get('by') ?? '') ? (params.get('by') as string) : 'user',
  date: params.get('date') ?? localDate(new Date()),
});
form.addEventListener('change', load);
form.addEventListener('submit', (e) => { e.preventDefault(); load(); });

void requireRole('admin').then(load);
