// Builds a process's runtime (config, logger, store client, services) the same way for every
// entry: Lambda functions and the local server.
import { loadConfig, type HubConfig } from './config.js';
import { createDb } from './db/client.js';
import { createLogger, type HubLogger } from './logger.js';
import { createServices, type Services } from './services.js';

export interface Runtime {
  config: HubConfig;
  logger: HubLogger;
  services: Services;
}

export function createRuntime(config: HubConfig = loadConfig(), endpoint: string | null = config.dynamodbEndpoint): Runtime {
  const logger = createLogger(config.logLevel);
  const db = createDb({ tableName: config.tableName, region: config.region, endpoint });
  return { config, logger, services: createServices({ config, db, logger }) };
}
