// `npm run test:e2e`: drives the built dashboard in headless Chromium against the real local server
// and a fake upstream, prints `N passed, M failed`, and exits non-zero on any failure.

import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startFakeUpstream } from './fake-upstream.mjs';
import { assert, createRun } from './harness.mjs';
import { runScenario } from './scenario.mjs';
import { startServer } from './server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'test-results', 'e2e');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`${CHROMIUM} is missing. Install Debian's chromium package (sudo apt-get install -y chromium) and run again.`);
  }
  console.log('Installing chromium (apt-get)…');
  execSync('apt-get update && apt-get install -y chromium', {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get finished but ${CHROMIUM} is still missing`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureFrontendBuilt() {
  const frontend = join(ROOT, 'frontend');
  const index = join(frontend, 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(frontend)) return;
  console.log('Building the dashboard…');
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'astro', 'astro.js'), 'build', '--root', 'frontend'], {
    cwd: ROOT,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`astro build failed:\n${build.stdout}\n${build.stderr}`);
}

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? htmlFiles(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : []);
}

async function main() {
  ensureChromium();
  ensureFrontendBuilt();
  const run = createRun(OUT);

  await run.step('built pages load scripts only from files (CSP script-src \'self\')', async () => {
    const offenders = [];
    for (const file of htmlFiles(join(ROOT, 'frontend', 'dist'))) {
      const html = readFileSync(file, 'utf8');
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) if (!/\ssrc=/.test(tag)) offenders.push(`${file}: ${tag}`);
      if (/\son[a-z]+=/i.test(html.replace(/<script[\s\S]*?<\/script>/g, ''))) offenders.push(`${file}: inline event handler`);
    }
    assert(offenders.length === 0, offenders.join('\n'));
  });

  const upstream = await startFakeUpstream();
  let server;
  let browser;
  try {
    server = await startServer({
      root: ROOT,
      env: { PRICE_SOURCE_URL: `${upstream.url}/prices.json`, PRICE_SYNC_INTERVAL_MS: '0' },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    await runScenario(run, { browser, server, upstream });
    await run.step('no console errors in any page', async () => {
      assert(run.consoleErrors.length === 0, run.consoleErrors.join('\n'));
    });
  } catch (err) {
    run.results.push({ name: 'run the browser scenario', ok: false, error: err instanceof Error ? err.message : String(err) });
    console.log(`✗ run the browser scenario\n    ${err instanceof Error ? err.stack : err}`);
  } finally {
    await browser?.close();
    if (server && run.results.some((r) => !r.ok)) console.log(`\n--- server output (tail) ---\n${server.logs().slice(-4000)}`);
    await server?.stop();
    await upstream.close();
  }

  const passed = run.results.filter((r) => r.ok).length;
  const failed = run.results.length - passed;
  console.log(`\nScreenshots: ${OUT}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
