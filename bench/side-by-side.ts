// Side-by-side benchmark (issue 10 part 5): direct, Code Hub and the Portkey gateway against the same
// fake upstream in one run; non-streaming and streaming at concurrency 1, 8 and 32: throughput,
// added latency (TTFB and total, p50/p95/p99) versus direct, peak RSS of each gateway process; then
// Code Hub's store operations and DynamoDB write units per request, on the embedded store and with
// the store path of a Lambda instance. Everything runs on 127.0.0.1 and stops by itself.
//   npx tsx bench/side-by-side.ts [--requests 400] [--warm 2000] [--accounting 300] [--json out.json] [--max-minutes 30]
//     [--concurrency 1,8,32] [--hub-store memory|disk] [--lambda-store separate|in-process]
//     [--hub-node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { NON_STREAM_BODY, fmt, percentile, postForBody, runLoad, sseEvents, startBenchUpstream, timedPost, type Timing } from './lib/harness.js';
import { cpuMs, createRssSampler, hubHeaders, portkeyHeaders, rssKindsMb, startHubProcess, startPortkeyProcess, startStoreProcess, type GatewayProcess } from './lib/gateway-process.js';
import type { WindowReport } from './lib/store-probe.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const REQUESTS = Number(args.get('requests') ?? 400);
const ACCOUNTING = Number(args.get('accounting') ?? 300);
const MAX_MINUTES = Number(args.get('max-minutes') ?? 30);
/**
 * Requests each gateway serves before the first timed run (half non-streaming, half streaming, at
 * concurrency 8): the steady state of a server that has been up a while, JIT-compiled code and warm
 * store, for every target alike. 0 times cold processes.
 */
const WARM = Number(args.get('warm') ?? 2000);
const CONCURRENCY = (args.get('concurrency') ?? '1,8,32').split(',').map(Number);
/** Extra node flags for the Code Hub processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
const HUB_NODE_ARGS = (args.get('hub-node-args') ?? '').split(' ').filter(Boolean);
/** memory (default): the in-memory embedded store; disk: under a temporary DATA_DIR like `npm start`. */
const HUB_STORE = args.get('hub-store') === 'disk' ? 'disk' : 'memory';
/**
 * The Lambda-path hub's store: separate (default) = dynalite in its own process, so the hub process
 * holds only the gateway as a Lambda instance does; in-process = the embedded store, not single writer.
 */
const LAMBDA_STORE = args.get('lambda-store') === 'in-process' ? 'in-process' : 'separate';
const MODES = ['non-stream', 'stream'] as const;
type Mode = (typeof MODES)[number];

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  pid?: number;
  /** A store process the target depends on (its RSS and CPU are reported beside the target's). */
  storePid?: number;
}

interface Row {
  target: string;
  mode: Mode;
  concurrency: number;
  requests: number;
  errors: number;
  rps: number;
  ttfb: [number, number, number];
  total: [number, number, number];
  addedTtfb?: [number, number, number];
  addedTotal?: [number, number, number];
  peakRssMb?: number;
  /** CPU time the gateway process used per request (user + system). */
  cpuMsPerRequest?: number;
  storePeakRssMb?: number;
  storeCpuMsPerRequest?: number;
  /** What the failed requests got: status codes or error messages, with counts. */
  failures?: Record<string, number>;
}

interface AccountingRow {
  hub: string;
  mode: Mode;
  concurrency: number;
  requests: number;
  report: WindowReport;
}

const body = (mode: Mode) =>
  JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 256, stream: mode === 'stream', messages: [{ role: 'user', content: 'benchmark' }] });
/** Timed requests per run: more at higher concurrency, so each worker sends a comparable share. */
const runSize = (concurrency: number) => REQUESTS * (concurrency <= 1 ? 1 : concurrency <= 8 ? 2 : 4);
const pcts = (values: number[]): [number, number, number] => [percentile(values, 50), percentile(values, 95), percentile(values, 99)];
const minus = (a: [number, number, number], b: [number, number, number]): [number, number, number] => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];

function summarize(target: Target, mode: Mode, concurrency: number, run: { timings: Timing[]; wallMs: number; errors: number }): Row {
  return {
    target: target.name,
    mode,
    concurrency,
    requests: run.timings.length,
    errors: run.errors,
    rps: (run.timings.length / run.wallMs) * 1000,
    ttfb: pcts(run.timings.map((t) => t.ttfbMs)),
    total: pcts(run.timings.map((t) => t.totalMs)),
  };
}

