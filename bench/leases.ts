/**
 * Leases benchmark: the latency of `acquireLease` on each shared store, as a `leader: true`
 * schedule pays it (twice per tick: renew, then record the tick), and the takeover latency
 * after a holder stops renewing. Each store: N renewals by one holder (p50/p99 µs, calls/s),
 * N concurrent acquire attempts of 4 holders on fresh keys (one wins each), and a takeover
 * with a 300 ms lease polled every 10 ms (ms from expiry to the new holder).
 *
 * Run: `npm run bench:leases` (N=2000; `BENCH_LEASES` to change). PostgreSQL is skipped with a
 * line when it does not answer on 127.0.0.1:5432.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, PostgresStore, SqliteStore, type SpecStore } from '../src/index.ts';
import { writeResult } from './lib/write-result.ts';

const N = Number(process.env.BENCH_LEASES ?? 2000);
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test?schema=weft_bench_leases';

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function measure(name: string, open: () => Promise<SpecStore>): Promise<Record<string, number>> {
  const store = await open();
  const others = await Promise.all([0, 1, 2].map(() => open()));
  try {
    const key = `bench-${Date.now()}`;
    const times: number[] = [];
    const started = performance.now();
    for (let index = 0; index < N; index++) {
      const at = performance.now();
      await store.acquireLease(key, 'holder', 15_000, index % 2 === 0 ? undefined : { last: new Date().toISOString() });
      times.push((performance.now() - at) * 1000);
    }
    const perSecond = N / ((performance.now() - started) / 1000);
    times.sort((a, b) => a - b);

    const raceStarted = performance.now();
    const rounds = Math.max(1, Math.floor(N / 10));
    for (let round = 0; round < rounds; round++) {
      const raceKey = `race-${Date.now()}-${round}`;
      const won = (await Promise.all([store, ...others].map((each, which) => each.acquireLease(raceKey, `h${which}`, 15_000)))).filter((lease) => lease !== null);
      if (won.length !== 1) throw new Error(`${name}: ${won.length} winners`);
    }
    const raceMs = (performance.now() - raceStarted) / rounds;

    const takeKey = `take-${Date.now()}`;
    const held = await store.acquireLease(takeKey, 'old', 300);
    const expiry = performance.now() + 300;
    while ((await others[0]!.acquireLease(takeKey, 'new', 15_000)) === null) await new Promise((resolve) => setTimeout(resolve, 10));
    const takeoverMs = performance.now() - expiry;
    void held;
    const figures = { p50us: Math.round(percentile(times, 0.5)), p99us: Math.round(percentile(times, 0.99)), callsPerSecond: Math.round(perSecond), raceRoundMs: Number(raceMs.toFixed(2)), takeoverAfterExpiryMs: Math.round(takeoverMs) };
    console.log(`${name.padEnd(9)} renew p50 ${figures.p50us} µs, p99 ${figures.p99us} µs, ${figures.callsPerSecond} calls/s; 4-way race ${figures.raceRoundMs} ms/round; takeover ${figures.takeoverAfterExpiryMs} ms after expiry`);
    return figures;
  } finally {
    await Promise.all([store, ...others].map((each) => each.close()));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'weft-bench-leases-'));
const results: Record<string, Record<string, number>> = {};
try {
  const memory = new MemoryStore();
  results.memory = await measure('memory', async () => memory);
  results.sqlite = await measure('sqlite', async () => new SqliteStore({ path: join(dir, 'weft.db') }));
  try {
    const probe = await PostgresStore.open({ url: POSTGRES, connectTimeoutMs: 2000 });
    await probe.close();
    results.postgres = await measure('postgres', () => PostgresStore.open({ url: POSTGRES }));
  } catch (thrown) {
    console.log(`postgres  skipped: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`results: ${writeResult('leases', { n: N, results })}`);
