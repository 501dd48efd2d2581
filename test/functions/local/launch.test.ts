import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../../../functions/local/launch.mjs';

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
