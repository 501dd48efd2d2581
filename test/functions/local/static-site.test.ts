import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../functions/local/static-site.js';

let parent: string;
let root: string;

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'codehub-static-'));
  root = join(parent, 'dist');
  mkdirSync(join(root, 'users'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'users', 'index.html'), '<h1>users</h1>');
  writeFileSync(join(root, 'about.html'), '<h1>about</h1>');
  writeFileSync(join(parent, 'secret.txt'), 'outside the site');
  // A sibling whose name starts with the root's name: a naive prefix check would let it through.
  mkdirSync(join(parent, 'dist-private'));
  writeFileSync(join(parent, 'dist-private', 'key.txt'), 'sibling');
});

afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('resolveStaticPath', () => {
  it.each([
    ['/', 'index.html'],
    ['/users', join('users', 'index.html')],
    ['/users/', join('users', 'index.html')],
    ['/about', 'about.html'],
    ['/about.html', 'about.html'],
    ['/users/../about.html', 'about.html'],
  ])('serves %s from inside the root', async (urlPath, file) => {
    expect(await resolveStaticPath(root, urlPath)).toBe(join(root, file));
  });

  it.each([
    ['a parent segment', '/../secret.txt'],
    ['nested parent segments', '/users/../../secret.txt'],
    ['encoded dots', '/%2e%2e/secret.txt'],
    ['upper-case encoded dots', '/%2E%2E/secret.txt'],
    ['an encoded slash', '/..%2fsecret.txt'],
    ['an encoded backslash', '/..%5csecret.txt'],
    ['a sibling directory with the root as prefix', '/../dist-private/key.txt'],
    ['a NUL byte', '/index.html%00.txt'],
    ['a raw NUL byte', '/index.html\0'],
    ['a malformed escape', '/%E0%A4%A'],
    ['a missing file', '/nope.js'],
  ])('refuses %s', async (_case, urlPath) => {
    expect(await resolveStaticPath(root, urlPath)).toBeNull();
  });
});
