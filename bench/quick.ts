// Quick A/B check of Code Hub's cost per request: one hub process (embedded store) against the fake
// upstream, non-streaming or streaming at one concurrency; prints req/s, p50 added latency, CPU
// ms per request and peak RSS (sampled every 50 ms over the whole process life, then split into
// anonymous / file-backed at the peak, and the V8 heap / external buffers at the end, before and
// after a full GC). Used while tuning; side-by-side.ts is the reference benchmark.
//   npx tsx bench/quick.ts [--mode non-stream|stream] [--concurrency 8] [--requests 2000]
//     [--warm 300] [--hub-store memory|disk] [--hub-node-args "..."]
import { cpuMs, createRssSampler, rssKb, rssKindsMb, startHubProcess, threadCpuMs, type GcTotals, type HeapSpaces } from './lib/gateway-process.js';
import { NON_STREAM_BODY, fmt, percentile, runLoad, startBenchUpstream, timedPost } from './lib/harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const mode = args.get('mode') ?? 'non-stream';
const concurrency = Number(args.get('concurrency') ?? 8);
const requests = Number(args.get('requests') ?? 2000);
/** Requests through the hub before the timed run (JIT and store warm-up). */
const warm = Number(args.get('warm') ?? 300);
/** Writes a sampled allocation profile (garbage included) of the timed run: summarise with bench/alloc-top.ts. */
const allocFile = args.get('alloc-prof');
const nodeArgs = (args.get('hub-node-args') ?? '').split(' ').filter(Boolean);
const store = args.get('hub-store') ?? 'memory';
if (store !== 'memory' && store !== 'disk') throw new Error(`--hub-store must be memory or disk, got ${store}`);

const upstream = await startBenchUpstream();
const hub = await startHubProcess(upstream.url, 'embedded', { nodeArgs, store });
const idleMb = rssKb(hub.pid) / 1024;
const rss = createRssSampler([hub.pid], 50);
// The split at the highest sample: what the peak is made of.
let peakKinds = { anon: 0, file: 0 };
const kinds = setInterval(() => {
  const k = rssKindsMb(hub.pid);
  if (k.anon + k.file > peakKinds.anon + peakKinds.file) peakKinds = k;
}, 50);
const body = JSON.stringify({ ...(JSON.parse(NON_STREAM_BODY) as object), stream: mode === 'stream' });
const headers = { 'content-type': 'application/json', 'x-api-key': hub.key, 'anthropic-version': '2023-06-01' };
const direct = () => timedPost(`${upstream.url}/v1/messages`, body, headers);
const viaHub = () => timedPost(`${hub.url}/v1/messages`, body, headers);
const mb = (bytes: number) => fmt(bytes / 1024 / 1024);
try {
  await runLoad(warm, concurrency, viaHub);
  await runLoad(300, concurrency, direct);
  const base = await runLoad(requests, concurrency, direct);
  // A full collection first, so each run starts from the same heap.
  await hub.memory();
  await new Promise((r) => setTimeout(r, 200));
  const gc0 = await hub.gcTotals();
  rss.reset();
  const cpu0 = cpuMs(hub.pid);
  const threads0 = threadCpuMs(hub.pid);
  const timed = () => runLoad(requests, concurrency, viaHub);
  const run = allocFile ? await hub.allocationProfile(timed, allocFile) : await timed();
  const cpu = (cpuMs(hub.pid) - cpu0) / requests;
  const threads1 = threadCpuMs(hub.pid);
  const runPeak = rss.phasePeakMb(hub.pid);
  const p = (t: typeof run, k: 'ttfbMs' | 'totalMs') => percentile(t.timings.map((x) => x[k]), 50);
  console.log(
    `${mode} c=${concurrency} store=${store}: ${Math.round((requests / run.wallMs) * 1000)} req/s, errors ${run.errors}, ` +
      `added p50 TTFB ${fmt(p(run, 'ttfbMs') - p(base, 'ttfbMs'))} total ${fmt(p(run, 'totalMs') - p(base, 'totalMs'))} ms, ` +
      `direct p50 ${fmt(p(base, 'totalMs'))} ms, CPU ${fmt(cpu)} ms/req`,
  );
  const gc1 = await hub.gcTotals();
  const end = await hub.memory();
  const gcLine = (k: keyof GcTotals) => `${k} ${gc1[k].count - gc0[k].count} (${((gc1[k].ms - gc0[k].ms) / requests).toFixed(3)} ms/req)`;
  console.log(
    `  CPU ms/req: main thread ${fmt((threads1.main - threads0.main) / requests)}, other threads ${fmt((threads1.others - threads0.others) / requests)}; ` +
      `GC pauses: ${gcLine('minor')}, ${gcLine('major')}, ${gcLine('other')}`,
  );
  const heap = (m: NodeJS.MemoryUsage) => `heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} (buffers ${mb(m.arrayBuffers)}) rss ${mb(m.rss)}`;
  console.log(
    `  RSS MB: idle ${fmt(idleMb)}, peak in run ${fmt(runPeak)}, peak overall ${fmt(rss.overallPeakMb(hub.pid))} ` +
      `(anon ${fmt(peakKinds.anon)}, file ${fmt(peakKinds.file)})\n` +
      `  end, before GC: ${heap(end.before)}\n` +
      (end.afterGc ? `  end, after GC:  ${heap(end.afterGc)}` : ''),
  );
  const spaces = (s: HeapSpaces) =>
    Object.entries(s)
      .filter(([, v]) => v.size > 1024 * 1024)
      .map(([name, v]) => `${name.replace(/_space$/, '')} ${mb(v.used)}/${mb(v.size)}`)
      .join(', ');
  console.log(`  spaces before GC (used/size MB): ${spaces(end.spacesBefore)}`);
  if (end.spacesAfterGc) console.log(`  spaces after GC:                  ${spaces(end.spacesAfterGc)}`);
} finally {
  clearInterval(kinds);
  rss.stop();
  await hub.stop();
  await upstream.close();
}
