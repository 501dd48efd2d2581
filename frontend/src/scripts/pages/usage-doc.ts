// Usage doc: fills the snippets with this deployment's proxy URL (from /config.json) and an optional key.
import { copyText } from '../../lib/clipboard.js';
import { byId } from '../../lib/dom.js';
import { text } from '../../lib/forms.js';
import { gatewayBase, usageSnippets } from '../../lib/usage-snippets.js';

const keyForm = byId<HTMLFormElement>('doc-key');
let proxyUrl = location.origin;

function render(): void {
  const snippets = usageSnippets(proxyUrl, text(keyForm, 'key'));
  byId('gateway-url').textContent = gatewayBase(proxyUrl);
  for (const el of document.querySelectorAll<HTMLElement>('[data-snippet]')) {
    const s = snippets[el.dataset.snippet ?? ''];
    if (s) el.textContent = s.code;
  }
}

/** The proxy may live on its own URL (a Lambda Function URL on AWS); /config.json says where. */
async function loadProxyUrl(): Promise<void> {
  try {
    const res = await fetch('/config.json', { credentials: 'same-origin' });
    if (!res.ok) return;
    const config = (await res.json()) as { proxyUrl?: unknown };
    if (typeof config.proxyUrl === 'string' && /^https?:\/\//.test(config.proxyUrl)) proxyUrl = config.proxyUrl;
  } catch {
    /* no config: the dashboard's own origin serves the proxy too */
  }
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
  button.addEventListener('click', async () => {
    const code = document.querySelector<HTMLElement>(`[data-snippet="${button.dataset.copy}"]`)?.textContent ?? '';
    const ok = await copyText(code);
    button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
    setTimeout(() => { button.textContent = 'Copy'; }, 1800);
  });
}
keyForm.addEventListener('input', render);
keyForm.addEventListener('submit', (e) => e.preventDefault());

render();
void loadProxyUrl().then(render);
