// Builds the dashboard in the background when frontend/dist is missing or older than its sources,
// so `npm start` answers at once and the dashboard appears when the build is done.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HubLogger } from '../shared/logger.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function frontendIsStale(frontendRoot: string): boolean {
  const index = join(frontendRoot, 'dist', 'index.html');
  if (!existsSync(join(frontendRoot, 'astro.config.mjs'))) return false;
  if (!existsSync(index)) return true;
  return newestMtime(frontendRoot) > statSync(index).mtimeMs;
}

export function buildFrontendInBackground(
  projectRoot: string,
  log: HubLogger,
): void {
  const started = Date.now();
  const child = spawn(process.execPath, [join(projectRoot, 'node_modules', 'astro', 'astro.js'), 'build', '--root', 'frontend'], {
    cwd: projectRoot,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('exit', (code) => {
    if (code === 0) log.info('dashboard built', { ms: Date.now() - started });
    else log.warn('dashboard build failed', { code, stderr });
  });
  child.unref();
}
