// AWS entry of the price sync: invoked by the EventBridge schedule and once after each deploy.
import { loadConfig } from '../shared/config.js';
import { createDb } from '../shared/db/client.js';
import { createLogger } from '../shared/logger.js';
import { createServices, type Services } from '../shared/services.js';
import { syncPrices, type PriceSyncResult } from './sync.js';

let services: Services | null = null;

// Built on first invocation and kept for warm ones (one DynamoDB client per container).
function servicesOnce(): Services {
  if (!services) {
    const config = loadConfig();
    const logger = createLogger(config.logLevel, 'code-hub-price-sync');
    const db = createDb({ tableName: config.tableName, region: config.region, endpoint: config.dynamodbEndpoint });
    services = createServices({ config, db, logger });
  }
  return services;
}

/** Syncs from PRICE_SOURCE_URL. A failure throws, so EventBridge retries and the error reaches the logs. */
export const handler = async (): Promise<PriceSyncResult> => {
  const hub = servicesOnce();
  try {
    return await syncPrices(hub, { url: hub.config.priceSourceUrl });
  } catch (err) {
    hub.logger.error('price sync failed', { error: err, source: hub.config.priceSourceUrl });
    throw err;
  }
};
