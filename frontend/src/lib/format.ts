// Pure display formatting for money, token counts, times and durations.

/** USD with cents, more digits for sub-cent amounts so a single cheap request is not shown as $0.00. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 6 : abs < 1 ? 4 : 2;
  return `$${value.toFixed(digits)}`;
}

/** Whole numbers with thousands separators; large values compacted (1.2M). */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1_000_000) return `${trim(value / 1_000_000)}M`;
  return Math.round(value).toLocaleString('en-US');
}

function trim(n: number): string {
  return n.toFixed(n >= 100 ? 0 : n >= 10 ? 1 : 2).replace(/\.?0+$/, '');
}

/** A span of milliseconds as `850 ms`, `2.4 s`, `3m 05s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${m}m ${String(s).padStart(2, '0')}s`;
}

/** Time until `iso` from `now` as `1h12m`, `3d 4h`, `45s`; `now` when already past. */
export function formatUntil(iso: string | null, now: Date = new Date()): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now.getTime();
  if (!Number.isFinite(diff)) return '—';
  if (diff <= 0) return 'now';
  const totalMin = Math.floor(diff / 60_000);
  if (totalMin < 1) return `${Math.ceil(diff / 1000)}s`;
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  return `${m}m`;
}

/** A timestamp in the viewer's zone, `2025-01-31 14:05:09`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A compact timestamp for tables: `01-31 14:05:09`, with the year only when it is not this year's. */
export function formatShortTime(iso: string | null | undefined, now: Date = new Date()): string {
  const full = formatTime(iso);
  if (full === '—' || !iso) return full;
  return new Date(iso).getFullYear() === now.getFullYear() ? full.slice(5) : full;
}

/** `YYYY-MM-DD` of a date in the viewer's zone (for date inputs and leaderboard queries). */
export function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const pct = fraction * 100;
  return `${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%`;
}

/** How full a limit is, 0..1 (capped), or null when there is no limit. */
export function fillRatio(used: number, limit: number | null): number | null {
  if (limit === null || limit === undefined) return null;
  if (limit <= 0) return 1;
  return Math.min(1, Math.max(0, used / limit));
}

/** Severity of a fill ratio for colouring bars. */
export function fillLevel(ratio: number | null): 'ok' | 'warn' | 'danger' {
  if (ratio === null || ratio < 0.75) return 'ok';
  return ratio < 1 ? 'warn' : 'danger';
}

const WINDOW_LABELS: Record<string, string> = {
  '5h': '5 hours', daily: 'Today', weekly: 'This week', monthly: 'This month', total: 'All time',
};

export function windowLabel(window: string): string {
  return WINDOW_LABELS[window] ?? window;
}
