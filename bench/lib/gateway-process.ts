// Gateways under benchmark as child processes (so each one's memory is its own): Code Hub through
// hub-process.ts, Portkey's published server; plus a sampler of their resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildGateway, GATEWAY_NODE_FLAGS } from '../../functions/local/launch.mjs';
import type { WindowReport } from './store-probe.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** V8 heap spaces by name (new_space, old_space, code_space, large_object_space...): bytes committed and used. */
export type HeapSpaces = Record<string, { size: number; used: number }>;

export type GcTotals = Record<'minor' | 'major' | 'other', { count: number; ms: number }>;

export interface GatewayProcess {
  name: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
  /** The last few KB the process wrote to stderr (for error messages). */
  stderrTail(): string;
}

export interface HubProcess extends GatewayProcess {
  key: string;
  /** Starts recording store operations in the hub. */
  beginStoreWindow(): Promise<void>;
  /** Stops recording once everything is written; `upstreamAt` (epoch ms) splits the rounds before the upstream call. */
  endStoreWindow(upstreamAt?: number): Promise<WindowReport>;
  /** process.memoryUsage() and V8's heap spaces (size committed, bytes used) now and after a full garbage collection. */
  memory(): Promise<{
    before: NodeJS.MemoryUsage;
    afterGc: NodeJS.MemoryUsage | null;
    spacesBefore: HeapSpaces;
    spacesAfterGc: HeapSpaces | null;
  }>;
  /** Garbage collections since start: count and main-thread pause ms by kind. */
  gcTotals(): Promise<GcTotals>;
  /** Samples every allocation (garbage included) while `run` runs; writes the profile to `file`. */
  allocationProfile<T>(run: () => Promise<T>, file: string): Promise<T>;
}

function keepTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-4000);
  });
  return () => tail;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
  await exited;
  clearTimeout(timer);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Starts Code Hub in its own process; `mode` lambda keeps the store path of a Lambda instance. */
