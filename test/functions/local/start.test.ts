import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../../functions/local/start.js';
import { ConfigError, loadConfig } from '../../../functions/shared/config.js';
import { createMemoryLogger } from '../../../functions/shared/logger.js';

const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'codehub-start-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function startOn(dataDir: string, env: Record<string, string> = {}): Promise<RunningHub> {
  // PRICE_SYNC_INTERVAL_MS=0: no price download at start (tests use no network but 127.0.0.1).
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'SILENT', PRICE_SYNC_INTERVAL_MS: '0', ...env });
  return startHub({ config, logger: createMemoryLogger(), projectRoot: dataDir });
}

async function api(hub: RunningHub, method: string, path: string, body?: unknown, token = hub.adminToken.token) {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: { id: string; name: string }[] } };
}

describe('startHub on a DATA_DIR', () => {
  it('serves health, keeps a user and the generated admin token across a restart', async () => {
    const dataDir = tempDir();
    const first = await startOn(dataDir);
    let user: { id: string };
    try {
      expect(first.port).toBeGreaterThan(0);
      expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
      const health = await fetch(`${first.url}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      expect(first.adminToken.source).toBe('generated');
      const tokenPath = join(dataDir, 'admin-token');
      expect(first.adminToken.path).toBe(tokenPath);
      expect(readFileSync(tokenPath, 'utf8').trim()).toBe(first.adminToken.token);
      expect(first.adminToken.token.length).toBeGreaterThanOrEqual(16);
      expect(statSync(tokenPath).mode & 0o777).toBe(0o600);

      expect((await api(first, 'GET', '/api/users', undefined, 'wrong-token-0123456789')).status).toBe(401);
      const created = await api(first, 'POST', '/api/users', { name: 'persisted' });
      expect(created.status).toBe(201);
      user = created.body as unknown as { id: string };
    } finally {
      await first.stop();
    }

    const second = await startOn(dataDir);
    try {
      expect(second.adminToken).toEqual({ token: first.adminToken.token, source: 'file', path: join(dataDir, 'admin-token') });
      const listed = await api(second, 'GET', '/api/users');
      expect(listed.status).toBe(200);
      expect(listed.body.items?.map((u) => [u.id, u.name])).toEqual([[user.id, 'persisted']]);
    } finally {
      await second.stop();
    }
  });

  it('uses ADMIN_TOKEN from the environment and writes no token file', async () => {
    const dataDir = tempDir();
    const hub = await startOn(dataDir, { ADMIN_TOKEN: 'env-admin-token-0123456789' });
    try {
      expect(hub.adminToken).toEqual({ token: 'env-admin-token-0123456789', source: 'env', path: null });
      expect(() => statSync(join(dataDir, 'admin-token'))).toThrow();
      expect((await api(hub, 'GET', '/api/users')).status).toBe(200);
    } finally {
      await hub.stop();
    }
  });

  it('rejects with the listen error when the port is taken, and releases its store', async () => {
    const hub = await startOn(tempDir());
    const loserDir = tempDir();
    try {
      await expect(startOn(loserDir, { PORT: String(hub.port) })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await hub.stop();
    }
    // The failed start closed its store: its LevelDB lock is free for the next start.
    const retry = await startOn(loserDir);
    await retry.stop();
  });

  it('serves the admin API over real HTTP: JSON 401, cookie login, same-origin write, cross-site write refused', async () => {
    const hub = await startOn(tempDir(), { ADMIN_TOKEN: 'http-admin-token-0123456789' });
    try {
      const anonymous = await fetch(`${hub.url}/api/users`);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('authentication_error');

      const login = await fetch(`${hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'http-admin-token-0123456789' }),
      });
      expect(login.status).toBe(200);
      const cookie = /codehub_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
      const write = (origin: string) =>
        fetch(`${hub.url}/api/users`, {
          method: 'POST',
          headers: { cookie, origin, 'content-type': 'application/json' },
          body: JSON.stringify({ name: origin }),
        });
      expect((await write(hub.url)).status).toBe(201);
      expect((await write('https://evil.example')).status).toBe(403);
      const listed = (await api(hub, 'GET', '/api/users', undefined, 'http-admin-token-0123456789')).body.items;
      expect(listed?.map((u) => u.name)).toEqual([hub.url]);
    } finally {
      await hub.stop();
    }
  });

  it('stops idempotently', async () => {
    const hub = await startOn(tempDir());
    await Promise.all([hub.stop(), hub.stop()]);
    await expect(fetch(`${hub.url}/api/health`)).rejects.toThrow();
  });
});

