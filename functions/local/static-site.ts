// Serves the built dashboard (frontend/dist) with security headers; Astro pages are `/<page>/index.html`.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

async function fileIfExists(path: string): Promise<string | null> {
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

/** Resolve a URL path inside `root`, refusing anything that escapes it. */
export async function resolveStaticPath(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const target = resolve(base, normalize(`.${decoded.startsWith('/') ? decoded : `/${decoded}`}`));
  if (target !== base && !target.startsWith(base + sep)) return null;
  return (await fileIfExists(target)) ?? (await fileIfExists(join(target, 'index.html'))) ?? (await fileIfExists(`${target}.html`));
}

export function createStaticHandler(root: string, notBuiltHtml: string) {
  return async (c: Context) => {
    const path = await resolveStaticPath(root, c.req.path);
    if (!path) {
      const fallback = await resolveStaticPath(root, '/404.html');
      if (!fallback && c.req.path === '/') return c.html(notBuiltHtml, 200, SECURITY_HEADERS);
      const body = fallback ? await readFile(fallback) : 'not found';
      return c.body(body, 404, { ...SECURITY_HEADERS, 'Content-Type': fallback ? TYPES['.html']! : 'text/plain' });
    }
    const body = await readFile(path);
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    const cache = path.includes(`${sep}_astro${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    return c.body(body, 200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': cache });
  };
}
