// AWS entry of the proxy: a streaming Function URL (InvokeMode RESPONSE_STREAM) through hono's
// streamHandle. Each request settles before its response stream ends, since Lambda freezes the
// instance once the invocation returns.
import { streamHandle } from 'hono/aws-lambda';
import { createRuntime } from '../shared/runtime.js';
import { createProxyApp } from './app.js';
import { createProxyDeps } from './deps.js';

const runtime = createRuntime();
const deps = createProxyDeps(runtime.services, { awaitSettle: true });
const app = createProxyApp(deps);
// Clients probe the base URL before their first request (Claude Code sends HEAD /).
app.on(['GET', 'HEAD'], '/', (c) => c.json({ status: 'ok', service: 'code-hub' }));

export const handler = streamHandle(app);
