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

/** The i-th request of a deterministic mix: 3 users, 2 providers, one failure in 7, sessions in 1 of 2. */
function logOf(i: number, startMs: number): RequestLog {
  const createdAt = new Date(startMs + i * 7).toISOString();
  const failed = i % 7 === 0;
  return {
    id: `req_${(startMs + i * 7).toString(36).padStart(9, '0')}${String(i).padStart(11, '0')}`,
    createdAt,
    userId: `usr_${i % 3}`,
    keyId: `key_${i % 3}`,
    providerId: failed ? null : `prv_${i % 2}`,
    providerName: failed ? null : `provider-${i % 2}`,
    endpoint: 'messages',
    model: i % 5 === 0 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5-20250929',
    upstreamModel: failed ? null : 'claude-sonnet-4-5-20250929',
    stream: i % 2 === 0,
    statusCode: failed ? 502 : 200,
    inputTokens: 12 + i,
    outputTokens: 1857,
    cacheCreationInputTokens: 2048,
    cacheWrite5mTokens: 2048,
    cacheWrite1hTokens: 0,
    cacheReadInputTokens: 48000,
    reasoningTokens: 0,
    costUsd: failed ? null : 0.050091,
    costBreakdown: failed
      ? null
      : { inputUsd: 0.000036, outputUsd: 0.027855, cacheWrite5mUsd: 0.00768, cacheWrite1hUsd: 0, cacheReadUsd: 0.0144, multiplier: 1, longContext: false },
    priceVersion: failed ? null : '86135fc654882134c8def3c4f4dc4551f62bdc939c394081bcde5fc53eee47c4',
    durationMs: 14231,
    ttfbMs: failed ? null : 812,
    sessionId: i % 2 === 0 ? `ses-${i % 4}` : null,
    userAgent: 'claude-cli/2.1.332 (external, sdk-cli)',
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
