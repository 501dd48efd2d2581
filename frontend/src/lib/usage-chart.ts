// Requests (bars) and cost (line) over time with uPlot, sized to its container and redrawn on theme change.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatUsd } from './format.js';
import type { SummarySeriesPoint } from './types.js';

export interface UsageChart {
  destroy(): void;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Series points as uPlot columns: x in unix seconds, requests, cost. */
export function toColumns(series: readonly SummarySeriesPoint[]): [number[], number[], number[]] {
  const sorted = [...series]
    .map((p) => ({ ...p, x: Math.floor(Date.parse(p.t) / 1000) }))
    .filter((p) => Number.isFinite(p.x))
    .sort((a, b) => a.x - b.x);
  return [sorted.map((p) => p.x), sorted.map((p) => p.requests), sorted.map((p) => p.costUsd)];
}

/** Dollar tick labels with as many decimals as the tick spacing needs ($0.0025, $0.005, …). */
function usdTicks(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  const decimals = Math.min(6, Math.max(2, Math.ceil(-Math.log10(incr || 1))));
  return splits.map((v) => `$${v.toFixed(decimals)}`);
}

function build(container: HTMLElement, series: readonly SummarySeriesPoint[]): uPlot {
  const text = cssVar('--muted');
  const grid = cssVar('--border');
  const requestsColour = cssVar('--chart-1');
  const costColour = cssVar('--chart-2');
  const data = toColumns(series);
  const xs = data[0];
  // Half a bucket of room on both sides so the first and last bars are drawn whole.
  const step = xs.length > 1 ? xs[1] - xs[0] : 3600;
  const bars = uPlot.paths.bars?.({ size: [0.6, 48], gap: 1 });
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const nonZero = (u: uPlot, i: number) => (u.data[i] as number[]).flatMap((v, idx) => (v ? [idx] : []));
  const opts: uPlot.Options = {
    width: Math.max(200, container.clientWidth),
    height: 260,
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true, range: (_u, min, max) => [min - step / 2, max + step / 2] },
      requests: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      cost: { range: (_u, _min, max) => [0, Math.max(0.01, max) * 1.1] },
    },
    series: [
      {},
      {
        label: 'Requests', scale: 'requests', stroke: requestsColour, fill: `${requestsColour}55`, width: 1,
        paths: bars, points: { show: false }, value: (_u, v) => (v === null ? '—' : String(v)),
      },
      {
        label: 'Cost', scale: 'cost', stroke: costColour, width: 2,
        points: { show: true, size: 6, fill: costColour, filter: nonZero },
        value: (_u, v) => (v === null ? '—' : formatUsd(v)),
      },
    ],
    axes: [
      { ...axis },
      { ...axis, scale: 'requests', label: 'Requests', labelSize: 18, size: 48, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 1e5, 1e6] },
      { ...axis, scale: 'cost', side: 1, label: 'Cost (USD)', labelSize: 18, size: 72, grid: { show: false }, values: usdTicks },
    ],
  };
  return new uPlot(opts, data, container);
}

export function createUsageChart(container: HTMLElement, series: readonly SummarySeriesPoint[]): UsageChart {
  let plot = build(container, series);
  const resize = new ResizeObserver(() => {
    const width = Math.max(200, container.clientWidth);
    if (Math.abs(width - plot.width) > 2) plot.setSize({ width, height: 260 });
  });
  resize.observe(container);
  const onTheme = () => {
    plot.destroy();
    plot = build(container, series);
  };
  document.addEventListener('themechange', onTheme);
  return {
    destroy() {
      resize.disconnect();
      document.removeEventListener('themechange', onTheme);
      plot.destroy();
    },
  };
}
