// Where a CPU profile's time goes: self time by package (or project folder) and by function, from
// a .cpuprofile written by `node --cpu-prof` (e.g. the Code Hub process of side-by-side.ts run with
// --hub-node-args "--cpu-prof --cpu-prof-dir=/tmp/prof").
//   npx tsx bench/profile-top.ts /tmp/prof/CPU.*.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface Profile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to: `node_modules/<name>`, a project folder, or node's own code. */
export function ownerOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (internal)';
  const project = /\/(functions|bench|lib)\/(.+)$/.exec(url);
  if (project) return `${project[1]}/${project[2]!.split('/').slice(0, -1).join('/') || '.'}`;
  return url;
}

/**
 * Who a sample works for, from the whole stack: the first matching layer wins, so HTTP parsing under
 * dynalite's handler counts as the store's, and GC or I/O with no such frame stays "node / other".
 */
const LAYERS: [string, RegExp][] = [
  ['store server (dynalite, level)', /node_modules\/(dynalite|level|memory-level|classic-level|abstract-level|level-transcoder|functional-red-black-tree|big\.js|async|lock)\//],
  ['store client (AWS SDK)', /node_modules\/(@aws-sdk|@smithy)\//],
  ['gateway code (functions/)', /\/functions\//],
  ['HTTP framework (hono, node-server)', /node_modules\/(hono|@hono)\//],
  ['benchmark harness (bench/)', /\/bench\//],
];

export function layerOf(stackUrls: readonly string[]): string {
  for (const [name, pattern] of LAYERS) if (stackUrls.some((u) => pattern.test(u))) return name;
  return 'node / other (HTTP I/O, GC, microtasks)';
}

function main() {
  const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--top');
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex >= 0 ? Number(process.argv[topIndex + 1]) : 25;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const stackOf = (id: number) => {
      const urls: string[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) urls.push(byId.get(at)!.url);
      return urls;
    };
    const byLayer = new Map<string, number>();
    const byOwner = new Map<string, number>();
    const byFunction = new Map<string, number>();
    /** Time of the samples with a gateway function anywhere on their stack (each function once per sample). */
    const inclusive = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      const frame = byId.get(id)!;
      total += dt;
      const owner = frame.functionName === '(idle)' ? '(idle)' : ownerOf(frame.url);
      if (owner !== '(idle)') {
        const layer = layerOf(stackOf(id));
        byLayer.set(layer, (byLayer.get(layer) ?? 0) + dt);
        const seen = new Set<string>();
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
          const f = byId.get(at)!;
          if (!/\/functions\//.test(f.url)) continue;
          const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\/.*?\/functions\//, '')}`;
          if (seen.has(name)) continue;
          seen.add(name);
          inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
        }
      }
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + dt);
      const fn = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(functions|bench)\//, '$1/')}:${frame.lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
    });
    const busy = total - (byOwner.get('(idle)') ?? 0);
    const table = (title: string, map: Map<string, number>) => {
      console.log(`\n| ${title} | self ms | % of busy |\n| --- | --- | --- |`);
      for (const [name, us] of [...map].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
        console.log(`| ${name.replace(/\|/g, '\\|')} | ${(us / 1000).toFixed(0)} | ${((us / busy) * 100).toFixed(1)} |`);
      }
    };
    console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
    table('layer (whole stack)', byLayer);
    table('package / folder', byOwner);
    table('function', byFunction);
    table('gateway function (inclusive: itself and what it calls synchronously)', inclusive);
  }
}

// Also imported for ownerOf (alloc-top.ts): summarise only when run itself.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