/** Every target answers the fake upstream's exact bytes, streamed and not, and reaches the upstream. */
async function preflight(targets: Target[], upstream: { received: () => number }) {
  const expected: Record<Mode, string> = { 'non-stream': NON_STREAM_BODY, stream: sseEvents().join('') };
  for (const target of targets) {
    for (const mode of MODES) {
      const before = upstream.received();
      const res = await postForBody(target.url, body(mode), target.headers);
      if (res.status !== 200) throw new Error(`${target.name} ${mode}: status ${res.status}: ${res.body.slice(0, 300)}`);
      if (res.body !== expected[mode]) throw new Error(`${target.name} ${mode}: body differs from the upstream's (${res.body.length} vs ${expected[mode].length} bytes)`);
      if (upstream.received() !== before + 1) throw new Error(`${target.name} ${mode}: the upstream saw ${upstream.received() - before} requests, not 1`);
    }
  }
}

const ms = (v: number) => fmt(v);
const withStore = (own: number | undefined, store: number | undefined, digits: number) =>
  own === undefined ? '—' : `${own.toFixed(digits)}${store === undefined ? '' : ` (+ store ${store.toFixed(digits)})`}`;
const triple = (v?: [number, number, number]) => (v ? v.map(ms).join(' / ') : '—');

function printLatency(rows: Row[]) {
  console.log('| mode | c | target | req/s | TTFB p50 / p95 / p99 | added TTFB p50 / p95 / p99 | total p50 / p95 / p99 | added total p50 / p95 / p99 | peak RSS MB | CPU ms / req | errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const failures = r.failures ? ` (${Object.entries(r.failures).map(([w, n]) => `${n}× ${w}`).join(', ')})` : '';
    console.log(
      `| ${r.mode} | ${r.concurrency} | ${r.target} | ${r.rps.toFixed(0)} | ${triple(r.ttfb)} | ${triple(r.addedTtfb)} | ${triple(r.total)} | ${triple(r.addedTotal)} | ${withStore(r.peakRssMb, r.storePeakRssMb, 0)} | ${withStore(r.cpuMsPerRequest, r.storeCpuMsPerRequest, 2)} | ${r.errors}${failures} |`,
    );
  }
}

function printAccounting(rows: AccountingRow[]) {
  console.log('| store path | mode | c | requests | store ops / req | write commands / req | WCU / req (table + indexes) | index WCU by GSI / req | operations in the window |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const a of rows) {
    const per = (n: number) => (n / a.requests).toFixed(2);
    const u = a.report.units;
    const byIndex = Object.entries(u.byIndex).map(([g, n]) => `${g} ${per(n)}`).join(', ') || '—';
    const byCommand = Object.entries(a.report.byCommand).map(([c, n]) => `${n}× ${c}`).join(', ');
    console.log(
      `| ${a.hub} | ${a.mode} | ${a.concurrency} | ${a.requests} | ${per(a.report.ops)} | ${per(a.report.writeCommands)} | ${per(u.total)} (${per(u.tableUnits)} + ${per(u.indexUnits)}) | ${byIndex} | ${byCommand} |`,
    );
  }
}

/** Which items the write units go to (non-streaming windows; streaming writes the same items). */
function printWritesByItem(rows: AccountingRow[]) {
  const shown = rows.filter((a) => a.mode === 'non-stream');
  const kinds = [...new Set(shown.flatMap((a) => Object.keys(a.report.units.byItem)))].sort();
  console.log(`| item | ${shown.map((a) => `${a.hub} c=${a.concurrency}`).join(' | ')} |`);
  console.log(`| --- | ${shown.map(() => '---').join(' | ')} |`);
  for (const kind of kinds) {
    const cells = shown.map((a) => {
      const k = a.report.units.byItem[kind];
      return k ? `${(k.writes / a.requests).toFixed(2)} writes, ${(k.units / a.requests).toFixed(2)} WCU, ${(k.bytes / k.writes).toFixed(0)} B` : '—';
    });
    console.log(`| ${kind} | ${cells.join(' | ')} |`);
  }
}

