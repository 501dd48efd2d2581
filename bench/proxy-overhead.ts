// Proxy overhead benchmark (issue 3): added latency of Code Hub and of a bare pass-through versus
// calling the fake upstream directly, non-streaming and streaming, at concurrency 1 and 8, plus the
// store round trips per request on the warm path. Everything runs on 127.0.0.1.
//   npx tsx bench/proxy-overhead.ts [--requests 400] [--rounds 3] [--store memory|disk] [--json out.json]
// `--store disk` keeps the embedded store in a fresh temporary DATA_DIR, as `npm start` does
// (LevelDB on disk); the default keeps it in memory, as the tests do.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../functions/shared/config.js';
import { createLogger } from '../functions/shared/logger.js';
import { startHub } from '../functions/local/start.js';
import { fmt, percentile, runLoad, startBenchUpstream, timedPost, type Timing } from './lib/harness.js';
import { instrumentStore, type StoreProbe } from './lib/store-probe.js';
import { seedHub } from './lib/seed.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const REQUESTS = Number(args.get('requests') ?? 400);
/** Rounds of direct / bare / Code Hub, one after the other; the table shows the median of the rounds. */
const ROUNDS = Number(args.get('rounds') ?? 3);
const STORE = args.get('store') ?? 'memory';
if (STORE !== 'memory' && STORE !== 'disk') throw new Error('--store is memory or disk');

