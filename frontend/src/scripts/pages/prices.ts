// Prices: search the table, edit (becomes manual), delete, and sync from LiteLLM showing the result.
import { api } from '../../lib/api.js';
import { badge, byId, emptyState, h, replace, table } from '../../lib/dom.js';
import { formatCount, formatTime } from '../../lib/format.js';
import { inputNumber, optionalNumber, requiredNumber } from '../../lib/form-values.js';
import { clearErrors, fill, onSubmit, showErrors, text } from '../../lib/forms.js';
import { requireRole } from '../../lib/session.js';
import type { Price, PriceSyncResult } from '../../lib/types.js';
import { describeError, errorState, handleAuthError, loadInto, loadingState, toast } from '../../lib/view.js';

const SHOWN = 200;
const LONG_CONTEXT = [
  'inputAbove200kPerMTokUsd', 'outputAbove200kPerMTokUsd', 'cacheWrite5mAbove200kPerMTokUsd',
  'cacheWrite1hAbove200kPerMTokUsd', 'cacheReadAbove200kPerMTokUsd',
] as const;
const region = byId('prices-region');
const searchForm = byId<HTMLFormElement>('price-search');
const syncForm = byId<HTMLFormElement>('sync');
const syncResult = byId('sync-result');
const dialog = byId<HTMLDialogElement>('price-dialog');
const form = byId<HTMLFormElement>('price');
let prices: Price[] = [];
let editing: Price | null = null;

function perMTok(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return `$${Number(v.toPrecision(6))}`;
}

function renderTable(): HTMLElement {
  const q = text(searchForm, 'q').trim().toLowerCase();
  const matches = prices.filter((p) => p.model.toLowerCase().includes(q)).sort((a, b) => a.model.localeCompare(b.model));
  if (prices.length === 0) return emptyState('No prices yet. Sync from LiteLLM or add one by hand.');
  if (matches.length === 0) return emptyState(`No model matches "${q}".`);
  return h('div', null,
    h('p', { class: 'small muted', role: 'status' },
      matches.length > SHOWN ? `Showing ${SHOWN} of ${formatCount(matches.length)} matches; refine the search to see more.`
        : `${formatCount(matches.length)} model${matches.length === 1 ? '' : 's'}`),
    table('Prices per million tokens', ['Model', { text: 'Input', num: true }, { text: 'Output', num: true },
      { text: 'Write 5m', num: true }, { text: 'Write 1h', num: true }, { text: 'Read', num: true }, 'Source', 'Updated', ''],
    matches.slice(0, SHOWN).map((p) => h('tr', { 'data-model': p.model },
      h('td', { class: 'wrap' }, p.model, p.inputAbove200kPerMTokUsd != null ? h('div', { class: 'small muted' },
        `over 200k: ${perMTok(p.inputAbove200kPerMTokUsd)} in / ${perMTok(p.outputAbove200kPerMTokUsd)} out`) : null),
      h('td', { class: 'num' }, perMTok(p.inputPerMTokUsd)),
      h('td', { class: 'num' }, perMTok(p.outputPerMTokUsd)),
      h('td', { class: 'num' }, perMTok(p.cacheWrite5mPerMTokUsd)),
      h('td', { class: 'num' }, perMTok(p.cacheWrite1hPerMTokUsd)),
      h('td', { class: 'num' }, perMTok(p.cacheReadPerMTokUsd)),
      h('td', null, badge(p.source, p.source === 'manual' ? 'accent' : '')),
      h('td', null, formatTime(p.updatedAt)),
      h('td', null, h('div', { class: 'row' },
        h('button', { type: 'button', class: 'small', onclick: () => openEditor(p), 'aria-label': `Edit price of ${p.model}` }, 'Edit'),
        h('button', { type: 'button', class: 'small danger', onclick: () => void remove(p), 'aria-label': `Delete price of ${p.model}` }, 'Delete')))))));
}

function reload(): void {
  void loadInto(region, () => api.listPrices(), (list) => {
    prices = list;
    return renderTable();
  });
}

