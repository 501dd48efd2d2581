// How long each gateway takes to reach its steady state: fresh Code Hub (embedded store, as npm start
// runs it) and Portkey processes, the same requests through each, and the CPU per request of every
// chunk of them. V8 compiles a process's hot code while it serves its first requests, so a cold
// process needs more CPU per request; side-by-side.ts's --warm is chosen from this.
//   npx tsx bench/warm-up.ts [--chunks 12] [--chunk 500] [--concurrency 8] [--mode non-stream|stream]
import { cpuMs, hubHeaders, portkeyHeaders, startHubProcess, startPortkeyProcess, type GatewayProcess } from './lib/gateway-process.js';
import { fmt, runLoad, startBenchUpstream, timedPost } from './lib/harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const CHUNKS = Number(args.get('chunks') ?? 12);
const CHUNK = Number(args.get('chunk') ?? 500);
const CONCURRENCY = Number(args.get('concurrency') ?? 8);
const STREAM = args.get('mode') === 'stream';

const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 256, stream: STREAM, messages: [{ role: 'user', content: 'benchmark' }] });
const upstream = await startBenchUpstream();
const children: GatewayProcess[] = [];
try {
  const hub = await startHubProcess(upstream.url, 'embedded');
  children.push(hub);
  const portkey = await startPortkeyProcess();
  children.push(portkey);
  const targets: { name: string; pid: number; url: string; headers: Record<string, string> }[] = [
    { name: 'code hub', pid: hub.pid, url: `${hub.url}/v1/messages`, headers: hubHeaders(hub) },
    { name: 'portkey', pid: portkey.pid, url: `${portkey.url}/v1/messages`, headers: portkeyHeaders(upstream.url) },
  ];
  const cpu: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  // Chunks alternate between the targets, so both see the same machine over the run.
  for (let i = 0; i < CHUNKS; i++) {
    for (const t of targets) {
      const before = cpuMs(t.pid);
      const run = await runLoad(CHUNK, CONCURRENCY, () => timedPost(t.url, body, t.headers));
      if (run.errors > 0) throw new Error(`${t.name}: ${run.errors} errors`);
      cpu[t.name]!.push((cpuMs(t.pid) - before) / CHUNK);
    }
  }
  console.log(`\nCPU ms per request of each chunk of ${CHUNK} requests (${STREAM ? 'streaming' : 'non-streaming'}, c=${CONCURRENCY}), fresh processes\n`);
  console.log(`| requests served before the chunk | ${targets.map((t) => t.name).join(' | ')} |`);
  console.log(`| --- | ${targets.map(() => '---').join(' | ')} |`);
  for (let i = 0; i < CHUNKS; i++) console.log(`| ${i * CHUNK} | ${targets.map((t) => fmt(cpu[t.name]![i]!)).join(' | ')} |`);
} finally {
  await Promise.all(children.map((c) => c.stop()));
  await upstream.close();
}
