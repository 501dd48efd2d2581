// Child processes for system tests: the store (dynalite) and the `npm start` entry, each started
// and stopped by its pid, with bounded waits for the line that says it is ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from '../../../functions/local/launch.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = resolve(here, '../../..');

export interface Child {
  process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL (default) or SIGTERM, and wait until it is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function startChild(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Child {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    process: child,
    output: () => output,
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Waits (at most `timeoutMs`) until the child printed a line matching `pattern`; returns the match. */
export async function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = child.output().match(pattern);
    if (match) return match;
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`process exited before printing ${pattern}:\n${child.output()}`);
    }
    if (Date.now() > until) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface StoreProcess extends Child {
  port: number;
  endpoint: string;
}

/** dynalite in its own process, persisted under `dataDir`; port 0 picks a free one. */
export async function startStoreProcess(dataDir: string, port = 0): Promise<StoreProcess> {
  const child = startChild([resolve(here, 'store-process.mjs'), dataDir, String(port)], { cwd: PROJECT_ROOT });
  const match = await waitForOutput(child, /listening (\d+)/);
  const actual = Number(match[1]);
  return { ...child, port: actual, endpoint: `http://127.0.0.1:${actual}` };
}

export interface GatewayProcess extends Child {
  url: string;
}

/**
 * What `npm start` runs: `functions/local/launch.mjs` (main.ts built and run), with its node flags. It runs in `cwd`, a
 * directory without a frontend, so it never starts a dashboard build of the repository.
 */
export async function startGatewayProcess(cwd: string, env: Record<string, string>): Promise<GatewayProcess> {
  const child = startChild([...GATEWAY_NODE_FLAGS, resolve(PROJECT_ROOT, 'functions/local/launch.mjs')], {
    cwd,
    env: { ...process.env, PRICE_SYNC_INTERVAL_MS: '0', LOG_LEVEL: 'WARN', ...env },
  });
  const match = await waitForOutput(child, /Code Hub is running at (http:\/\/\S+)/, 60_000);
  return { ...child, url: match[1]! };
}
