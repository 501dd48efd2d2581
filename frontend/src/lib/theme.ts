// Light/dark toggle: follows the system until the visitor picks one, which is kept in localStorage.

const KEY = 'codehub.theme';
export type Theme = 'light' | 'dark';

export function effectiveTheme(): Theme {
  const forced = document.documentElement.dataset.theme;
  if (forced === 'light' || forced === 'dark') return forced;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function setTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try { localStorage.setItem(KEY, theme); } catch { /* storage blocked: applies to this page only */ }
  document.dispatchEvent(new CustomEvent('themechange', { detail: theme }));
}

/** Wires a toggle button; its label names the theme it switches to. */
export function bindThemeToggle(button: HTMLButtonElement): void {
  const sync = () => {
    const dark = effectiveTheme() === 'dark';
    button.setAttribute('aria-pressed', String(dark));
    button.textContent = dark ? '☀ Light' : '☾ Dark';
    button.setAttribute('aria-label', dark ? 'Switch to light mode' : 'Switch to dark mode');
  };
  button.addEventListener('click', () => setTheme(effectiveTheme() === 'dark' ? 'light' : 'dark'));
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    sync();
    document.dispatchEvent(new CustomEvent('themechange', { detail: effectiveTheme() }));
  });
  document.addEventListener('themechange', sync);
  sync();
}
