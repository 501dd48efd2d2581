// My usage (key holders): limits, spend per window with reset times, and recent requests.
import { api } from '../../lib/api.js';
import { badge, byId, emptyState, h, replace, table } from '../../lib/dom.js';
import { fillRatio, formatCount, formatMs, formatTime, formatUsd } from '../../lib/format.js';
import { requireRole } from '../../lib/session.js';
import type { MeReport, UsageWindow } from '../../lib/types.js';
import { limitsSummary } from '../../lib/user-form.js';
import { loadInto } from '../../lib/view.js';
import { meter, statusBadge, windowMeter } from '../../lib/widgets.js';

const region = byId('me-region');

function windowsCard(title: string, windows: UsageWindow[], extra: HTMLElement[] = []): HTMLElement | null {
  if (windows.length === 0 && extra.length === 0) return null;
  return h('section', { class: 'card', 'aria-label': title }, h('h2', null, title),
    h('div', { class: 'meters' }, windows.map((w) => windowMeter(w)), extra));
}

/** Requests this minute and active sessions, when the API reports them. */
function rateMeters(me: MeReport): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (me.rpm) {
    out.push(meter('Requests this minute', formatCount(me.rpm.used), me.rpm.limit === null ? null : formatCount(me.rpm.limit),
      fillRatio(me.rpm.used, me.rpm.limit)));
  }
  if (me.activeSessions) {
    const s = me.activeSessions;
    out.push(meter('Active sessions', formatCount(s.used), s.limit === null ? null : formatCount(s.limit), fillRatio(s.used, s.limit)));
  }
  return out;
}

function render(me: MeReport): HTMLElement {
  const { key, user } = me;
  const expired = key.expiresAt !== null && Date.parse(key.expiresAt) <= Date.now();
  const kv = (k: string, v: string | Node) => [h('dt', null, k), h('dd', null, v)];
  const keyWindows = me.windows.filter((w) => w.scope === 'key');
  const userWindows = me.windows.filter((w) => w.scope !== 'key');
  return h('div', { class: 'stack' },
    h('section', { class: 'card', 'aria-label': 'Your key' },
      h('h2', null, key.name, ' ', !key.enabled ? badge('disabled') : expired ? badge('expired', 'danger') : badge('active', 'ok')),
      h('dl', { class: 'kv' },
        kv('Key', h('code', null, `${key.keyPrefix}…`)),
        kv('User', user.name),
        kv('Expires', key.expiresAt ? formatTime(key.expiresAt) : 'never'),
        kv('Requests per minute', user.rpmLimit === null ? 'no limit' : String(user.rpmLimit)),
        kv('Concurrent sessions', [key.concurrentSessions, user.concurrentSessions].filter((n) => n !== null).map(String).join(' (key) / ') || 'no limit'),
        kv('Models', user.allowedModels.length ? user.allowedModels.join(', ') : 'all models'),
        kv('Key limits', limitsSummary(key, formatUsd)),
        kv('User limits', limitsSummary(user, formatUsd)))),
    windowsCard('This key', keyWindows),
    windowsCard(keyWindows.length ? 'Your user (all keys)' : 'Usage', userWindows, rateMeters(me)),
    h('section', { class: 'card', 'aria-labelledby': 'recent-title' },
      h('h2', { id: 'recent-title' }, 'Recent requests'),
      me.recent.length === 0 ? emptyState('No requests with this key yet.')
        : table('Recent requests', ['Time', 'Model', 'Status', { text: 'Tokens in / out', num: true }, { text: 'Cost', num: true }, { text: 'Duration', num: true }],
          me.recent.map((r) => h('tr', null,
            h('td', null, formatTime(r.createdAt)),
            h('td', null, r.model ?? '—'),
            h('td', null, statusBadge(r.statusCode)),
            h('td', { class: 'num' }, `${formatCount(r.inputTokens + (r.cacheCreationInputTokens ?? 0) + r.cacheReadInputTokens)} / ${formatCount(r.outputTokens)}`),
            h('td', { class: 'num' }, formatUsd(r.costUsd)),
            h('td', { class: 'num' }, formatMs(r.durationMs)))))));
}

function reload(): void {
  void loadInto(region, api.me, render);
}

byId('refresh').addEventListener('click', reload);

void requireRole('signed-in').then((role) => {
  if (role === 'admin') {
    replace(region, h('div', { class: 'notice' },
      h('p', null, 'My usage shows a key holder their own key. You are signed in as the administrator.'),
      h('p', null, 'See ', h('a', { href: '/users/' }, 'Users'), ' for any key\'s usage, or log out and log in with a client key.')));
    return;
  }
  reload();
});
