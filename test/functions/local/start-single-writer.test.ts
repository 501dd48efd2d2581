import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHub } from '../../../functions/local/start.js';
import { loadConfig } from '../../../functions/shared/config.js';
import { createMemoryLogger } from '../../../functions/shared/logger.js';

const dataDir = mkdtempSync(join(tmpdir(), 'codehub-single-writer-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(singleWriter?: boolean) {
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'SILENT', PRICE_SYNC_INTERVAL_MS: '0' });
  return startHub({ config, logger: createMemoryLogger(), inMemory: true, projectRoot: dataDir, singleWriter });
}

describe('startHub single writer', () => {
  it.each([
    ['is the embedded store single writer by default', undefined, true],
    ['keeps the direct store path of Lambda when asked to', false, false],
  ])('%s', async (_, option, expected) => {
    const hub = await start(option);
    try {
      expect(hub.services.config.singleWriter).toBe(expected);
    } finally {
      await hub.stop();
    }
  });
});
