// Copy-to-clipboard buttons that also work over plain http, where navigator.clipboard is unavailable.
import { h } from './dom.js';

export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through to the selection-based copy */
  }
  const area = h('textarea', { 'aria-hidden': 'true', tabindex: '-1', readonly: true });
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  return ok;
}

/** A button that copies `text()` and says so for a moment. */
export function copyButton(text: () => string, label = 'Copy', what = 'text'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'small copy', 'aria-label': `Copy ${what}` }, label);
  button.addEventListener('click', async () => {
    const ok = await copyText(text());
    button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
    setTimeout(() => { button.textContent = label; }, 1800);
  });
  return button;
}
