// What the local TTL sweeper costs (functions/local/ttl-sweeper.ts): an embedded hub (store thread,
// in memory) holding N request logs, one unpaced pass over them (the old once-a-minute sweep's
// work) and one paced pass as the sweeper runs it: CPU of the whole process, wall time, pages, and
// the longest page (how long the store thread is held at once).
//   npx tsx bench/ttl-sweep.ts [--logs 15000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '../functions/local/start.js';
import { SWEEP_SCHEDULE, sweepExpired } from '../functions/local/ttl-sweeper.js';
import { loadConfig } from '../functions/shared/config.js';
import { createLogger } from '../functions/shared/logger.js';
import { typicalLog } from '../test/fixtures/request-log.js';
import { fmt } from './lib/harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const LOGS = Number(args.get('logs') ?? 15000);

const dataDir = mkdtempSync(join(tmpdir(), 'code-hub-sweep-'));
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'SILENT', PRICE_SYNC_INTERVAL_MS: '0', DATA_DIR: dataDir });
const hub = await startHub({ config, logger: createLogger('SILENT'), inMemory: true, singleWriter: true });
try {
  const { services } = hub;
  const start = Date.now() - 3_600_000;
  for (let i = 0; i < LOGS; i += 25) {
    const batch = Array.from({ length: Math.min(25, LOGS - i) }, (_, j) =>
      services.logs.put(typicalLog(new Date(start + (i + j) * 10).toISOString(), `req_${String(i + j).padStart(12, '0')}`), 1000),
    );
    await Promise.all(batch);
    await services.writes.flush();
  }
  // Page timings: each Scan's wall time, seen from the client.
  let pages: number[] = [];
  services.db.client.middlewareStack.add(
    (next, context) => async (a) => {
      if (context.commandName !== 'ScanCommand') return next(a);
      const t0 = performance.now();
      try {
        return await next(a);
      } finally {
        pages.push(performance.now() - t0);
      }
    },
    { step: 'initialize', name: 'benchScanTimer' },
  );
  const pass = async (name: string, pageItems: number, pauseMs: number) => {
    pages = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const deleted = await sweepExpired(services.db, Date.now(), { pageItems, pauseMs });
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `| ${name} | ${LOGS} | ${deleted} | ${fmt((cpu.user + cpu.system) / 1000)} | ${fmt(wall)} | ${pages.length} | ${fmt(Math.max(...pages))} |`,
    );
  };
  console.log(`\nTTL sweep over ${LOGS} request logs (none expired), embedded store in memory; CPU of the whole process\n`);
  console.log('| pass | logs | deleted | CPU ms | wall ms | Scan pages | longest page ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  // The old sweeper: Scan pages limited only by DynamoDB's 1 MB, no pause.
  await pass('unpaced, 1 MB pages (the old sweep, once a minute)', 1_000_000, 0);
  await pass(`paced (${SWEEP_SCHEDULE.pageItems} items a page, ${SWEEP_SCHEDULE.pauseMs} ms apart; once an hour)`, SWEEP_SCHEDULE.pageItems, SWEEP_SCHEDULE.pauseMs);
} finally {
  await hub.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
