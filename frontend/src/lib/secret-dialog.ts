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
  // The secret must not linger in the page once the dialog is dismissed.
  dialog.addEventListener('close', () => { byId('secret-value').textContent = ''; }, { once: true });
  dialog.showModal();
  copy.focus();
}
