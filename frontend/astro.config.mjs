// Astro config for the admin dashboard: a static site built into ./dist and served next to /api.
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  outDir: './dist',
  // Every page is a folder with index.html so /usage-doc and /usage-doc/ both resolve.
  build: { format: 'directory', inlineStylesheets: 'never' },
  trailingSlash: 'ignore',
  devToolbar: { enabled: false },
  // Never inline scripts: the server's CSP is `script-src 'self'`.
  vite: { build: { assetsInlineLimit: 0 } },
});
