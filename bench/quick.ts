// Quick A/B check of Code Hub's cost per request: one hub process (embedded store) against the fake
// upstream, non-streaming or streaming at one concurrency; prints req/s, p50 added latency and CPU
// ms per request. Used while tuning; side-by-side.ts is the reference benchmark.
//   npx tsx bench/quick.ts [--mode non-stream|stream] [--concurrency 8] [--requests 2000] [--hub-node-args "..."]
import { cpuMs, startHubProcess } from './lib/gateway-process.js';
import { NON_STREAM_BODY, fmt, percentile, runLoad, startBenchUpstream, timedPost } from './lib/harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const mode = args.get('mode') ?? 'non-stream';
const concurrency = Number(args.get('concurrency') ?? 8);
const requests = Number(args.get('requests') ?? 2000);
const nodeArgs = (args.get('hub-node-args') ?? '').split(' ').filter(Boolean);

const upstream = await startBenchUpstream();
const hub = await startHubProcess(upstream.url, 'embedded', { nodeArgs });
const body = JSON.stringify({ ...(JSON.parse(NON_STREAM_BODY) as object), stream: mode === 'stream' });
const headers = { 'content-type': 'application/json', 'x-api-key': hub.key, 'anthropic-version': '2023-06-01' };
const direct = () => timedPost(`${upstream.url}/v1/messages`, body, headers);
const viaHub = () => timedPost(`${hub.url}/v1/messages`, body, headers);
try {
  await runLoad(300, concurrency, viaHub);
  await runLoad(300, concurrency, direct);
  const base = await runLoad(requests, concurrency, direct);
  const cpu0 = cpuMs(hub.pid);
  const run = await runLoad(requests, concurrency, viaHub);
  const cpu = (cpuMs(hub.pid) - cpu0) / requests;
  const p = (t: typeof run, k: 'ttfbMs' | 'totalMs') => percentile(t.timings.map((x) => x[k]), 50);
  console.log(
    `${mode} c=${concurrency}: ${Math.round((requests / run.wallMs) * 1000)} req/s, errors ${run.errors}, ` +
      `added p50 TTFB ${fmt(p(run, 'ttfbMs') - p(base, 'ttfbMs'))} total ${fmt(p(run, 'totalMs') - p(base, 'totalMs'))} ms, ` +
      `direct p50 ${fmt(p(base, 'totalMs'))} ms, CPU ${fmt(cpu)} ms/req`,
  );
} finally {
  await hub.stop();
  await upstream.close();
}
