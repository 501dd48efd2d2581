// Form plumbing: read and fill named controls, show the API's per-field reasons beside the fields.
import { ApiError } from './api-error.js';
import { describeError, handleAuthError } from './view.js';
import type { FieldErrors } from './types.js';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export function control(form: HTMLFormElement, name: string): Control {
  const el = form.elements.namedItem(name);
  if (!el || el instanceof RadioNodeList) throw new Error(`form #${form.id} has no single control "${name}"`);
  return el as Control;
}

export function text(form: HTMLFormElement, name: string): string {
  return control(form, name).value;
}

export function checked(form: HTMLFormElement, name: string): boolean {
  return (control(form, name) as HTMLInputElement).checked;
}

export function fill(form: HTMLFormElement, values: Record<string, string | boolean>): void {
  for (const [name, value] of Object.entries(values)) {
    const el = control(form, name);
    if (typeof value === 'boolean') (el as HTMLInputElement).checked = value;
    else el.value = value;
  }
}

export function clearErrors(form: HTMLFormElement): void {
  for (const el of form.querySelectorAll('[data-error-for]')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  const general = form.querySelector('[data-form-error]');
  if (general) general.textContent = '';
}

/**
 * Puts each reason beside its field (`fields.modelRedirects.x` lands on `modelRedirects`); reasons
 * for fields the form does not show go to the form's general error line. Focuses the first bad field.
 */
export function showErrors(form: HTMLFormElement, message: string, fields: FieldErrors): void {
  const unplaced: string[] = [];
  let first: HTMLElement | null = null;
  for (const [path, reason] of Object.entries(fields)) {
    const name = placeFor(form, path);
    if (!name) {
      unplaced.push(`${path}: ${reason}`);
      continue;
    }
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${reason}` : reason;
    const el = form.elements.namedItem(name);
    if (el instanceof HTMLElement) {
      el.setAttribute('aria-invalid', 'true');
      first ??= el;
    } else {
      const group = form.querySelector<HTMLElement>(`[data-group="${CSS.escape(name)}"] input, [data-group="${CSS.escape(name)}"] button`);
      first ??= group;
    }
  }
  const general = form.querySelector('[data-form-error]');
  if (general) general.textContent = [first ? 'Please fix the highlighted fields.' : message, ...unplaced].join(' ');
  first?.focus();
}

function placeFor(form: HTMLFormElement, path: string): string | null {
  const candidates = [path, path.split(/[.[]/)[0]];
  for (const name of candidates) {
    if (form.querySelector(`[data-error-for="${CSS.escape(name)}"]`)) return name;
  }
  return null;
}

/**
 * Runs `action` on submit with the submit button disabled; a 400 shows its field reasons, other
 * failures show their message in the form.
 */
export function onSubmit(form: HTMLFormElement, action: () => Promise<void>): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll<HTMLButtonElement>('button[type="submit"]');
    clearErrors(form);
    // A number field holding text reads as "" (= no limit); refuse it instead of silently dropping the limit.
    const unreadable = [...form.querySelectorAll<HTMLInputElement>('input[type="number"]')].filter((i) => i.validity.badInput);
    if (unreadable.length) {
      showErrors(form, '', Object.fromEntries(unreadable.map((i) => [i.name, 'Enter a number.'])));
      return;
    }
    for (const b of buttons) b.disabled = true;
    try {
      await action();
    } catch (err) {
      if (handleAuthError(err)) return;
      if (err instanceof ApiError) showErrors(form, err.message, err.fields);
      else showErrors(form, describeError(err), {});
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
}
