// `npm start`: builds the gateway (functions/local/main.ts and everything of ours it imports) into
// one ES module with esbuild, then runs it in this process.
//
// Running the TypeScript through tsx instead costs a second node process (tsx's own CLI) and, in
// the gateway's process, a loader thread with a V8 heap of its own: about 30 MB more resident
// memory, and slower starts. Packages stay outside the bundle and load from node_modules as usual.
// The bundle is plain, unminified JavaScript with our function names, so stack traces stay
// readable; it carries no source map (node would keep ~15 MB of mappings resident to use one).
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The V8 flags `npm start` gives node (package.json's start script; a test holds the two equal).
 * A young generation of 16 MB instead of V8's 32: the gateway's request garbage dies young either
 * way, and under load at concurrency 32 the resident memory is 10-15 MB lower for 5-10 % more
 * scavenges' CPU (bench/README.md). V8 reads it when the heap is set up, so it cannot be set here.
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=8'];

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/code-hub/', import.meta.url));
/** Built files of earlier sources are removed once this old (a start reading one has long loaded it). */
const STALE_MS = 60 * 60 * 1000;

/**
 * Builds `entry` (a .ts file) into CACHE_DIR and returns the built file's path: npm start's gateway,
 * the embedded store's worker thread (embedded-store.ts) and the benchmark hubs. The file is named by
 * its content, so processes starting at once share it and never see it half written.
 *
 * Every module of ours that reads `import.meta.url` lives in functions/local, beside main.ts, and
 * resolves paths relative to it; in the bundle `import.meta.url` is therefore main.ts's URL.
 */
export function buildGateway(entry, name) {
  const moduleUrl = pathToFileURL(fileURLToPath(new URL('./main.ts', import.meta.url))).href;
  const { outputFiles } = buildSync({
    entryPoints: [entry],
    // Paths in the output are relative to the project, whatever the current directory: the same
    // sources give the same file.
    absWorkingDir: fileURLToPath(new URL('../../', import.meta.url)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'warning',
    define: { 'import.meta.url': JSON.stringify(moduleUrl) },
  });
  const text = outputFiles[0].text;
  const file = join(CACHE_DIR, `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
  mkdirSync(CACHE_DIR, { recursive: true });
  try {
    statSync(file);
  } catch {
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, text);
    renameSync(partial, file);
  }
  const now = Date.now();
  for (const other of readdirSync(CACHE_DIR)) {
    const path = join(CACHE_DIR, other);
    if (path === file || !other.startsWith(`${name}-`)) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // Removed meanwhile by another start.
    }
  }
  return file;
}

/** Whether this file is the script node was started with (argv[1] keeps symlinks; import.meta.url does not). */
function isEntry() {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntry()) {
  const file = buildGateway(join(dirname(fileURLToPath(import.meta.url)), 'main.ts'), 'gateway');
  await import(pathToFileURL(file).href);
}
