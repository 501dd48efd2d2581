// Sessions: who is active right now, on which provider, with links to each session's requests.
import { api } from '../../lib/api.js';
import { byId, emptyState, h, table } from '../../lib/dom.js';
import { loadDirectory } from '../../lib/directory.js';
import { formatCount, formatTime } from '../../lib/format.js';
import { requireRole } from '../../lib/session.js';
import { loadInto } from '../../lib/view.js';

const region = byId('sessions-region');

async function load() {
  const [sessions, dir] = await Promise.all([api.listSessions(), loadDirectory()]);
  await dir.loadKeysOf(sessions.map((s) => s.userId));
  return { sessions, dir };
}

function reload(): void {
  void loadInto(region, load, ({ sessions, dir }) => {
    if (sessions.length === 0) return emptyState('No active sessions.');
    const sorted = [...sessions].sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
    return table('Active sessions', ['Session', 'User', 'Key', 'Provider', 'Last seen', { text: 'Requests', num: true }],
      sorted.map((s) => h('tr', null,
        h('td', { class: 'wrap' }, h('a', { href: `/logs/?sessionId=${encodeURIComponent(s.sessionId)}`, class: 'mono' }, s.sessionId)),
        h('td', null, dir.user(s.userId)),
        h('td', null, dir.key(s.keyId)),
        h('td', null, dir.provider(s.providerId)),
        h('td', null, formatTime(s.lastSeenAt)),
        h('td', { class: 'num' }, formatCount(s.requests)))));
  });
}

byId('refresh').addEventListener('click', reload);
void requireRole('admin').then(reload);
