// `npm start`: run the gateway on this machine and print where it listens and how to log in.
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { buildFrontendInBackground, frontendIsStale } from './frontend-build.js';
import { tuneHeapGrowth } from './heap-tuning.js';
import { startHub } from './start.js';

async function main(): Promise<void> {
  // A long-running gateway: keep the heap near what it uses (V8 reads the setting at every full collection).
  tuneHeapGrowth();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`code-hub: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const projectRoot = process.cwd();
  if (frontendIsStale(resolve(projectRoot, 'frontend'))) {
    logger.info('building the dashboard in the background');
    buildFrontendInBackground(projectRoot, logger);
  }
  const hub = await startHub({
    config,
    logger,
    projectRoot,
    onStoreFailed: (err) => {
      console.error(`code-hub: the embedded store stopped (${err.message}); exiting. Start it again: data under DATA_DIR is kept.`);
      process.exit(1);
    },
  });
  // Since the process started: building the bundle (launch.mjs) included.
  const ms = Math.round(performance.now());
  logger.info('code hub listening', { url: hub.url, store: config.dynamodbEndpoint ?? 'embedded', startupMs: ms });

  const lines = [`Code Hub is running at ${hub.url}  (started in ${ms} ms)`, `  dashboard: ${hub.url}/`, `  proxy:     ${hub.url}/v1`];
  if (hub.adminToken.source === 'generated') {
    lines.push(`  admin token (shown once, stored in ${hub.adminToken.path}):`, `    ${hub.adminToken.token}`);
  } else if (hub.adminToken.source === 'file') {
    lines.push(`  admin token: stored in ${hub.adminToken.path}`);
  } else {
    lines.push('  admin token: the ADMIN_TOKEN you set');
  }
  lines.push('  log in to the dashboard with it, or call the API with Authorization: Bearer <token>');
  console.log(lines.join('\n'));

  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info('shutting down', { signal });
    hub
      .stop()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error('shutdown failed', { error: err });
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('code-hub failed to start:', err);
  process.exit(1);
});