async function main() {
  const started = Date.now();
  const load = { start: loadavg(), end: [0, 0, 0] };
  const upstream = await startBenchUpstream();
  const children: GatewayProcess[] = [];
  const watchdog = setTimeout(() => {
    console.error(`side-by-side: still running after ${MAX_MINUTES} minutes; stopping`);
    void Promise.all(children.map((c) => c.stop())).finally(() => process.exit(2));
  }, MAX_MINUTES * 60_000);
  try {
    const hub = await startHubProcess(upstream.url, 'embedded', { store: HUB_STORE, nodeArgs: HUB_NODE_ARGS });
    children.push(hub);
    const store = LAMBDA_STORE === 'separate' ? await startStoreProcess() : null;
    if (store) children.push(store);
    const lambdaHub = await startHubProcess(upstream.url, 'lambda', { store: HUB_STORE, endpoint: store?.url, nodeArgs: HUB_NODE_ARGS });
    children.push(lambdaHub);
    const portkey = await startPortkeyProcess();
    children.push(portkey);

    const targets: Target[] = [
      { name: 'direct', url: `${upstream.url}/v1/messages`, headers: { 'anthropic-version': '2023-06-01' } },
      { name: hub.name, url: `${hub.url}/v1/messages`, headers: hubHeaders(hub), pid: hub.pid },
      { name: lambdaHub.name, url: `${lambdaHub.url}/v1/messages`, headers: hubHeaders(lambdaHub), pid: lambdaHub.pid, storePid: store?.pid },
      { name: 'portkey', url: `${portkey.url}/v1/messages`, headers: portkeyHeaders(upstream.url), pid: portkey.pid },
    ];
    await preflight(targets, upstream);
    process.stderr.write(`processes: ${children.map((c) => `${c.name} pid ${c.pid}`).join(', ')}\n`);

    const sampler = createRssSampler(children.map((c) => c.pid));
    const idleRssMb = Object.fromEntries(children.map((c) => [c.name, sampler.phasePeakMb(c.pid)]));
    // CPU a gateway burns with no request at all (timers, sweeps), over 3 s.
    const idleCpuBefore = children.map((c) => cpuMs(c.pid));
    await new Promise((r) => setTimeout(r, 3000));
    const idleCpuMsPerSec = Object.fromEntries(children.map((c, i) => [c.name, (cpuMs(c.pid) - idleCpuBefore[i]!) / 3]));
    if (WARM > 0) {
      process.stderr.write(`warm-up: ${WARM} requests through each gateway\n`);
      for (const t of targets) {
        for (const mode of MODES) await runLoad(Math.ceil(WARM / 2), 8, () => timedPost(t.url, body(mode), t.headers));
      }
    }
    const rows: Row[] = [];
    for (const mode of MODES) {
      const payload = body(mode);
      for (const concurrency of CONCURRENCY) {
        const total = runSize(concurrency);
        for (const t of targets) await runLoad(Math.max(100, 4 * concurrency), concurrency, () => timedPost(t.url, payload, t.headers));
        let direct: Row | undefined;
        for (const t of targets) {
          sampler.reset();
          const failures: Record<string, number> = {};
          const send = () =>
            timedPost(t.url, payload, t.headers).then(
              (timing) => {
                if (timing.status !== 200) failures[`status ${timing.status}`] = (failures[`status ${timing.status}`] ?? 0) + 1;
                return timing;
              },
              (err: unknown) => {
                const what = String(err instanceof Error ? err.message : err).slice(0, 80);
                failures[what] = (failures[what] ?? 0) + 1;
                throw err;
              },
            );
          const cpuBefore = t.pid ? cpuMs(t.pid) : 0;
          const storeCpuBefore = t.storePid ? cpuMs(t.storePid) : 0;
          const row = summarize(t, mode, concurrency, await runLoad(total, concurrency, send));
          if (Object.keys(failures).length > 0) row.failures = failures;
          if (t.pid) {
            row.peakRssMb = sampler.phasePeakMb(t.pid);
            row.cpuMsPerRequest = (cpuMs(t.pid) - cpuBefore) / total;
          }
          if (t.storePid) {
            row.storePeakRssMb = sampler.phasePeakMb(t.storePid);
            row.storeCpuMsPerRequest = (cpuMs(t.storePid) - storeCpuBefore) / total;
          }
          if (direct) {
            row.addedTtfb = minus(row.ttfb, direct.ttfb);
            row.addedTotal = minus(row.total, direct.total);
          } else direct = row;
          rows.push(row);
          process.stderr.write(`  ${mode} c=${concurrency} ${t.name}: ${row.rps.toFixed(0)} req/s, errors ${row.errors} ${JSON.stringify(failures)}\n`);
        }
      }
    }

    // Peak RSS up to here: start, warm-up and the timed runs, before the store probe records anything.
    const servingPeakRssMb = Object.fromEntries(children.map((c) => [c.name, sampler.overallPeakMb(c.pid)]));
    // Store operations and write units per request, measured apart from the timed runs.
    const accounting: AccountingRow[] = [];
    const trips: Record<string, WindowReport[]> = {};
    for (const h of [hub, lambdaHub]) {
      const url = `${h.url}/v1/messages`;
      for (const mode of MODES) {
        for (const concurrency of CONCURRENCY) {
          await h.beginStoreWindow();
          const run = await runLoad(ACCOUNTING, concurrency, () => timedPost(url, body(mode), hubHeaders(h)));
          const report = await h.endStoreWindow();
          accounting.push({ hub: h.name, mode, concurrency, requests: run.timings.length, report });
        }
      }
      // Warm requests alone, one at a time: their store rounds before the upstream call.
      await timedPost(url, body('non-stream'), hubHeaders(h));
      trips[h.name] = [];
      for (let i = 0; i < 5; i++) {
        await h.beginStoreWindow();
        const t = await timedPost(url, body('non-stream'), hubHeaders(h));
        if (t.status !== 200) throw new Error(`${h.name}: status ${t.status}`);
        trips[h.name]!.push(await h.endStoreWindow(performance.timeOrigin + upstream.lastReceivedAt()));
      }
    }

    const peakRssMb = Object.fromEntries(children.map((c) => [c.name, sampler.overallPeakMb(c.pid)]));
    // Is the hubs' memory retained or garbage? The V8 heap after a full collection, and what is not heap.
    const memoryAtEnd: Record<string, { rss: { anon: number; file: number }; heapUsedMb: number; heapAfterGcMb: number; externalMb: number }> = {};
    for (const h of [hub, lambdaHub]) {
      const m = await h.memory();
      memoryAtEnd[h.name] = {
        rss: rssKindsMb(h.pid),
        heapUsedMb: m.before.heapUsed / 1048576,
        heapAfterGcMb: (m.afterGc ?? m.before).heapUsed / 1048576,
        externalMb: (m.afterGc ?? m.before).external / 1048576,
      };
    }
    sampler.stop();
    load.end = loadavg();

    console.log(`\nSide by side (${new Date(started).toISOString()}; Code Hub on the ${HUB_STORE === 'disk' ? 'disk-backed' : 'in-memory'} embedded store; ${cpus().length} CPUs, ${cpus()[0]?.model ?? '?'}, node ${process.version})`);
    console.log(`load average at start ${load.start.map((n) => n.toFixed(2)).join(' ')}, at end ${load.end.map((n) => n.toFixed(2)).join(' ')}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`requests per run: ${CONCURRENCY.map((c) => `c=${c}: ${runSize(c)}`).join(', ')}, after ${WARM} warm-up requests through each gateway; latencies in ms\n`);
    printLatency(rows);
    const list = (o: Record<string, number>, digits: number) => Object.entries(o).map(([n, v]) => `${n} ${v.toFixed(digits)}`).join(', ');
    console.log(
      `\nRSS MB idle after start: ${list(idleRssMb, 0)}; peak while serving (warm-up and timed runs): ${list(servingPeakRssMb, 0)}; ` +
        `peak over the run, store accounting windows included (the probe records every store call and its items): ${list(peakRssMb, 0)}. Idle CPU ms/s: ${list(idleCpuMsPerSec, 1)}\n`,
    );
    for (const [name, m] of Object.entries(memoryAtEnd)) {
      console.log(
        `${name} at the end: RSS ${(m.rss.anon + m.rss.file).toFixed(0)} MB (anonymous ${m.rss.anon.toFixed(0)}, file-backed ${m.rss.file.toFixed(0)}); V8 heap used ${m.heapUsedMb.toFixed(0)} MB, ${m.heapAfterGcMb.toFixed(0)} MB after a full GC; external ${m.externalMb.toFixed(0)} MB`,
      );
    }
    console.log('');
    printAccounting(accounting);
    console.log('\nWrite units per request by item (item versions written, WCU incl. indexes, average item size):\n');
    printWritesByItem(accounting);
    console.log('');
    for (const [name, reports] of Object.entries(trips)) {
      console.log(`${name}, 5 warm requests one at a time (store operations before the upstream call / in sequential rounds / in all; WCU):`);
      for (const r of reports) {
        console.log(
          `  ${r.beforeUpstream} / ${r.sequentialBeforeUpstream} / ${r.ops} (${Object.entries(r.byCommand).map(([c, n]) => `${n}× ${c}`).join(', ')}); ${r.units.total} WCU`,
        );
      }
    }
    if (args.get('json')) writeFileSync(args.get('json')!, JSON.stringify({ started, load, hubStore: HUB_STORE, lambdaStore: LAMBDA_STORE, idleRssMb, idleCpuMsPerSec, servingPeakRssMb, peakRssMb, memoryAtEnd, rows, accounting, trips }, null, 2));
  } finally {
    clearTimeout(watchdog);
    await Promise.all(children.map((c) => c.stop()));
    await upstream.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
