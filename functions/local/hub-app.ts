// One Hono app for `npm start`: admin API at /api, proxy at /v1, the built dashboard at /.
import { Hono } from 'hono';
import type { Services } from '../shared/services.js';
import { createAdminApp, type AdminAppOptions } from '../admin/app.js';
import { createStaticHandler, SECURITY_HEADERS } from './static-site.js';

export interface HubAppOptions extends AdminAppOptions {
  frontendDir: string;
  /** Extra apps mounted at the root (the proxy's /v1 routes). */
  mounts?: Hono[];
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Code Hub</title></head>
<body><main><h1>Code Hub</h1><p>The dashboard is being built; reload in a few seconds. The API is ready at <code>/api</code> and the proxy at <code>/v1</code>.</p></main></body></html>`;

export function createHubApp(services: Services, options: HubAppOptions) {
  const hub = new Hono();
  hub.route('/', createAdminApp(services, options));
  for (const app of options.mounts ?? []) hub.route('/', app);
  // The dashboard reads where clients should point; locally that is this server's own origin.
  hub.get('/config.json', (c) => c.json({ proxyUrl: new URL(c.req.url).origin }, 200, SECURITY_HEADERS));
  hub.all('/api/*', (c) => c.json({ error: { message: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found_error' } }, 404));
  const serveStatic = createStaticHandler(options.frontendDir, NOT_BUILT);
  hub.on(['GET', 'HEAD'], '*', serveStatic);
  hub.notFound((c) => c.json({ error: { message: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found_error' } }, 404));
  return hub;
}
