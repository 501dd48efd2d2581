// Micro-benchmark of the settle writes alone: the log put, the rollup records and session binds going
// through the write coalescer, against a store stub that answers at once. CPU µs per request without
// the HTTP, SDK and store noise of quick.ts. `--dump FILE` also writes every command the coalescer sent
// (inputs as JSON, in order) so a change can be checked to write byte-for-byte the same.
//   npx tsx bench/settle-writes.ts [--requests 20000] [--rounds 5] [--dump /tmp/settle-writes.json]
import { writeFileSync } from 'node:fs';
import type { Db } from '../functions/shared/db/client.js';
import { createLogsRepo } from '../functions/shared/db/repos/logs.js';
import { createSessionsRepo } from '../functions/shared/db/repos/sessions.js';
import { createWriteCoalescer } from '../functions/shared/db/write-coalescer.js';
import { newRequestId } from '../functions/shared/ids.js';
import { createStatsRecorder } from '../functions/shared/stats/rollups.js';
import type { RequestLog } from '../functions/shared/types.js';
import { typicalLog } from '../test/fixtures/request-log.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const requests = Number(args.get('requests') ?? 20000);
const rounds = Number(args.get('rounds') ?? 5);
const dumpFile = args.get('dump');

const sent: string[] = [];
let recording = false;
/** Answers every command at once; batch puts go through the plain client, updates through the document client. */
const store = {
  send: async (command: { constructor: { name: string }; input: unknown }) => {
    if (recording) sent.push(`${command.constructor.name} ${JSON.stringify(command.input)}`);
    return {};
  },
};
const db = { tableName: 'bench', doc: store, client: store } as unknown as Db;

/** The i-th request of a deterministic mix: 3 users, 2 providers, one failure in 7, sessions in 1 of 2 (the rest as the tests' typical log). */
function logOf(i: number, startMs: number): RequestLog {
  const createdAt = new Date(startMs + i * 7).toISOString();
  const failed = i % 7 === 0;
  const typical = typicalLog(createdAt, `req_${(startMs + i * 7).toString(36).padStart(9, '0')}${String(i).padStart(11, '0')}`);
  return {
    ...typical,
    userId: `usr_${i % 3}`,
    keyId: `key_${i % 3}`,
    providerId: failed ? null : `prv_${i % 2}`,
    providerName: failed ? null : `provider-${i % 2}`,
    model: i % 5 === 0 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5-20250929',
    upstreamModel: failed ? null : 'claude-sonnet-4-5-20250929',
    stream: i % 2 === 0,
    statusCode: failed ? 502 : 200,
    inputTokens: 12 + i,
    costUsd: failed ? null : typical.costUsd,
    costBreakdown: failed ? null : typical.costBreakdown,
    priceVersion: failed ? null : typical.priceVersion,
    ttfbMs: failed ? null : typical.ttfbMs,
    sessionId: i % 2 === 0 ? `ses-${i % 4}` : null,
    error: failed ? 'upstream 502' : null,
    chain: [{ providerId: 'prv_0', providerName: 'provider-0', attempt: 1, reason: 'priority', statusCode: failed ? 502 : 200, error: null, durationMs: 790 }],
    filtered: i % 11 === 0 ? { temperature: 'unsupported' } : {},
  };
}

async function round(n: number, startMs: number): Promise<number> {
  const writes = createWriteCoalescer(db, 200);
  const logs = createLogsRepo(db, 30, () => startMs, writes);
  const stats = createStatsRecorder({ db, config: { timezone: 'Europe/Berlin' }, writes });
  const sessions = createSessionsRepo(db, () => startMs, 3600, writes);
  const pending: Promise<unknown>[] = [];
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const log = logOf(i, startMs);
    const costNanos = log.costUsd === null ? null : 50_091_000 + i;
    pending.push(logs.put(log, costNanos), stats.record(log, costNanos));
    if (log.sessionId) pending.push(sessions.bind({ sessionId: log.sessionId, providerId: 'prv_0', keyId: log.keyId!, userId: log.userId! }));
    newRequestId(startMs + i);
    // One window's worth of requests, then the flush, as at a few hundred requests per second.
    if (i % 100 === 99) await writes.flush();
  }
  await writes.flush();
  await Promise.all(pending);
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / n;
}

const startMs = Date.parse('2026-11-28T22:59:50.000Z');
if (dumpFile) {
  recording = true;
  await round(2000, startMs);
  recording = false;
  writeFileSync(dumpFile, sent.join('\n') + '\n');
  console.log(`${sent.length} commands written to ${dumpFile}`);
}
const results: number[] = [];
for (let r = 0; r < rounds; r++) results.push(await round(requests, startMs));
const sorted = [...results].sort((a, b) => a - b);
console.log(`settle writes: CPU µs/request per round ${results.map((v) => v.toFixed(1)).join(' ')}; median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)}`);
