// Providers: routing-ordered list with traffic shares, create/edit/delete, enable/disable, circuit reset.
import { api } from '../../lib/api.js';
import { badge, byId, h, table } from '../../lib/dom.js';
import { formatMs, formatPercent, formatUsd } from '../../lib/format.js';
import {
  formatList, inputNumber, optionalNumber, parseList, redirectsFromRows, requiredNumber,
} from '../../lib/form-values.js';
import { checked, clearErrors, fill, onSubmit, text } from '../../lib/forms.js';
import { orderForRouting } from '../../lib/routing-order.js';
import { requireRole } from '../../lib/session.js';
import type { ProviderFields, ProviderType, ProviderView } from '../../lib/types.js';
import { describeError, loadInto, toast } from '../../lib/view.js';
import { circuitBadge, enabledBadge } from '../../lib/widgets.js';

const region = byId('providers-region');
const dialog = byId<HTMLDialogElement>('provider-dialog');
const form = byId<HTMLFormElement>('provider');
const rows = byId('redirect-rows');
let editing: ProviderView | null = null;
let redirectCounter = 0;

function limitsText(p: ProviderView): string {
  const parts = [
    p.limit5hUsd !== null ? `5h ${formatUsd(p.limit5hUsd)}` : null,
    p.limitWeeklyUsd !== null ? `week ${formatUsd(p.limitWeeklyUsd)}` : null,
    p.limitMonthlyUsd !== null ? `month ${formatUsd(p.limitMonthlyUsd)}` : null,
    p.concurrentSessions !== null ? `${p.concurrentSessions} sessions` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'none';
}

function render(providers: ProviderView[]): HTMLElement {
  if (providers.length === 0) {
    return h('div', { class: 'card state' }, h('p', null, 'No providers yet. Add one to start routing requests.'));
  }
  const body = orderForRouting(providers).map(({ provider: p, share, tierStart }) => {
    const redirects = Object.keys(p.modelRedirects ?? {}).length;
    return h('tr', { class: [p.enabled ? '' : 'disabled', tierStart ? 'tier-start' : ''].join(' ').trim() || null, 'data-provider': p.name },
      h('td', { class: 'wrap' },
        h('strong', null, p.name), ' ', badge(p.type, 'accent'),
        h('div', { class: 'small muted' }, p.baseUrl),
        h('div', { class: 'small muted' },
          `Timeout ${formatMs(p.timeoutMs)} · ×${p.costMultiplier} cost · limits: ${limitsText(p)}`,
          redirects ? ` · ${redirects} redirect${redirects === 1 ? '' : 's'}` : '',
          p.allowedModels?.length ? ` · models: ${p.allowedModels.join(', ')}` : '')),
      h('td', null, p.groupTag),
      h('td', { class: 'num' }, String(p.priority)),
      h('td', { class: 'num' }, String(p.weight)),
      h('td', null, h('div', { class: 'share' },
        h('div', { class: 'meter-track', 'aria-hidden': 'true' }, h('div', { class: 'meter-fill', style: `width:${Math.round(share * 100)}%` })),
        h('span', null, p.enabled ? formatPercent(share) : '—'))),
      h('td', null, enabledBadge(p.enabled)),
      h('td', null, circuitBadge(p.circuit),
        p.circuit && (p.circuit.state !== 'closed' || p.circuit.failures > 0)
          ? h('div', { class: 'small muted' }, `${p.circuit.failures} failure${p.circuit.failures === 1 ? '' : 's'}`) : null),
      h('td', null, h('div', { class: 'row' },
        h('button', { type: 'button', class: 'small', onclick: () => openEditor(p), 'aria-label': `Edit ${p.name}` }, 'Edit'),
        h('button', { type: 'button', class: 'small', onclick: () => void toggle(p), 'aria-label': `${p.enabled ? 'Disable' : 'Enable'} ${p.name}` },
          p.enabled ? 'Disable' : 'Enable'),
        p.circuit && (p.circuit.state !== 'closed' || p.circuit.failures > 0)
          ? h('button', { type: 'button', class: 'small', onclick: () => void resetCircuit(p), 'aria-label': `Reset circuit of ${p.name}` }, 'Reset circuit')
          : null,
        h('button', { type: 'button', class: 'small danger', onclick: () => void remove(p), 'aria-label': `Delete ${p.name}` }, 'Delete'))));
  });
  return table('Providers in routing order',
    ['Provider', 'Group', { text: 'Priority', num: true }, { text: 'Weight', num: true }, 'Share', 'Status', 'Circuit', 'Actions'], body);
}

function reload(): void {
  void loadInto(region, api.listProviders, render);
}

function addRedirectRow(from = '', to = ''): void {
  const n = ++redirectCounter;
  const fromId = `redirect-from-${n}`;
  const toId = `redirect-to-${n}`;
  const row = h('div', { class: 'pair', 'data-redirect': '' },
    h('div', null, h('label', { for: fromId, class: 'visually-hidden' }, `Requested model, redirect ${n}`),
      h('input', { id: fromId, class: 'redirect-from', placeholder: 'claude-opus-4-5', value: from, spellcheck: 'false' })),
    h('span', { 'aria-hidden': 'true' }, '→'),
    h('div', null, h('label', { for: toId, class: 'visually-hidden' }, `Upstream model, redirect ${n}`),
      h('input', { id: toId, class: 'redirect-to', placeholder: 'claude-sonnet-4-5', value: to, spellcheck: 'false' })),
    h('button', { type: 'button', class: 'small', 'aria-label': `Remove redirect ${n}`, onclick: () => row.remove() }, 'Remove'));
  rows.appendChild(row);
}

function readRedirects(): Record<string, string> {
  return redirectsFromRows([...rows.querySelectorAll('[data-redirect]')].map((row) => ({
    from: row.querySelector<HTMLInputElement>('.redirect-from')?.value ?? '',
    to: row.querySelector<HTMLInputElement>('.redirect-to')?.value ?? '',
  })));
}

function openEditor(p: ProviderView | null): void {
  editing = p;
  clearErrors(form);
  form.reset();
  rows.replaceChildren();
  byId('provider-dialog-title').textContent = p ? `Edit ${p.name}` : 'New provider';
  fill(form, {
    name: p?.name ?? '',
    type: p?.type ?? 'claude',
    baseUrl: p?.baseUrl ?? '',
    apiKey: '',
    priority: String(p?.priority ?? 0),
    weight: String(p?.weight ?? 1),
    groupTag: p?.groupTag ?? 'default',
    costMultiplier: String(p?.costMultiplier ?? 1),
    timeoutMs: String(p?.timeoutMs ?? 600000),
    enabled: p?.enabled ?? true,
    allowedModels: formatList(p?.allowedModels ?? []),
    limit5hUsd: inputNumber(p?.limit5hUsd),
    limitWeeklyUsd: inputNumber(p?.limitWeeklyUsd),
    limitMonthlyUsd: inputNumber(p?.limitMonthlyUsd),
    concurrentSessions: inputNumber(p?.concurrentSessions),
    circuitFailureThreshold: String(p?.circuitFailureThreshold ?? 5),
    circuitOpenMs: String(p?.circuitOpenMs ?? 60000),
  });
  const keyHint = byId('provider-apiKey-hint');
  keyHint.textContent = p
    ? `Write-only. Current key ends in …${p.apiKeyHint}; leave blank to keep it.`
    : 'Write-only: it is never shown again.';
  for (const [from, to] of Object.entries(p?.modelRedirects ?? {})) addRedirectRow(from, to);
  dialog.showModal();
  byId<HTMLInputElement>('provider-name').focus();
}

function readForm(): ProviderFields {
  return {
    name: text(form, 'name').trim(),
    type: text(form, 'type') as ProviderType,
    baseUrl: text(form, 'baseUrl').trim(),
    enabled: checked(form, 'enabled'),
    priority: requiredNumber(text(form, 'priority')),
    weight: requiredNumber(text(form, 'weight')),
    groupTag: text(form, 'groupTag').trim() || 'default',
    modelRedirects: readRedirects(),
    allowedModels: parseList(text(form, 'allowedModels')),
    costMultiplier: requiredNumber(text(form, 'costMultiplier')),
    limit5hUsd: optionalNumber(text(form, 'limit5hUsd')),
    limitWeeklyUsd: optionalNumber(text(form, 'limitWeeklyUsd')),
    limitMonthlyUsd: optionalNumber(text(form, 'limitMonthlyUsd')),
    concurrentSessions: optionalNumber(text(form, 'concurrentSessions')),
    timeoutMs: requiredNumber(text(form, 'timeoutMs')),
    circuitFailureThreshold: requiredNumber(text(form, 'circuitFailureThreshold')),
    circuitOpenMs: requiredNumber(text(form, 'circuitOpenMs')),
  };
}

onSubmit(form, async () => {
  const fields = readForm();
  const apiKey = text(form, 'apiKey').trim();
  // On create a blank key is sent so the server names the missing field; on edit blank keeps the stored key.
  const saved = editing
    ? await api.updateProvider(editing.id, apiKey ? { ...fields, apiKey } : fields)
    : await api.createProvider({ ...fields, apiKey });
  dialog.close();
  toast(`Saved ${saved.name}`);
  reload();
});

async function toggle(p: ProviderView): Promise<void> {
  try {
    await api.updateProvider(p.id, { enabled: !p.enabled });
    toast(`${p.name} ${p.enabled ? 'disabled' : 'enabled'}`);
    reload();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function resetCircuit(p: ProviderView): Promise<void> {
  try {
    await api.resetCircuit(p.id);
    toast(`Circuit of ${p.name} reset`);
    reload();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function remove(p: ProviderView): Promise<void> {
  if (!confirm(`Delete provider "${p.name}"? Requests will no longer be routed to it.`)) return;
  try {
    await api.deleteProvider(p.id);
    toast(`Deleted ${p.name}`);
    reload();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

byId('add-redirect').addEventListener('click', () => {
  addRedirectRow();
  rows.querySelector<HTMLInputElement>('[data-redirect]:last-child .redirect-from')?.focus();
});
form.querySelector('[data-close]')?.addEventListener('click', () => dialog.close());
byId('new-provider').addEventListener('click', () => openEditor(null));

void requireRole('admin').then(reload);
