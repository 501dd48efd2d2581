// The embedded store's own ceiling: operations per second of dynalite (in memory, in this process,
// as `npm start` runs it) through the project's DynamoDB client, at concurrency 1 and 8, for the
// operations the proxy makes: GetItem, UpdateItem ADD on one hot item, PutItem of a log-sized item
// with three index keys, BatchWriteItem of 25 such items.
//   npx tsx bench/store-ceiling.ts [--ops 2000] [--transport in-process|http] [--only Batch] [--json out.json]
// `--transport in-process` (the default, as `npm start` calls it) hands each call to dynalite as a
// function call; `http` goes through the store's loopback listener, as another process would.
import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startEmbeddedStore } from '../functions/local/embedded-store.js';
import { ensureTable } from '../functions/shared/db/bootstrap.js';
import { createDb } from '../functions/shared/db/client.js';
import { fmt, percentile } from './lib/harness.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const OPS = Number(args.get('ops') ?? 2000);
const TRANSPORT = args.get('transport') ?? 'in-process';
if (TRANSPORT !== 'in-process' && TRANSPORT !== 'http') throw new Error('--transport is in-process or http');
/** Only the operations whose name contains this (e.g. `Batch`), for profiling one of them. */
const ONLY = args.get('only') ?? '';

let sequence = 0;
/** A request log of about the size the proxy writes (~1.3 KB, three index keys). */
function logItem() {
  const n = ++sequence;
  const createdAt = new Date(Date.UTC(2026, 10, 28, 8, 0, 0, n)).toISOString();
  const sk = `${createdAt}#req_${n.toString().padStart(12, '0')}`;
  return {
    PK: `LOG#${createdAt.slice(0, 10)}`,
    SK: sk,
    GSI1PK: 'LOGUSER#user_bench',
    GSI1SK: sk,
    GSI2PK: 'LOGKEY#key_bench',
    GSI2SK: sk,
    GSI3PK: 'LOGPROV#prov_bench',
    GSI3SK: sk,
    entity: 'log',
    model: 'claude-sonnet-4-5',
    status: 200,
    inputTokens: 1200,
    outputTokens: 120,
    cacheReadTokens: 18000,
    costUsd: 0.01086,
    durationMs: 2,
    ttfbMs: 1,
    userAgent: 'claude-cli/2.0.0 (external, cli)',
    chain: [{ providerId: 'prov_bench', status: 200, reason: 'selected', attempt: 1, note: 'x'.repeat(200) }],
    requestSummary: 'x'.repeat(600),
  };
}

async function run(concurrency: number, total: number, op: () => Promise<unknown>) {
  const latencies: number[] = [];
  let issued = 0;
  const start = performance.now();
  const worker = async () => {
    while (issued < total) {
      issued++;
      const t = performance.now();
      await op();
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - start;
  return { opsPerSec: (total / wallMs) * 1000, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

async function main() {
  const store = await startEmbeddedStore(null);
  try {
    const db = createDb({
      tableName: 'code-hub-bench',
      region: 'us-east-1',
      endpoint: store.endpoint,
      inProcess: TRANSPORT === 'in-process' ? store.inProcess : undefined,
    });
    await ensureTable(db);
    const TableName = db.tableName;
    const hot = { PK: 'SPEND#key#bench', SK: 'A#STATE' };
    await db.doc.send(new PutCommand({ TableName, Item: { ...hot, payload: 'x'.repeat(500), n: 0 } }));

    const operations: [string, number, () => Promise<unknown>][] = [
      ['GetItem (600 B item)', 1, () => db.doc.send(new GetCommand({ TableName, Key: hot }))],
      [
        'UpdateItem ADD, one hot item',
        1,
        () => db.doc.send(new UpdateCommand({ TableName, Key: hot, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } })),
      ],
      ['PutItem, log item with 3 index keys', 1, () => db.doc.send(new PutCommand({ TableName, Item: logItem() }))],
      [
        'BatchWriteItem, 25 log items',
        25,
        () => db.doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: Array.from({ length: 25 }, () => ({ PutRequest: { Item: logItem() } })) } })),
      ],
    ];
    const results: { operation: string; concurrency: number; opsPerSec: number; itemsPerSec: number; p50: number; p95: number }[] = [];
    for (const [operation, items, op] of operations) {
      if (!operation.includes(ONLY)) continue;
      const total = Math.max(50, Math.round(OPS / items));
      for (const concurrency of [1, 8]) {
        await run(concurrency, Math.min(200, total), op); // warm-up
        const r = await run(concurrency, total, op);
        results.push({ operation, concurrency, opsPerSec: r.opsPerSec, itemsPerSec: r.opsPerSec * items, p50: r.p50, p95: r.p95 });
      }
    }

    console.log(`\nEmbedded store ceiling (dynalite in memory, same process, ${TRANSPORT} calls; ${cpus().length} CPUs, node ${process.version}; load ${loadavg().map((n) => n.toFixed(2)).join(' ')})\n`);
    console.log('| operation | c | ops/s | items/s | p50 ms | p95 ms |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const r of results) {
      console.log(`| ${r.operation} | ${r.concurrency} | ${r.opsPerSec.toFixed(0)} | ${r.itemsPerSec.toFixed(0)} | ${fmt(r.p50)} | ${fmt(r.p95)} |`);
    }
    if (args.get('json')) writeFileSync(args.get('json')!, JSON.stringify(results, null, 2));
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
