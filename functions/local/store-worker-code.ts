// The store worker's code (store-worker.ts and the modules it imports), built once per process with
// esbuild into one CommonJS script that the worker thread runs as it is. A worker thread does not
// inherit the TypeScript loader of `npm start` (tsx), and registering tsx inside it would add a loader
// thread and about 20 MB of memory; the built script needs neither. Packages (dynalite) stay
// outside the script and load from node_modules as usual.
import { buildSync } from 'esbuild';

const ENTRY = new URL('./store-worker.ts', import.meta.url);
let code: string | null = null;

export function storeWorkerCode(): string {
  code ??= buildSync({
    entryPoints: [ENTRY.pathname],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    // The modules find their packages from their own location (createRequire(import.meta.url)).
    define: { 'import.meta.url': JSON.stringify(ENTRY.href) },
  }).outputFiles[0]!.text;
  return code;
}
