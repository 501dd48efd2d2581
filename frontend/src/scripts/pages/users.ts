// Users list: every user with status and limits; create a user, then manage it on its own page.
import { api } from '../../lib/api.js';
import { byId, h, table } from '../../lib/dom.js';
import { formatTime, formatUsd } from '../../lib/format.js';
import { clearErrors, onSubmit } from '../../lib/forms.js';
import { requireRole } from '../../lib/session.js';
import type { User } from '../../lib/types.js';
import { fillUserForm, limitsSummary, readUserForm } from '../../lib/user-form.js';
import { loadInto } from '../../lib/view.js';
import { enabledBadge } from '../../lib/widgets.js';

const region = byId('users-region');
const dialog = byId<HTMLDialogElement>('user-dialog');
const form = byId<HTMLFormElement>('user');

function render(users: User[]): HTMLElement {
  if (users.length === 0) return h('div', { class: 'card state' }, h('p', null, 'No users yet. Create one, then give it a key.'));
  const sorted = [...users].sort((a, b) => a.name.localeCompare(b.name));
  return table('Users', ['User', 'Status', 'Group', 'Limits', 'Created'], sorted.map((u) => h('tr', { class: u.enabled ? null : 'disabled' },
    h('td', { class: 'wrap' }, h('a', { href: `/user/?id=${encodeURIComponent(u.id)}` }, u.name),
      u.note ? h('div', { class: 'small muted' }, u.note) : null),
    h('td', null, enabledBadge(u.enabled)),
    h('td', null, u.providerGroup),
    h('td', { class: 'wrap small' },
      [u.rpmLimit !== null ? `${u.rpmLimit} rpm` : null, u.concurrentSessions !== null ? `${u.concurrentSessions} sessions` : null,
        limitsSummary(u, formatUsd)].filter(Boolean).join(' · ')),
    h('td', null, formatTime(u.createdAt)))));
}

onSubmit(form, async () => {
  const user = await api.createUser(readUserForm(form));
  dialog.close();
  location.assign(`/user/?id=${encodeURIComponent(user.id)}`);
});

byId('new-user').addEventListener('click', () => {
  clearErrors(form);
  fillUserForm(form, null);
  dialog.showModal();
  byId<HTMLInputElement>('user-name').focus();
});
form.querySelector('[data-close]')?.addEventListener('click', () => dialog.close());

void requireRole('admin').then(() => loadInto(region, api.listUsers, render));
