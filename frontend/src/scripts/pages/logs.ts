// Logs: filters mirrored in the URL, cursor paging, and a drawer with one request's full detail.
import { api } from '../../lib/api.js';
import { byId, emptyState, h, labelRow, replace, table, type Column } from '../../lib/dom.js';
import { loadDirectory, type Directory } from '../../lib/directory.js';
import { formatCount, formatMs, formatShortTime, formatTime, formatUsd } from '../../lib/format.js';
import { isoFromLocalInput, localInputFromIso } from '../../lib/form-values.js';
import { control, fill, onSubmit, text } from '../../lib/forms.js';
import { renderLogDetail } from '../../lib/log-detail.js';
import { requireRole } from '../../lib/session.js';
import type { LogPage, LogQuery, RequestLog } from '../../lib/types.js';
import { errorState, handleAuthError, loadInto, loadingState } from '../../lib/view.js';
import { statusBadge } from '../../lib/widgets.js';

const FILTERS = ['userId', 'keyId', 'providerId', 'model', 'status', 'sessionId', 'from', 'to'] as const;
const PAGE_SIZE = '50';
const COLUMNS: Column[] = ['Time', 'User', 'Key', 'Provider', 'Model', 'Status',
  { text: 'Tokens in / out', num: true }, { text: 'Cost', num: true }, { text: 'Duration', num: true }, ''];
const form = byId<HTMLFormElement>('filters');
const region = byId('logs-region');
const paging = byId('paging');
const drawer = byId<HTMLDialogElement>('log-dialog');
let dir: Directory;
let rowsBody: HTMLTableSectionElement | null = null;

function queryFromUrl(): LogQuery {
  const params = new URLSearchParams(location.search);
  const q: LogQuery = {};
  for (const name of FILTERS) {
    const v = params.get(name);
    if (v) q[name] = v;
  }
  return q;
}

function queryFromForm(): LogQuery {
  const q: LogQuery = {};
  for (const name of FILTERS) {
    const raw = text(form, name).trim();
    const v = name === 'from' || name === 'to' ? isoFromLocalInput(raw) ?? '' : raw;
    if (v) q[name] = v;
  }
  return q;
}

function option(value: string, label: string): HTMLOptionElement {
  return h('option', { value }, label);
}

async function fillKeyOptions(userId: string, selected = ''): Promise<void> {
  const select = control(form, 'keyId') as HTMLSelectElement;
  if (userId) await dir.loadKeysOf([userId]);
  const keys = userId ? dir.keysOf(userId) : [];
  replace(select, option('', userId ? 'All keys of this user' : 'All keys'),
    keys.map((k) => option(k.id, `${k.name} (${k.keyPrefix}…)`)),
    selected && !keys.some((k) => k.id === selected) ? option(selected, selected) : null);
  select.value = selected;
}

async function fillForm(q: LogQuery): Promise<void> {
  const users = control(form, 'userId') as HTMLSelectElement;
  replace(users, option('', 'All users'), [...dir.users].sort((a, b) => a.name.localeCompare(b.name)).map((u) => option(u.id, u.name)));
  const providers = control(form, 'providerId') as HTMLSelectElement;
  replace(providers, option('', 'All providers'), dir.providers.map((p) => option(p.id, p.name)));
  fill(form, {
    userId: q.userId ?? '', providerId: q.providerId ?? '', model: q.model ?? '', status: q.status ?? '',
    sessionId: q.sessionId ?? '', from: localInputFromIso(q.from), to: localInputFromIso(q.to),
  });
  await fillKeyOptions(q.userId ?? '', q.keyId ?? '');
}