describe('loadConfig ADMIN_TOKEN check', () => {
  it('refuses a token shorter than 16 characters with a clear message', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: '0123456789abcde' })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_TOKEN: 'abc' })).toThrow('ADMIN_TOKEN must be at least 16 characters long');
  });

  it('accepts a token of exactly 16 characters and treats an empty one as unset', () => {
    expect(loadConfig({ ADMIN_TOKEN: '0123456789abcdef' }).adminToken).toBe('0123456789abcdef');
    expect(loadConfig({ ADMIN_TOKEN: '' }).adminToken).toBeNull();
  });
});

// `npm start` runs `node functions/local/launch.mjs` (main.ts built and run); so does the child.
// Its cwd is a temp dir so it finds no frontend/ to build in the background.
function spawnMain(cwd: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(ROOT, 'functions', 'local', 'launch.mjs')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
}

async function waitForUrl(output: () => string, child: ChildProcess): Promise<string> {
  for (;;) {
    const match = /Code Hub is running at (http:\/\/127\.0\.0\.1:(\d+))/.exec(output());
    if (match) return match[1]!;
    if (child.exitCode !== null) throw new Error(`main exited early:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('npm start entry (functions/local/main.ts)', () => {
  it('prints the real URL for PORT=0, serves /api/health, exits 0 on SIGTERM, and keeps data for the next start', async () => {
    const dir = tempDir();
    const env = { DATA_DIR: join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', PRICE_SYNC_INTERVAL_MS: '0' };

    const startedAt = performance.now();
    const first = spawnMain(dir, env);
    try {
      const url = await waitForUrl(first.output, first.child);
      const health = await fetch(`${url}/api/health`);
      const coldStartMs = Math.round(performance.now() - startedAt);
      expect(health.status).toBe(200);
      console.log(`npm start cold start (spawn → /api/health 200): ${coldStartMs} ms`);

      expect(first.output()).not.toContain(':0 ');
      const token = readFileSync(join(env.DATA_DIR, 'admin-token'), 'utf8').trim();
      expect(first.output()).toContain(token);
      const created = await fetch(`${url}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'before-sigterm' }),
      });
      expect(created.status).toBe(201);

      first.child.kill('SIGTERM');
      expect(await exitOf(first.child)).toEqual({ code: 0, signal: null });
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }

    const second = spawnMain(dir, env);
    try {
      const url = await waitForUrl(second.output, second.child);
      // The token is not printed again once it exists.
      const token = readFileSync(join(env.DATA_DIR, 'admin-token'), 'utf8').trim();
      expect(second.output()).not.toContain(token);
      const users = await fetch(`${url}/api/users`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await users.json()) as { items: { name: string }[] };
      expect(body.items.map((u) => u.name)).toEqual(['before-sigterm']);
      second.child.kill('SIGINT');
      expect(await exitOf(second.child)).toEqual({ code: 0, signal: null });
    } finally {
      if (second.child.exitCode === null) second.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a short ADMIN_TOKEN at start-up with a clear message and exit code 1', async () => {
    const dir = tempDir();
    const run = spawnMain(dir, { DATA_DIR: join(dir, 'data'), PORT: '0', ADMIN_TOKEN: 'too-short', PRICE_SYNC_INTERVAL_MS: '0' });
    try {
      expect(await exitOf(run.child)).toEqual({ code: 1, signal: null });
      expect(run.output()).toContain('ADMIN_TOKEN must be at least 16 characters long');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 30_000);
});
