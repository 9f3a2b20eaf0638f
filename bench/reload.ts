// bench:reload — how fast a stored change is served, and whether reloads under load fail requests.
// For each store: (1) apply→serving latency: update the pong snippet 50 times, and for each
// measure the time from the committed write until HTTP answers with the new text (p50/p99);
// (2) 100 reloads under load: autocannon keeps requests flowing while listener, router and
// snippet specs are replaced in turn; every non-2xx answer or socket error counts as a failure.
// The engine reads its own store connection, the writer another (as `weft apply` would).
// Stores: memory, SQLite, PostgreSQL (BENCH_POSTGRES_URL, default the local server; skipped when
// unreachable) and MongoDB (BENCH_MONGODB_URL, a replica set; only when given).
// Targets: p99 ≤ 100 ms on the embedded stores, ≤ 250 ms on the networked ones; 0 failures.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { parse } from 'yaml';
import { createDefaultLanguages, Runtime, Scheme, type Spec, type SpecStore } from '../src/index.ts';
import { MemoryStore, openStore } from '../src/store/index.ts';
import { coreKinds } from '../schemes/core.ts';
import { median, percentile } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const APPLIES = Number(process.env.BENCH_APPLIES ?? 50);
const RELOADS = Number(process.env.BENCH_RELOADS ?? 100);

const ping = parse(readFileSync(new URL('../examples/ping.yaml', import.meta.url), 'utf8')) as Spec[];

interface StorePair {
  readonly name: string;
  readonly engine: SpecStore;
  readonly writer: SpecStore;
  readonly cleanup: () => void | Promise<void>;
}

async function memoryPair(): Promise<StorePair> {
  const store = new MemoryStore();
  return { name: 'memory', engine: store, writer: store, cleanup: () => {} };
}

async function sqlitePair(): Promise<StorePair> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const url = `sqlite://${join(dir, 'weft.db')}`;
  return { name: 'sqlite', engine: await openStore(url), writer: await openStore(url), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A scratch schema on the PostgreSQL server, dropped afterwards; undefined when the server does not answer. */
async function postgresPair(): Promise<StorePair | undefined> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (thrown) {
    console.log(`postgres skipped: ${POSTGRES_URL} does not answer (${(thrown as Error).message}); set BENCH_POSTGRES_URL`);
    return undefined;
  }
  const schema = `weft_bench_${Date.now()}`;
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return {
    name: 'postgres',
    engine: await openStore(url.href),
    writer: await openStore(url.href),
    cleanup: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

/** A MongoDB replica set named by BENCH_MONGODB_URL (a collection of its own); undefined without it. */
async function mongodbPair(): Promise<StorePair | undefined> {
  const given = process.env.BENCH_MONGODB_URL;
  if (given === undefined || given === '') {
    console.log('mongodb skipped: set BENCH_MONGODB_URL to a replica set (no mongod on this machine)');
    return undefined;
  }
  const url = new URL(given);
  url.searchParams.set('weftCollection', `weft_bench_${Date.now()}`);
  return { name: 'mongodb', engine: await openStore(url.href), writer: await openStore(url.href), cleanup: () => {} };
}

/** The apply→serving p99 target of a store: embedded stores 100 ms, networked ones 250 ms. */
const targetP99 = (store: string): number => (store === 'memory' || store === 'sqlite' ? 100 : 250);

async function get(url: string): Promise<string> {
  const response = await fetch(url);
  return response.text();
}

async function bench(pair: StorePair): Promise<Record<string, unknown>> {
  const namespace = `bench-${Date.now()}`;
  const specs = ping.map((spec) => (spec.kind === 'listener' ? { ...spec, port: 0, host: '127.0.0.1' } : spec)).map((spec) => ({ ...spec, namespace }));
  await pair.writer.insert(specs);
  const runtime = new Runtime({ namespace, store: pair.engine, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), closeStore: false });
  await runtime.start();
  const listener = runtime.table.byName('listener')!.node as unknown as { port: number };
  const url = `http://127.0.0.1:${listener.port}/ping`;
  const stored = async (name: string) => (await pair.writer.find({ namespace, name }))[0]!;

  const latencies: number[] = [];
  for (let i = 0; i < APPLIES; i++) {
    const pong = await stored('pong');
    const text = `pong ${i}`;
    await pair.writer.update([{ ...pong, code: text }]);
    const committed = performance.now();
    const deadline = committed + 5000;
    while ((await get(url)) !== text) {
      if (performance.now() > deadline) throw new Error(`apply ${i} not served after 5 s`);
    }
    latencies.push(performance.now() - committed);
  }

  let reloads = 0;
  let finished!: (result: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>((resolve) => (finished = resolve));
  const load = autocannon({ url, connections: 16, duration: 600 }, (_error, result) => finished(result));
  const reloading = (async () => {
    const order = ['listener', 'router', 'pong'];
    for (let i = 0; i < RELOADS; i++) {
      const current = await stored(order[i % 3]!);
      await pair.writer.update([{ ...current, annotations: { reload: String(i) } }]);
      reloads++;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  })();
  await reloading;
  await new Promise((resolve) => setTimeout(resolve, 300));
  load.stop();
  const result = await done;
  await runtime.close();
  await pair.engine.close();
  if (pair.writer !== pair.engine) await pair.writer.close();
  await pair.cleanup();
  return {
    applyToServingMs: { p50: median(latencies), p99: percentile(latencies, 99), max: Math.max(...latencies), samples: latencies.length },
    underLoad: { reloads, requests: result.requests.total, failures: result.errors + result.non2xx + result.timeouts, rps: result.requests.average },
  };
}

const results: Record<string, Record<string, unknown>> = {};
for (const make of [memoryPair, sqlitePair, postgresPair, mongodbPair]) {
  const pair = await make();
  if (pair === undefined) continue;
  results[pair.name] = await bench(pair);
  const r = results[pair.name] as { applyToServingMs: { p50: number; p99: number }; underLoad: { reloads: number; requests: number; failures: number } };
  console.log(
    `${pair.name.padEnd(8)} apply→serving p50 ${r.applyToServingMs.p50.toFixed(1)} ms, p99 ${r.applyToServingMs.p99.toFixed(1)} ms (target ≤ ${targetP99(pair.name)}); ` +
      `${r.underLoad.reloads} reloads under load: ${r.underLoad.requests} requests, ${r.underLoad.failures} failed`,
  );
}
const pass = Object.entries(results).every(([store, r]) => {
  const x = r as { applyToServingMs: { p99: number }; underLoad: { failures: number } };
  return x.applyToServingMs.p99 <= targetP99(store) && x.underLoad.failures === 0;
});
console.log(`targets (p99 ≤ 100 ms embedded / 250 ms networked, 0 failures): ${pass ? 'PASS' : 'MISSED'}`);
console.log(`wrote ${writeResult('reload', { applies: APPLIES, reloads: RELOADS, results, target: { p99Ms: { memory: 100, sqlite: 100, postgres: 250, mongodb: 250 }, failures: 0 }, pass })}`);
