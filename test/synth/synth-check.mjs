// Real `cdk synth` with bundling, offline: checks the proxy bundle's size and how long a cold import of it takes.
// Run: node test/synth/synth-check.mjs   (exit code 1 when synth fails or a target is missed)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_BUNDLE_BYTES = 1024 * 1024;
const MAX_COLD_IMPORT_MS = 300;
const IMPORT_RUNS = 5;
const STACK_PREFIX = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context?.codeHub?.stackPrefix ?? 'CodeHub';

// No credentials, instance metadata, notices, telemetry or npm version check: synthesis must not touch the network.
const OFFLINE_ENV = {
  ...process.env,
  AWS_EC2_METADATA_DISABLED: 'true',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: 'true',
};
for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete OFFLINE_ENV[name];

class SynthCheckError extends Error {
  name = 'SynthCheckError';
}

function fail(message) {
  throw new SynthCheckError(message);
}

function synthesize(outdir) {
  const args = ['cdk', 'synth', '-q', '--no-notices', '--no-version-reporting', '--lookups=false'];
  args.push('-c', 'codeHubNag=true', '-o', outdir);
  const started = performance.now();
  const result = spawnSync('npx', args, { cwd: REPO_ROOT, env: OFFLINE_ENV, encoding: 'utf8' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) fail(`npx ${args.join(' ')} exited with ${result.status}`);
  return seconds;
}

/** The bundle directory of one function of the API stack, found through its template's asset key. */
function functionAsset(outdir, idPrefix) {
  const template = JSON.parse(readFileSync(join(outdir, `${STACK_PREFIX}-Api.template.json`), 'utf8'));
  const entry = Object.entries(template.Resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(idPrefix),
  );
  if (!entry) fail(`no ${idPrefix} function in the Api template`);
  const hash = String(entry[1].Properties.Code.S3Key).replace(/\.zip$/, '');
  const directory = join(outdir, `asset.${hash}`);
  if (!existsSync(join(directory, 'index.mjs'))) fail(`${directory}/index.mjs missing (bundling did not run?)`);
  return directory;
}

function directoryBytes(directory) {
  return readdirSync(directory, { recursive: true })
    .map((name) => statSync(join(directory, String(name))))
    .filter((s) => s.isFile())
    .reduce((sum, s) => sum + s.size, 0);
}

// The Lambda runtime's global that hono's streamHandle wraps the handler with at import time.
const AWSLAMBDA_SHIM =
  'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };';

/** Last lines of a process's stderr, each cut short: a minified bundle's stack lines are enormous. */
function tail(text, lines = 15) {
  return text.trim().split('\n').slice(-lines).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join('\n');
}

/** One fresh node process: the time from import() to the module's evaluation finishing. */
function coldImportMs(file, extraEnv = {}) {
  const url = pathToFileURL(file).href;
  const script =
    AWSLAMBDA_SHIM +
    `const t = performance.now(); const m = await import(${JSON.stringify(url)});` +
    `if (typeof m.handler !== 'function') throw new Error('no handler export');` +
    `process.stdout.write(String(performance.now() - t)); process.exit(0);`;
  const env = { ...OFFLINE_ENV, TABLE_NAME: 'code-hub', AWS_REGION: 'us-east-1', LOG_LEVEL: 'error', ...extraEnv };
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  if (result.status !== 0) fail(`importing ${file} failed:\n${tail(result.stderr)}`);
  return Number(result.stdout);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

const outdir = mkdtempSync(join(tmpdir(), 'code-hub-synth-'));
try {
  const dashboardBuilt = existsSync(join(REPO_ROOT, 'frontend', 'dist', 'index.html'));
  const seconds = synthesize(outdir);
  const sizes = Object.fromEntries(
    ['Proxy', 'Admin', 'PriceSync'].map((name) => {
      const directory = functionAsset(outdir, `${name}Function`);
      return [name, { file: join(directory, 'index.mjs'), bytes: statSync(join(directory, 'index.mjs')).size, total: directoryBytes(directory) }];
    }),
  );
  for (const [name, s] of Object.entries(sizes)) {
    console.log(`  ${name.padEnd(9)} bundle ${kib(s.bytes)} (asset ${kib(s.total)})`);
  }
  // Every bundle must load as ESM on this Node too; the admin one needs a token to start.
  coldImportMs(sizes.Admin.file, { ADMIN_TOKEN: 'synth-check-admin-token-0123456789' });
  coldImportMs(sizes.PriceSync.file);
  const runs = Array.from({ length: IMPORT_RUNS }, () => coldImportMs(sizes.Proxy.file));
  // Gate on the best run: each is a cold process, and the best is the least disturbed by machine load.
  const importMs = Math.min(...runs);
  console.log(`  proxy cold import: ${runs.map((r) => r.toFixed(0)).join(', ')} ms (node ${process.version})`);
  console.log(`  dashboard: ${dashboardBuilt ? 'frontend/dist' : 'placeholder page (frontend/dist not built)'}`);

  const problems = [];
  if (sizes.Proxy.total > MAX_BUNDLE_BYTES) problems.push(`proxy bundle ${kib(sizes.Proxy.total)} > ${kib(MAX_BUNDLE_BYTES)}`);
  if (importMs > MAX_COLD_IMPORT_MS) problems.push(`proxy cold import ${importMs.toFixed(0)} ms > ${MAX_COLD_IMPORT_MS} ms`);
  const summary =
    `synth ${seconds}s, proxy bundle ${kib(sizes.Proxy.total)} (target ≤ ${kib(MAX_BUNDLE_BYTES)}), ` +
    `cold import best ${importMs.toFixed(0)} ms / median ${median(runs).toFixed(0)} ms of ${IMPORT_RUNS} (target ≤ ${MAX_COLD_IMPORT_MS} ms), ` +
    `dashboard ${dashboardBuilt ? 'built' : 'placeholder'}`;
  if (problems.length > 0) fail(`${problems.join('; ')} — ${summary}`);
  console.log(`synth-check: ok — ${summary}`);
} catch (error) {
  if (!(error instanceof SynthCheckError)) throw error;
  console.error(`synth-check: FAIL — ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