export async function startHubProcess(
  upstreamUrl: string,
  mode: 'embedded' | 'lambda',
  options: { store?: 'memory' | 'disk'; endpoint?: string; nodeArgs?: string[] } = {},
): Promise<HubProcess> {
  const store = options.store ?? 'memory';
  // Built and run as `npm start` runs the gateway (functions/local/launch.mjs): no TypeScript
  // loader in the process, whose memory and CPU are measured.
  const built = buildGateway(join(ROOT, 'bench/lib/hub-process.ts'), 'bench-hub');
  const script = [built, '--upstream', upstreamUrl, '--mode', mode, '--store', store];
  if (options.endpoint) script.push('--endpoint', options.endpoint);
  // The embedded hub gets npm start's V8 flags; the Lambda-path hub stands for a Lambda instance.
  const flags = mode === 'embedded' ? GATEWAY_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, ...(options.nodeArgs ?? []), '--expose-gc', ...script], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrTail = keepTail(child);
  const waiting: ((message: Record<string, unknown>) => void)[] = [];
  let ready: (message: Record<string, unknown>) => void;
  const readyLine = new Promise<Record<string, unknown>>((r) => (ready = r));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (message.ready) ready(message);
    else waiting.shift()?.(message);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`hub process exited (${code}): ${stderrTail()}`))),
  );
  exited.catch(() => undefined);
  const hello = await withTimeout(Promise.race([readyLine, exited]), 60_000, 'hub start');
  const ask = (op: Record<string, unknown>) =>
    withTimeout(
      new Promise<Record<string, unknown>>((resolve) => {
        waiting.push(resolve);
        child.stdin!.write(`${JSON.stringify(op)}\n`);
      }),
      120_000,
      `hub ${String(op.op)}`,
    ).then((answer) => {
      if (answer.error) throw new Error(`hub ${String(op.op)}: ${String(answer.error)}`);
      return answer;
    });
  return {
    name: `code hub (${mode === 'lambda' ? 'Lambda store path' : 'embedded'}${options.endpoint ? ', store in its own process' : store === 'disk' ? ', disk store' : ''})`,
    pid: child.pid!,
    url: String(hello.url),
    key: String(hello.key),
    stderrTail,
    async beginStoreWindow() {
      await ask({ op: 'begin' });
    },
    async endStoreWindow(upstreamAt) {
      return (await ask({ op: 'end', upstreamAt })).report as WindowReport;
    },
    async memory() {
      const answer = await ask({ op: 'memory' });
      return {
        before: answer.before as NodeJS.MemoryUsage,
        afterGc: answer.afterGc as NodeJS.MemoryUsage | null,
        spacesBefore: answer.spacesBefore as HeapSpaces,
        spacesAfterGc: answer.spacesAfterGc as HeapSpaces | null,
      };
    },
    async gcTotals() {
      return (await ask({ op: 'gc-totals' })).totals as GcTotals;
    },
    async allocationProfile(run, file) {
      await ask({ op: 'alloc-start' });
      try {
        return await run();
      } finally {
        await ask({ op: 'alloc-stop', file });
      }
    },
    async stop() {
      child.stdin?.end();
      await stopChild(child);
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number, failed: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = failed();
    if (why) throw new Error(why);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

/** The store on its own: dynalite's server in memory, in its own process (what DynamoDB is to a Lambda). */
export async function startStoreProcess(): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['node_modules/dynalite/cli.js', '--port', String(port), '--host', '127.0.0.1', '--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'],
    { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderrTail = keepTail(child);
  await waitForPort(port, 30_000, () => (child.exitCode !== null ? `dynalite exited (${child.exitCode}): ${stderrTail()}` : null));
  return { name: 'store (dynalite)', pid: child.pid!, url: `http://127.0.0.1:${port}`, stderrTail, stop: () => stopChild(child) };
}

/** A benchmark request's headers for Code Hub: the seeded key, Anthropic's format. */
export function hubHeaders(hub: HubProcess): Record<string, string> {
  return { 'x-api-key': hub.key, 'anthropic-version': '2023-06-01' };
}

/** A benchmark request's headers for Portkey: forwarded as Anthropic to the fake upstream, with the seeded provider's key. */
export function portkeyHeaders(upstreamUrl: string): Record<string, string> {
  return {
    'x-portkey-provider': 'anthropic',
    'x-portkey-custom-host': `${upstreamUrl}/v1`,
    'x-api-key': 'sk-ant-bench-0000',
    'anthropic-version': '2023-06-01',
  };
}

/**
 * Starts the published Portkey gateway (`@portkey-ai/gateway`). The preload works around its
 * known streaming failure on Node (Portkey-AI/gateway#1389: it appends headers to the upstream
 * fetch Response, whose headers are immutable); without it every stream answers 500.
 */
export async function startPortkeyProcess(nodeArgs: string[] = []): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', './bench/lib/portkey-preload.mjs', 'node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${port}`, '--headless'],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderrTail = keepTail(child);
  await waitForPort(port, 30_000, () => (child.exitCode !== null ? `portkey exited (${child.exitCode}): ${stderrTail()}` : null));
  return { name: 'portkey', pid: child.pid!, url: `http://127.0.0.1:${port}`, stderrTail, stop: () => stopChild(child) };
}

/** Resident set size of a process in KB (Linux /proc), 0 once it is gone. */
export function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory split: anonymous (heaps, native allocations) and file-backed (mapped files, e.g. LevelDB tables), MB. */
export function rssKindsMb(pid: number): { anon: number; file: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
  } catch {
    return { anon: 0, file: 0 };
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state: utime and stime are 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) of a process's main thread and of its other threads (V8's GC helpers, libuv's pool), ms. */
export function threadCpuMs(pid: number): { main: number; others: number } {
  let others = 0;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { main: 0, others: 0 };
  }
  let main = 0;
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * 10;
      if (tid === String(pid)) main = ms;
      else others += ms;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { main, others };
}

/** Samples the RSS of some processes every `intervalMs`; peaks since the last `reset()` and overall. */
export function createRssSampler(pids: readonly number[], intervalMs = 100) {
  const phase = new Map<number, number>();
  const overall = new Map<number, number>();
  const sample = () => {
    for (const pid of pids) {
      const kb = rssKb(pid);
      phase.set(pid, Math.max(phase.get(pid) ?? 0, kb));
      overall.set(pid, Math.max(overall.get(pid) ?? 0, kb));
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    reset() {
      phase.clear();
      sample();
    },
    /** Peak RSS in MB since the last reset. */
    phasePeakMb(pid: number) {
      sample();
      return (phase.get(pid) ?? 0) / 1024;
    },
    overallPeakMb(pid: number) {
      sample();
      return (overall.get(pid) ?? 0) / 1024;
    },
    stop: () => clearInterval(timer),
  };
}
