// Locates the built dashboard (or writes a placeholder) and collects what its CSP must allow.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DashboardBuild {
  /** Directory uploaded to the dashboard bucket. */
  readonly directory: string;
  /** CSP sources (`'sha256-…'`) of the inline scripts found in the build's HTML. */
  readonly inlineScriptHashes: readonly string[];
  /** True when the build was missing and a placeholder page stands in for it. */
  readonly placeholder: boolean;
}

const PLACEHOLDER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Code Hub</title></head>
<body><h1>Code Hub dashboard not built</h1>
<p>This deployment was synthesized without <code>frontend/dist</code>. Run <code>npm run build:frontend</code>,
then <code>npx cdk deploy --all</code> again.</p></body></html>
`;

// Script types a browser executes; JSON data blocks are not subject to script-src.
const EXECUTABLE_TYPES = new Set(['', 'module', 'text/javascript', 'application/javascript']);
const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

/** CSP hash sources of the executable inline scripts in one HTML document, in order of appearance. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(SCRIPT_TAG)) {
    const attributes = match[1] ?? '';
    const body = match[2] ?? '';
    if (/\bsrc\s*=/i.test(attributes) || body.length === 0) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]?.toLowerCase() ?? '';
    if (!EXECUTABLE_TYPES.has(type)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

function htmlFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.html'))
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
}

/** Reads a built dashboard directory; writes a placeholder to a temp directory when it does not exist. */
export function loadDashboardBuild(distDirectory: string): DashboardBuild {
  if (!existsSync(join(distDirectory, 'index.html'))) {
    // One fixed directory, rewritten each time: repeated synths neither leak temp dirs nor change the asset hash.
    const directory = join(tmpdir(), 'code-hub-dashboard-placeholder');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'index.html'), PLACEHOLDER_HTML);
    return { directory, inlineScriptHashes: [], placeholder: true };
  }
  const hashes = new Set<string>();
  for (const file of htmlFiles(distDirectory).sort()) {
    for (const hash of inlineScriptHashes(readFileSync(file, 'utf8'))) hashes.add(hash);
  }
  return { directory: distDirectory, inlineScriptHashes: [...hashes], placeholder: false };
}
