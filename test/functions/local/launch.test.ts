import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGateway, GATEWAY_NODE_FLAGS } from '../../../functions/local/launch.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'functions/local/main.ts');
const NAME = `launch-test-${process.pid}`;
const made: string[] = [];
afterAll(() => {
  for (const file of made) rmSync(file, { force: true });
});

describe('npm start build (launch.mjs)', () => {
  it('builds main.ts once into a file named by its content, shared by later starts', () => {
    const first = buildGateway(MAIN, NAME);
    const second = buildGateway(MAIN, NAME);
    made.push(first);
    expect(second).toBe(first);
    expect(first).toMatch(new RegExp(`/node_modules/\\.cache/code-hub/${NAME}-[0-9a-f]{16}\\.mjs$`));
    const code = readFileSync(first, 'utf8');
    // Our modules are inside; packages are imported from node_modules, not bundled.
    expect(code).toContain('function tuneHeapGrowth');
    expect(code).toMatch(/from "hono"/);
    expect(code).not.toContain('dynalite/db/index.js');
    // Paths our modules resolve from import.meta.url stay those of functions/local.
    const reads = code.split('\n').filter((line) => line.includes('import.meta.url') && !line.trim().startsWith('//') && !line.includes('"import.meta.url"'));
    expect(reads).toEqual([]);
    expect(code).toContain(JSON.stringify(new URL('../../../functions/local/main.ts', import.meta.url).href));
  });

  it('removes files of its name built from older sources, once they are an hour old', () => {
    const current = buildGateway(MAIN, NAME);
    const dir = dirname(current);
    const old = join(dir, `${NAME}-0000000000000000.mjs`);
    const recent = join(dir, `${NAME}-1111111111111111.mjs`);
    const otherName = join(dir, `other-${process.pid}-0000000000000000.mjs`);
    for (const file of [old, recent, otherName]) writeFileSync(file, '');
    made.push(recent, otherName);
    const hourAgo = (Date.now() - 61 * 60_000) / 1000;
    utimesSync(old, hourAgo, hourAgo);
    utimesSync(otherName, hourAgo, hourAgo);
    expect(buildGateway(MAIN, NAME)).toBe(current);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(otherName)).toBe(true);
  });
});

describe('npm start command', () => {
  it("gives node launch.mjs's GATEWAY_NODE_FLAGS (the benchmark and system hubs start with the same)", () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(GATEWAY_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(scripts.start).toMatch(new RegExp(`(^| )node ${GATEWAY_NODE_FLAGS.join(' ')} functions/local/launch\\.mjs$`));
  });
});

describe('npm start through a symlinked checkout', () => {
  it('still starts the gateway (node keeps the link in argv, the module URL resolves it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'code-hub-link-'));
    const link = join(dir, 'checkout');
    symlinkSync(ROOT, link);
    const child = spawn(process.execPath, [join(link, 'functions/local/launch.mjs')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: '0', DATA_DIR: join(dir, 'data'), PRICE_SYNC_INTERVAL_MS: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      for (let waited = 0; !out.includes('Code Hub is running at'); waited += 20) {
        if (child.exitCode !== null || waited > 30_000) throw new Error(`no start:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
      unlinkSync(link);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
