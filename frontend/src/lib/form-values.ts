// Pure conversions between form text and API values (blank limit = no limit, lists, model redirects).

/** A blank field means "no limit" (null); otherwise a number, or NaN so the server reports the field. */
export function optionalNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  return Number(t);
}

/** A required number; blank becomes NaN so validation names the field instead of silently sending 0. */
export function requiredNumber(text: string): number {
  const t = text.trim();
  return t === '' ? Number.NaN : Number(t);
}

/** Model lists are entered one per line or comma-separated; blanks and duplicates are dropped. */
export function parseList(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\n,]/)) {
    const v = part.trim();
    if (v) seen.add(v);
  }
  return [...seen];
}

export function formatList(items: readonly string[]): string {
  return items.join('\n');
}

/** Redirect rows (from → to) into the API's map; rows with a blank side are ignored. */
export function redirectsFromRows(rows: ReadonlyArray<{ from: string; to: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { from, to } of rows) {
    const f = from.trim();
    const t = to.trim();
    if (f && t) out[f] = t;
  }
  return out;
}

/** `datetime-local` value (viewer's zone) to ISO-8601 UTC, or null when blank. */
export function isoFromLocalInput(value: string): string | null {
  if (!value.trim()) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** ISO-8601 to a `datetime-local` value in the viewer's zone. */
export function localInputFromIso(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A number for an input's value; null shows as blank. */
export function inputNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
