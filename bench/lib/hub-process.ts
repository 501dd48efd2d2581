// Code Hub as a benchmark child process: starts the hub on the in-memory embedded store on a
// loopback port, seeds one provider (the fake upstream), a user and a key, prints
// {"ready":true,"port","url","key"} as one JSON line, then answers store-probe commands read as JSON
// lines on stdin ({"op":"begin"} / {"op":"end","upstreamAt":epochMs?} / {"op":"memory"} / {"op":"gc-totals"}). Exits on SIGTERM or when
// stdin closes (the benchmark is gone).
//   (built by gateway-process.ts as npm start builds main.ts, then) node <built> --upstream http://127.0.0.1:PORT [--mode embedded|lambda]
//     [--store memory|disk | --endpoint http://127.0.0.1:STOREPORT]
// `lambda`: limit state read and written in the store on every request (no in-memory mirror) and no
// write window across requests, as each Lambda instance does. `disk`: the store under a temporary
// DATA_DIR as `npm start` keeps it (memory: every item written stays in the process's RSS).
// `--endpoint`: a store in another process (lambda mode only), so this process holds only the
// gateway, as a Lambda instance does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { createInterface } from 'node:readline';
import { getHeapSpaceStatistics } from 'node:v8';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { tuneHeapGrowth } from '../../functions/local/heap-tuning.js';
import { startHub } from '../../functions/local/start.js';
import { loadConfig } from '../../functions/shared/config.js';
import { createLogger } from '../../functions/shared/logger.js';
import { seedHub } from './seed.js';
import { instrumentStore } from './store-probe.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const upstream = arg('upstream');
const mode = arg('mode') ?? 'embedded';
const storeKind = arg('store') ?? 'memory';
const endpoint = arg('endpoint');
if (!upstream || !/^http:\/\/127\.0\.0\.1:\d+$/.test(upstream)) throw new Error('--upstream http://127.0.0.1:PORT is required');
if (mode !== 'embedded' && mode !== 'lambda') throw new Error(`--mode must be embedded or lambda, got ${mode}`);
if (storeKind !== 'memory' && storeKind !== 'disk') throw new Error(`--store must be memory or disk, got ${storeKind}`);
const lambda = mode === 'lambda';
if (endpoint && (!lambda || !/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint))) throw new Error('--endpoint http://127.0.0.1:PORT goes with --mode lambda');

// The embedded hub runs with npm start's heap settings (main.ts); a Lambda instance keeps V8's.
if (!lambda) tuneHeapGrowth();

const dataDir = mkdtempSync(join(tmpdir(), 'code-hub-bench-'));
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'SILENT',
  PRICE_SYNC_INTERVAL_MS: '0',
  DATA_DIR: dataDir,
  // The embedded hub keeps npm start's default write window; a Lambda instance writes at once.
  ...(lambda ? { WRITE_COALESCE_MS: '0' } : {}),
  ...(endpoint ? { DYNAMODB_ENDPOINT: endpoint } : {}),
  // Extra settings for experiments, e.g. HUB_BENCH_ENV='{"ENABLE_RATE_LIMIT":"false"}'.
  ...(JSON.parse(process.env.HUB_BENCH_ENV ?? '{}') as Record<string, string>),
});
const hub = await startHub({ config, logger: createLogger('SILENT'), inMemory: storeKind === 'memory', singleWriter: !lambda });
const probe = instrumentStore(hub.services.db);
const { secret } = await seedHub(hub.services, upstream);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(code), 10_000);
  force.unref();
  await hub.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

/** Everything answered so far is written: settles, merged writes, limit state. */
async function settleAll() {
  await hub.proxy.settle.drain(30_000);
  await hub.services.writes.flush();
  await hub.services.limiter.flush();
}

// Garbage collections so far (pauses on the main thread): count and ms, by kind.
const gcTotals = { minor: { count: 0, ms: 0 }, major: { count: 0, ms: 0 }, other: { count: 0, ms: 0 } };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    const bucket = kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? gcTotals.minor : kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR ? gcTotals.major : gcTotals.other;
    bucket.count++;
    bucket.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const reply = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

const inspector = new Session();
inspector.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => inspector.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  void (async () => {
    const command = JSON.parse(line) as { op: string; upstreamAt?: number };
    try {
      if (command.op === 'begin') {
        await settleAll();
        await new Promise((r) => setTimeout(r, 200));
        probe.begin();
        reply({ op: 'begin' });
      } else if (command.op === 'end') {
        await settleAll();
        const upstreamAt = command.upstreamAt === undefined ? undefined : command.upstreamAt - performance.timeOrigin;
        reply({ op: 'end', report: await probe.end({ upstreamAt }) });
      } else if (command.op === 'memory') {
        // With --expose-gc: what stays after a full collection (retained) versus garbage not yet collected.
        const before = process.memoryUsage();
        const spaces = (): Record<string, { size: number; used: number }> =>
          Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
        const spacesBefore = spaces();
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        reply({ op: 'memory', before, afterGc: gc ? process.memoryUsage() : null, spacesBefore, spacesAfterGc: gc ? spaces() : null });
      } else if (command.op === 'alloc-start') {
        // Every allocation sampled, garbage included: what the collector has to clean up per request.
        await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
        reply({ op: 'alloc-start' });
      } else if (command.op === 'alloc-stop') {
        const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
        writeFileSync(String((command as { file?: string }).file), JSON.stringify(profile));
        reply({ op: 'alloc-stop' });
      } else if (command.op === 'gc-totals') {
        reply({ op: 'gc-totals', totals: gcTotals });
      } else reply({ op: command.op, error: 'unknown op' });
    } catch (err) {
      reply({ op: command.op, error: String(err) });
    }
  })();
});
lines.on('close', () => void shutdown(0));

reply({ ready: true, port: hub.port, url: hub.url, key: secret, mode, store: endpoint ?? storeKind, singleWriter: hub.services.config.singleWriter, writeCoalesceMs: config.writeCoalesceMs });
