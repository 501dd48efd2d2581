// Opens the once-only secret dialog (components/SecretDialog.astro) for a new or rotated key.
import { copyText } from './clipboard.js';
import { byId } from './dom.js';
import type { CreatedKey } from './types.js';

export function showSecret(created: CreatedKey, action: 'created' | 'rotated'): void {
  const dialog = byId<HTMLDialogElement>('secret-dialog');
  byId('secret-for').textContent = `Key "${created.name}" ${action}. Its prefix ${created.keyPrefix} identifies it in lists and logs.`;
  byId('secret-value').textContent = created.key;
  const copy = byId<HTMLButtonElement>('secret-copy');
  copy.textContent = 'Copy';
  copy.onclick = async () => {
    copy.textContent = (await copyText(created.key)) ? 'Copied' : 'Select and copy';
  };
  // The secret must not linger in the page once the dialog is dismissed. Its buttons submit a
  // method="dialog" form, which fires `submit` at once but `close` only in a later task: clear on
  // the first of the two (Esc fires only `close`).
  const listening = new AbortController();
  const forget = (): void => {
    byId('secret-value').textContent = '';
    copy.onclick = null;
    listening.abort();
  };
  dialog.addEventListener('submit', forget, { signal: listening.signal });
  dialog.addEventListener('close', forget, { signal: listening.signal });
  dialog.showModal();
  copy.focus();
}