function renderSync(r: PriceSyncResult | null, fresh: boolean): HTMLElement {
  if (!r) return h('p', { class: 'muted small mt' }, 'No sync has run yet.');
  return h('div', { class: `notice mt ${fresh ? 'ok' : ''}` },
    h('p', null, h('strong', null, fresh ? 'Sync finished. ' : 'Last sync. '),
      `${formatCount(r.models)} models read, ${formatCount(r.updated)} updated`, r.syncedAt ? ` · ${formatTime(r.syncedAt)}` : ''),
    h('dl', { class: 'kv small' },
      h('dt', null, 'Source'), h('dd', null, r.source),
      h('dt', null, 'SHA-256'), h('dd', null, h('code', null, r.sha256))));
}

onSubmit(syncForm, async () => {
  const url = text(syncForm, 'url').trim();
  replace(syncResult, loadingState('Syncing prices…'));
  try {
    const result = await api.syncPrices(url || undefined);
    replace(syncResult, renderSync(result, true));
    toast(`Prices synced: ${result.updated} updated`);
    reload();
  } catch (err) {
    replace(syncResult);
    throw err;
  }
});

function openEditor(p: Price | null): void {
  editing = p;
  clearErrors(form);
  byId('price-dialog-title').textContent = p ? `Edit ${p.model}` : 'Add price';
  fill(form, {
    model: p?.model ?? '',
    inputPerMTokUsd: inputNumber(p?.inputPerMTokUsd),
    outputPerMTokUsd: inputNumber(p?.outputPerMTokUsd),
    cacheWrite5mPerMTokUsd: inputNumber(p?.cacheWrite5mPerMTokUsd),
    cacheWrite1hPerMTokUsd: inputNumber(p?.cacheWrite1hPerMTokUsd),
    cacheReadPerMTokUsd: inputNumber(p?.cacheReadPerMTokUsd),
    ...Object.fromEntries(LONG_CONTEXT.map((name) => [name, inputNumber(p?.[name])])),
  });
  const model = byId<HTMLInputElement>('price-model');
  model.readOnly = p !== null;
  dialog.showModal();
  (p ? byId<HTMLInputElement>('price-inputPerMTokUsd') : model).focus();
}

onSubmit(form, async () => {
  const model = editing?.model ?? text(form, 'model').trim();
  if (!model) {
    showErrors(form, '', { model: 'Enter the model name exactly as clients send it.' });
    return;
  }
  await api.putPrice(model, {
    inputPerMTokUsd: requiredNumber(text(form, 'inputPerMTokUsd')),
    outputPerMTokUsd: requiredNumber(text(form, 'outputPerMTokUsd')),
    cacheWrite5mPerMTokUsd: optionalNumber(text(form, 'cacheWrite5mPerMTokUsd')),
    cacheWrite1hPerMTokUsd: optionalNumber(text(form, 'cacheWrite1hPerMTokUsd')),
    cacheReadPerMTokUsd: optionalNumber(text(form, 'cacheReadPerMTokUsd')),
    ...Object.fromEntries(LONG_CONTEXT.map((name) => [name, optionalNumber(text(form, name))])),
  });
  dialog.close();
  toast(`Saved price of ${model} (manual)`);
  reload();
});

async function remove(p: Price): Promise<void> {
  if (!confirm(`Delete the price of "${p.model}"? Requests for it will be logged without a cost until it is priced again.`)) return;
  try {
    await api.deletePrice(p.model);
    toast(`Deleted price of ${p.model}`);
    reload();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

searchForm.addEventListener('submit', (e) => e.preventDefault());
searchForm.addEventListener('input', () => { if (prices.length) replace(region, renderTable()); });
form.querySelector('[data-close]')?.addEventListener('click', () => dialog.close());
byId('new-price').addEventListener('click', () => openEditor(null));

void requireRole('admin').then(() => {
  reload();
  api.lastPriceSync().then((r) => replace(syncResult, renderSync(r, false)), (err) => {
    if (!handleAuthError(err)) replace(syncResult, errorState(err));
  });
});