async function startBareProxy(upstream: string) {
  // The baseline: Hono on node-server forwarding with fetch; no auth, no store, no parsing.
  const app = new Hono();
  app.post('/v1/*', async (c) => {
    const headers = new Headers(c.req.raw.headers);
    headers.delete('host');
    headers.delete('content-length');
    const res = await fetch(`${upstream}${c.req.path}`, { method: 'POST', headers, body: await c.req.arrayBuffer() });
    return new Response(res.body, { status: res.status, headers: res.headers });
  });
  const server = await new Promise<ReturnType<typeof serve>>((ready) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

interface Row {
  target: string;
  mode: 'non-stream' | 'stream';
  concurrency: number;
  requests: number;
  errors: number;
  rps: number;
  ttfbP50: number;
  ttfbP95: number;
  totalP50: number;
  totalP95: number;
  addedTtfbP50: number;
  addedTtfbP95: number;
  addedTotalP50: number;
  addedTotalP95: number;
}

function summarize(target: string, mode: Row['mode'], concurrency: number, run: { timings: Timing[]; wallMs: number; errors: number }, direct?: Row): Row {
  const t = run.timings;
  const row: Row = {
    target,
    mode,
    concurrency,
    requests: t.length,
    errors: run.errors,
    rps: (t.length / run.wallMs) * 1000,
    ttfbP50: percentile(t.map((x) => x.ttfbMs), 50),
    ttfbP95: percentile(t.map((x) => x.ttfbMs), 95),
    totalP50: percentile(t.map((x) => x.totalMs), 50),
    totalP95: percentile(t.map((x) => x.totalMs), 95),
    addedTtfbP50: 0,
    addedTtfbP95: 0,
    addedTotalP50: 0,
    addedTotalP95: 0,
  };
  if (direct) {
    row.addedTtfbP50 = row.ttfbP50 - direct.ttfbP50;
    row.addedTtfbP95 = row.ttfbP95 - direct.ttfbP95;
    row.addedTotalP50 = row.totalP50 - direct.totalP50;
    row.addedTotalP95 = row.totalP95 - direct.totalP95;
  }
  return row;
}

async function main() {
  const upstream = await startBenchUpstream();
  const bare = await startBareProxy(upstream.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'code-hub-bench-'));
  const config = { ...loadConfig({}), port: 0, logLevel: 'SILENT', priceSyncIntervalMs: 0, dataDir };
  const hub = await startHub({ config, logger: createLogger('SILENT'), inMemory: STORE === 'memory' });
  const probe: StoreProbe = instrumentStore(hub.services.db);
  const { secret } = await seedHub(hub.services, upstream.url);

  const body = (stream: boolean) =>
    JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 256, stream, messages: [{ role: 'user', content: 'benchmark' }] });
  const hubHeaders = { 'x-api-key': secret, 'anthropic-version': '2023-06-01' };
  const rows: Row[] = [];

  /** Per round: the rows of every target, mode and concurrency (the machine's noise moves whole runs). */
  const rounds: Row[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const roundRows: Row[] = [];
    for (const mode of ['non-stream', 'stream'] as const) {
      const payload = body(mode === 'stream');
      for (const concurrency of [1, 8]) {
        const total = concurrency === 1 ? REQUESTS : REQUESTS * 2;
        const targets: [string, string, Record<string, string>][] = [
          ['direct', `${upstream.url}/v1/messages`, {}],
          ['bare pass-through', `${bare.url}/v1/messages`, {}],
          ['code hub', `${hub.url}/v1/messages`, hubHeaders],
        ];
        for (const [, url, headers] of targets) await runLoad(50, concurrency, () => timedPost(url, payload, headers));
        let direct: Row | undefined;
        for (const [name, url, headers] of targets) {
          const run = await runLoad(total, concurrency, () => timedPost(url, payload, headers));
          const row = summarize(name, mode, concurrency, run, direct);
          if (name === 'direct') direct = row;
          roundRows.push(row);
        }
      }
    }
    rounds.push(roundRows);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
  const numeric = ['rps', 'ttfbP50', 'ttfbP95', 'totalP50', 'totalP95', 'addedTtfbP50', 'addedTtfbP95', 'addedTotalP50', 'addedTotalP95'] as const;
  for (const [i, first] of rounds[0]!.entries()) {
    const row: Row = { ...first, requests: rounds.reduce((n, r) => n + r[i]!.requests, 0), errors: rounds.reduce((n, r) => n + r[i]!.errors, 0) };
    for (const field of numeric) row[field] = median(rounds.map((r) => r[i]![field]));
    rows.push(row);
  }
  /** Code Hub's added p50 over the bare pass-through's, per round (the concurrency-8 target is ≤ 1.5). */
  const ratios = rounds.map((r) =>
    (['non-stream', 'stream'] as const).map((mode) => {
      const of = (target: string) => r.find((x) => x.target === target && x.mode === mode && x.concurrency === 8)!;
      const [hubRow, bareRow] = [of('code hub'), of('bare pass-through')];
      return { mode, ttfb: hubRow.addedTtfbP50 / bareRow.addedTtfbP50, total: hubRow.addedTotalP50 / bareRow.addedTotalP50 };
    }),
  );

  const flushAll = async () => {
    await hub.proxy.settle.drain(60_000);
    await hub.services.limiter.flush();
  };
  await flushAll();
  await timedPost(`${hub.url}/v1/messages`, body(false), hubHeaders);
  await flushAll();
  const trips = await probe.measure(async () => {
    const t = await timedPost(`${hub.url}/v1/messages`, body(false), hubHeaders);
    if (t.status !== 200) throw new Error(`status ${t.status}`);
    await hub.services.writes.flush();
    await flushAll();
  }, upstream.lastReceivedAt);

  console.log(
    `\nProxy overhead (${REQUESTS} requests at c=1, ${REQUESTS * 2} at c=8 per round; ${ROUNDS} rounds, median of the rounds; fake upstream on 127.0.0.1; embedded store ${STORE === 'disk' ? 'on disk, as npm start keeps it' : 'in memory'})\n`,
  );
  console.log('| target | mode | c | req/s | TTFB p50 | TTFB p95 | total p50 | total p95 | added TTFB p50 | added TTFB p95 | added total p50 | added total p95 | errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const added = r.target === 'direct' ? ['—', '—', '—', '—'] : [r.addedTtfbP50, r.addedTtfbP95, r.addedTotalP50, r.addedTotalP95].map(fmt);
    console.log(
      `| ${r.target} | ${r.mode} | ${r.concurrency} | ${r.rps.toFixed(0)} | ${fmt(r.ttfbP50)} | ${fmt(r.ttfbP95)} | ${fmt(r.totalP50)} | ${fmt(r.totalP95)} | ${added.join(' | ')} | ${r.errors} |`,
    );
  }
  console.log('\nCode Hub added p50 / bare pass-through added p50 at c=8, per round (TTFB, total):');
  for (const mode of ['non-stream', 'stream'] as const) {
    const per = ratios.map((r) => r.find((x) => x.mode === mode)!);
    console.log(
      `  ${mode}: ${per.map((x) => `${x.ttfb.toFixed(2)}×, ${x.total.toFixed(2)}×`).join(' | ')}; median ${median(per.map((x) => x.ttfb)).toFixed(2)}× / ${median(per.map((x) => x.total)).toFixed(2)}×`,
    );
  }
  console.log(
    `\nStore operations per warm request: ${trips.beforeUpstream} before the upstream call in ${trips.sequentialBeforeUpstream} sequential round trip(s); ${trips.total} in all (${trips.byCommand}).`,
  );
  if (args.get('json')) writeFileSync(args.get('json')!, JSON.stringify({ rows, rounds, ratios, trips }, null, 2));

  await hub.stop();
  await bare.close();
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