function row(log: RequestLog): HTMLTableRowElement {
  const model = log.upstreamModel && log.upstreamModel !== log.model ? `${log.model} → ${log.upstreamModel}` : log.model ?? '—';
  return h('tr', { 'data-log': log.id },
    h('td', null, h('time', { datetime: log.createdAt, title: formatTime(log.createdAt) }, formatShortTime(log.createdAt))),
    h('td', null, dir.user(log.userId)),
    h('td', null, h('span', { title: dir.key(log.keyId) }, dir.keyName(log.keyId))),
    h('td', null, dir.provider(log.providerId, log.providerName)),
    h('td', null, model),
    h('td', null, statusBadge(log.statusCode)),
    h('td', { class: 'num' }, `${formatCount(log.inputTokens + (log.cacheCreationInputTokens ?? 0) + log.cacheReadInputTokens)} / ${formatCount(log.outputTokens)}`),
    h('td', { class: 'num' }, formatUsd(log.costUsd)),
    h('td', { class: 'num' }, formatMs(log.durationMs)),
    h('td', null, h('button', { type: 'button', class: 'small', onclick: () => openDetail(log.id), 'aria-label': `Details of request ${log.id}` }, 'Details')));
}

async function fetchPage(q: LogQuery, cursor: string | null): Promise<LogPage> {
  const page = await api.listLogs({ ...q, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
  await dir.loadKeysOf(page.items.map((l) => l.userId));
  return page;
}

function setPaging(q: LogQuery, nextCursor: string | null): void {
  replace(paging, nextCursor ? h('button', { type: 'button', onclick: () => void more(q, nextCursor) }, 'Load more') : null);
}

function renderFirst(q: LogQuery, page: LogPage): HTMLElement {
  setPaging(q, page.nextCursor);
  if (page.items.length === 0) {
    rowsBody = null;
    return emptyState(Object.keys(q).length ? 'No requests match these filters.' : 'No requests logged yet.');
  }
  const wrap = table('Request logs', COLUMNS, page.items.map(row));
  rowsBody = wrap.querySelector('tbody');
  return wrap;
}

async function more(q: LogQuery, cursor: string): Promise<void> {
  replace(paging, loadingState('Loading more…'));
  try {
    const page = await fetchPage(q, cursor);
    rowsBody?.append(...page.items.map((log) => labelRow(row(log), COLUMNS)));
    setPaging(q, page.nextCursor);
  } catch (err) {
    if (!handleAuthError(err)) replace(paging, errorState(err, () => void more(q, cursor)));
  }
}

function search(q: LogQuery): void {
  replace(paging);
  void loadInto(region, () => fetchPage(q, null), (page) => renderFirst(q, page));
}

function openDetail(id: string, push = true): void {
  const target = byId('log-detail');
  if (push) {
    const url = new URL(location.href);
    url.searchParams.set('id', id);
    history.pushState(null, '', url);
  }
  drawer.showModal();
  void loadInto(target, () => api.getLog(id), (log) => renderLogDetail(log, dir));
}

drawer.addEventListener('close', () => {
  const url = new URL(location.href);
  if (url.searchParams.has('id')) {
    url.searchParams.delete('id');
    history.replaceState(null, '', url);
  }
});

// Fetched inside the form's submit so a rejected filter (400) is explained beside its field.
onSubmit(form, async () => {
  const q = queryFromForm();
  replace(paging);
  region.setAttribute('aria-busy', 'true');
  try {
    const page = await fetchPage(q, null);
    replace(region, renderFirst(q, page));
  } finally {
    region.removeAttribute('aria-busy');
  }
  const url = new URL(location.pathname, location.origin);
  for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
  history.replaceState(null, '', url);
});

byId('clear-filters').addEventListener('click', () => {
  form.reset();
  void fillKeyOptions('');
  history.replaceState(null, '', location.pathname);
  search({});
});

control(form, 'userId').addEventListener('change', () => void fillKeyOptions(text(form, 'userId')));

void requireRole('admin').then(async () => {
  const loaded = await loadInto(region, loadDirectory, () => loadingState());
  if (!loaded) return;
  dir = loaded;
  const q = queryFromUrl();
  await fillForm(q);
  // Phones start with the filters folded unless some are in use.
  if (Object.keys(q).length || matchMedia('(min-width: 641px)').matches) byId<HTMLDetailsElement>('filters-box').open = true;
  search(q);
  const id = new URLSearchParams(location.search).get('id');
  if (id) openDetail(id, false);
});
