// Minimal DOM building without innerHTML, so API data is always inserted as text.

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') {
      el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== null && child !== undefined && child !== false) parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** The element with this id, typed; throws when the page markup lacks it (a build-time mistake). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

export function badge(text: string, tone: 'ok' | 'warn' | 'danger' | 'accent' | '' = ''): HTMLSpanElement {
  return h('span', { class: tone ? `badge ${tone}` : 'badge' }, text);
}

/**
 * A table inside a horizontally scrolling wrapper, so wide tables never widen the page. Each cell
 * gets its column name as `data-label`, which narrow screens show when rows stack into cards.
 */
export type Column = string | { text: string; num?: boolean };

/** Labels a row's cells with their column names (rows added to a table later need this too). */
export function labelRow(row: HTMLTableRowElement, head: Column[]): HTMLTableRowElement {
  [...row.cells].forEach((cell, i) => {
    const column = head[i];
    const name = typeof column === 'string' ? column : column?.text;
    if (cell.dataset.label || !name) return;
    cell.dataset.label = name;
    // One wrapper per cell, so the stacked layout can put label and value side by side.
    const value = h('div', { class: 'cell' });
    value.append(...cell.childNodes);
    cell.append(value);
  });
  return row;
}

export function table(caption: string, head: Column[], rows: Node[]): HTMLDivElement {
  for (const row of rows) if (row instanceof HTMLTableRowElement) labelRow(row, head);
  return h('div', { class: 'table-wrap' },
    h('table', null,
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, head.map((c) =>
        typeof c === 'string' ? h('th', { scope: 'col' }, c) : h('th', { scope: 'col', class: c.num ? 'num' : null }, c.text)))),
      h('tbody', null, rows)));
}

export function emptyState(text: string): HTMLParagraphElement {
  return h('p', { class: 'state' }, text);
}
