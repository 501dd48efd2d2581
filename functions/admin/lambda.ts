// AWS entry of the admin API (buffered Function URL behind the dashboard's CloudFront at /api/*).
import { handle } from 'hono/aws-lambda';
import { createRuntime } from '../shared/runtime.js';
import { loadAdminToken } from './admin-token-secret.js';
import { createAdminApp } from './app.js';

type Handler = ReturnType<typeof handle>;

const runtime = createRuntime();
const ready: Promise<Handler> = loadAdminToken(runtime.config).then((adminToken) =>
  handle(createAdminApp(runtime.services, { adminToken })),
);

export const handler: Handler = async (event, context) => (await ready)(event, context);
