// Loading and error states for every region that waits on the API; auth failures leave the page.
import { ApiError } from './api-error.js';
import { h, replace, type Child } from './dom.js';
import { goToLogin, goToMyUsage } from './session.js';

export function loadingState(text = 'Loading…'): HTMLParagraphElement {
  return h('p', { class: 'state loading', role: 'status' }, text);
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message || `Request failed (${err.status})`;
  if (err instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return err instanceof Error ? err.message : String(err);
}

/** Sends the visitor to the right place when the session ended or lacks the rights; true when it did. */
export function handleAuthError(err: unknown): boolean {
  if (err instanceof ApiError && err.status === 401) {
    goToLogin();
    return true;
  }
  if (err instanceof ApiError && err.status === 403) {
    goToMyUsage();
    return true;
  }
  return false;
}

/**
 * Shows a spinner in `region`, runs `task`, then renders its result; on failure shows the error
 * with a Retry button instead of leaving the region blank.
 */
export async function loadInto<T>(
  region: Element,
  task: () => Promise<T>,
  render: (data: T) => Child,
  loadingText?: string,
): Promise<T | undefined> {
  region.setAttribute('aria-busy', 'true');
  replace(region, loadingState(loadingText));
  try {
    const data = await task();
    replace(region, render(data));
    return data;
  } catch (err) {
    if (handleAuthError(err)) return undefined;
    replace(region, errorState(err, () => void loadInto(region, task, render, loadingText)));
    return undefined;
  } finally {
    region.removeAttribute('aria-busy');
  }
}

export function errorState(err: unknown, retry?: () => void): HTMLDivElement {
  return h('div', { class: 'state error', role: 'alert' },
    h('span', null, describeError(err)),
    retry ? h('button', { type: 'button', class: 'small', onclick: retry }, 'Retry') : null);
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** A short status message announced to screen readers. */
export function toast(text: string, tone: 'ok' | 'error' = 'ok'): void {
  let el = document.getElementById('toast');
  if (!el) {
    el = h('div', { id: 'toast', class: 'toast notice', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(el);
  }
  el.className = `toast notice ${tone}`;
  el.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { if (el) el.textContent = ''; }, 4000);
}
