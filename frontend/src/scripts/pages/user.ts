// One user: details, usage bars, and its keys (create with secret shown once, edit, rotate, disable, delete).
import { api } from '../../lib/api.js';
import { badge, byId, emptyState, h, replace } from '../../lib/dom.js';
import { formatTime, formatUsd } from '../../lib/format.js';
import { inputNumber, isoFromLocalInput, localInputFromIso, optionalNumber } from '../../lib/form-values.js';
import { clearErrors, fill, onSubmit, text } from '../../lib/forms.js';
import { showSecret } from '../../lib/secret-dialog.js';
import { requireRole } from '../../lib/session.js';
import type { ApiKey, KeyInput, User } from '../../lib/types.js';
import { fillUserForm, limitsSummary, readUserForm } from '../../lib/user-form.js';
import { describeError, errorState, loadInto, toast } from '../../lib/view.js';
import { enabledBadge, usageMeters } from '../../lib/widgets.js';

const userId = new URLSearchParams(location.search).get('id') ?? '';
const userDialog = byId<HTMLDialogElement>('user-dialog');
const userForm = byId<HTMLFormElement>('user');
const keyDialog = byId<HTMLDialogElement>('key-dialog');
const keyForm = byId<HTMLFormElement>('key');
let user: User | null = null;
let editingKey: ApiKey | null = null;

function renderHead(u: User): HTMLElement {
  user = u;
  document.title = `${u.name} · Code Hub`;
  const kv = (k: string, v: string) => [h('dt', null, k), h('dd', null, v)];
  return h('div', { class: 'stack' },
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, u.name, ' ', enabledBadge(u.enabled)), u.note ? h('p', null, u.note) : null),
      h('div', { class: 'toolbar' },
        h('a', { class: 'button', href: `/logs/?userId=${encodeURIComponent(u.id)}` }, 'Logs'),
        h('button', { type: 'button', onclick: openUserEditor }, 'Edit user'),
        h('button', { type: 'button', onclick: () => void toggleUser(u) }, u.enabled ? 'Disable' : 'Enable'),
        h('button', { type: 'button', class: 'danger', onclick: () => void deleteUser(u) }, 'Delete'))),
    h('section', { class: 'card', 'aria-label': 'User settings' },
      h('dl', { class: 'kv' },
        kv('Provider group', u.providerGroup),
        kv('Allowed models', u.allowedModels.length ? u.allowedModels.join(', ') : 'all models'),
        kv('Requests per minute', u.rpmLimit === null ? 'no limit' : String(u.rpmLimit)),
        kv('Concurrent sessions', u.concurrentSessions === null ? 'no limit' : String(u.concurrentSessions)),
        kv('Spend limits', limitsSummary(u, formatUsd)),
        kv('Created', formatTime(u.createdAt)),
        kv('Updated', formatTime(u.updatedAt)),
        kv('Id', u.id))));
}

function keyStatus(k: ApiKey): HTMLSpanElement {
  if (!k.enabled) return badge('disabled');
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return badge('expired', 'danger');
  return badge('active', 'ok');
}

function renderKeys(keys: ApiKey[]): HTMLElement | HTMLElement[] {
  if (keys.length === 0) return emptyState('No keys yet. Create one and hand its secret to the user.');
  return keys.map((k) => {
    const usage = h('div', { 'aria-live': 'polite' });
    void loadInto(usage, () => api.keyUsage(k.id), (r) => usageMeters(r, 'key'), 'Loading usage…');
    return h('article', { class: 'card key-card', 'data-key': k.name },
      h('div', { class: 'spread' },
        h('div', null,
          h('h3', null, k.name, ' ', keyStatus(k)),
          h('div', { class: 'small muted' },
            h('code', null, `${k.keyPrefix}…`),
            ` · expires ${k.expiresAt ? formatTime(k.expiresAt) : 'never'}`,
            ` · ${limitsSummary(k, formatUsd)}`,
            k.concurrentSessions !== null ? ` · ${k.concurrentSessions} sessions` : '')),
        h('div', { class: 'row' },
          h('a', { class: 'button small', href: `/logs/?keyId=${encodeURIComponent(k.id)}` }, 'Logs'),
          h('button', { type: 'button', class: 'small', onclick: () => openKeyEditor(k), 'aria-label': `Edit key ${k.name}` }, 'Edit'),
          h('button', { type: 'button', class: 'small', onclick: () => void rotateKey(k), 'aria-label': `Rotate key ${k.name}` }, 'Rotate'),
          h('button', { type: 'button', class: 'small', onclick: () => void toggleKey(k), 'aria-label': `${k.enabled ? 'Disable' : 'Enable'} key ${k.name}` },
            k.enabled ? 'Disable' : 'Enable'),
          h('button', { type: 'button', class: 'small danger', onclick: () => void deleteKey(k), 'aria-label': `Delete key ${k.name}` }, 'Delete'))),
      usage);
  });
}

function loadUser(): void {
  void loadInto(byId('user-head'), () => api.getUser(userId), renderHead);
  void loadInto(byId('user-usage'), () => api.userUsage(userId), (r) => usageMeters(r, 'user'));
}

function loadKeys(): void {
  void loadInto(byId('keys-region'), () => api.listKeys(userId), renderKeys);
}

function openUserEditor(): void {
  clearErrors(userForm);
  fillUserForm(userForm, user);
  userDialog.showModal();
  byId<HTMLInputElement>('user-name').focus();
}

onSubmit(userForm, async () => {
  await api.updateUser(userId, readUserForm(userForm));
  userDialog.close();
  toast('User saved');
  loadUser();
});

async function act(run: () => Promise<unknown>, done: string, after: () => void): Promise<void> {
  try {
    await run();
    toast(done);
    after();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function toggleUser(u: User): Promise<void> {
  await act(() => api.updateUser(u.id, { enabled: !u.enabled }), u.enabled ? 'User disabled' : 'User enabled', loadUser);
}

async function deleteUser(u: User): Promise<void> {
  if (!confirm(`Delete user "${u.name}" and all of its keys? This cannot be undone.`)) return;
  await act(() => api.deleteUser(u.id), 'User deleted', () => location.assign('/users/'));
}

function openKeyEditor(k: ApiKey | null): void {
  editingKey = k;
  clearErrors(keyForm);
  byId('key-dialog-title').textContent = k ? `Edit key ${k.name}` : 'New key';
  fill(keyForm, {
    name: k?.name ?? '',
    expiresAt: localInputFromIso(k?.expiresAt),
    concurrentSessions: inputNumber(k?.concurrentSessions),
    limit5hUsd: inputNumber(k?.limit5hUsd),
    dailyLimitUsd: inputNumber(k?.dailyLimitUsd),
    limitWeeklyUsd: inputNumber(k?.limitWeeklyUsd),
    limitMonthlyUsd: inputNumber(k?.limitMonthlyUsd),
    limitTotalUsd: inputNumber(k?.limitTotalUsd),
  });
  keyDialog.showModal();
  byId<HTMLInputElement>('key-name').focus();
}

function readKeyForm(): KeyInput {
  return {
    name: text(keyForm, 'name').trim(),
    expiresAt: isoFromLocalInput(text(keyForm, 'expiresAt')),
    concurrentSessions: optionalNumber(text(keyForm, 'concurrentSessions')),
    limit5hUsd: optionalNumber(text(keyForm, 'limit5hUsd')),
    dailyLimitUsd: optionalNumber(text(keyForm, 'dailyLimitUsd')),
    limitWeeklyUsd: optionalNumber(text(keyForm, 'limitWeeklyUsd')),
    limitMonthlyUsd: optionalNumber(text(keyForm, 'limitMonthlyUsd')),
    limitTotalUsd: optionalNumber(text(keyForm, 'limitTotalUsd')),
  };
}

onSubmit(keyForm, async () => {
  const input = readKeyForm();
  if (editingKey) {
    await api.updateKey(editingKey.id, input);
    keyDialog.close();
    toast('Key saved');
  } else {
    const created = await api.createKey(userId, input);
    keyDialog.close();
    showSecret(created, 'created');
  }
  loadKeys();
});

async function rotateKey(k: ApiKey): Promise<void> {
  if (!confirm(`Rotate key "${k.name}"? The current secret stops working immediately.`)) return;
  try {
    const created = await api.rotateKey(k.id);
    showSecret({ ...k, ...created, name: created.name ?? k.name }, 'rotated');
    loadKeys();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function toggleKey(k: ApiKey): Promise<void> {
  await act(() => api.updateKey(k.id, { enabled: !k.enabled }), k.enabled ? 'Key disabled' : 'Key enabled', loadKeys);
}

async function deleteKey(k: ApiKey): Promise<void> {
  if (!confirm(`Delete key "${k.name}"? Clients using it will be refused at once.`)) return;
  await act(() => api.deleteKey(k.id), 'Key deleted', loadKeys);
}

for (const f of [userForm, keyForm]) {
  f.querySelector('[data-close]')?.addEventListener('click', () => f.closest('dialog')?.close());
}
byId('new-key').addEventListener('click', () => openKeyEditor(null));

void requireRole('admin').then(() => {
  if (!userId) {
    replace(byId('user-head'), errorState(new Error('No user selected: open one from the users list.')));
    replace(byId('user-usage'), emptyState('—'));
    replace(byId('keys-region'), emptyState('—'));
    return;
  }
  loadUser();
  loadKeys();
});
