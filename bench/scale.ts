// bench:scale — how the loader copes with large namespaces (SQLite, the embedded default).
// Each scenario runs in a fresh Node process (this script re-invoked with --scenario), so heap
// figures are its own. Specs are text snippets in chains of 10 (each links out → the next), plus
// the ping workflow (listener → router → snippet) that serves requests meanwhile.
//   cold      N specs stored, then `Runtime.start`: time until it resolves and the first
//             request answers; heap after a GC (for N = 10 000 and 100 000: memory ∝ N?).
//   change    in a loaded 10 000-spec namespace, one spec updated 30 times: write → applied
//             (the loader's `loaded` event), median and max; on the memory store (the loader's
//             own work) and on SQLite (plus its 10 ms change-log poll).
//   apply     a running engine with only the ping workflow; 10 000 specs written in one
//             transaction while a client sends a request every 2 ms: the worst request latency
//             during the apply against the baseline median before it, and the time to apply.
// Targets (issue 16): cold 10 000 ≤ 2 s; one change ≤ 10 ms; no request waits more than 50 ms
// longer than its baseline while 10 000 specs are applied; 100 000 load with linear memory.
// BENCH_SCALE_SIZES=10000,100000 chooses the cold sizes; BENCH_SCALE_APPLY=10000 the apply size.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDefaultLanguages, Runtime, Scheme, type LoaderEvent, type Spec, type SpecStore } from '../src/index.ts';
import { openStore } from '../src/store/index.ts';
import { coreKinds } from '../schemes/core.ts';
import { median, percentile } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const CHAIN = 10;

/** N text snippets in chains of CHAIN, named f-<i>. */
function fillers(count: number, prefix = 'f'): Spec[] {
  return Array.from({ length: count }, (_, i) => {
    const spec: Spec = { kind: 'snippet', name: `${prefix}-${i}`, language: 'text', code: `filler ${i}` };
    if ((i + 1) % CHAIN !== 0 && i + 1 < count) spec.links = { out: [{ name: `${prefix}-${i + 1}`, port: 'in' }] };
    return spec;
  });
}

function ping(): Spec[] {
  return [
    { kind: 'listener', name: 'listener', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'router', port: 'in' }] } },
    { kind: 'router', name: 'router', routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }], links: { 'out[0]': [{ name: 'pong', port: 'in' }] } },
    { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
  ];
}

interface Engine {
  readonly runtime: Runtime;
  readonly events: LoaderEvent[];
  readonly listeners: ((event: LoaderEvent) => void)[];
  url(): string;
}

function engine(store: SpecStore): Engine {
  const events: LoaderEvent[] = [];
  const listeners: ((event: LoaderEvent) => void)[] = [];
  const runtime = new Runtime({
    store,
    scheme: new Scheme({ kinds: coreKinds }),
    languages: createDefaultLanguages(),
    onEvent: (event) => {
      for (const listener of listeners) listener(event);
    },
  });
  return {
    runtime,
    events,
    listeners,
    url: () => {
      const symbol = runtime.table.byName('listener');
      const port = (symbol?.node as unknown as { port?: number }).port;
      return `http://127.0.0.1:${port}/ping`;
    },
  };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function scratchStore(): Promise<{ url: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-scale-'));
  return { url: `sqlite://${join(dir, 'weft.db')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function cold(size: number): Promise<Record<string, number | string>> {
  const scratch = await scratchStore();
  const writer = await openStore(scratch.url);
  await writer.insert([...ping(), ...fillers(size)]);
  await writer.close();
  const baseHeap = heapMb();
  const store = await openStore(scratch.url);
  const started = performance.now();
  const e = engine(store);
  await e.runtime.start();
  const startMs = performance.now() - started;
  const response = await fetch(e.url());
  await response.text();
  const firstRequestMs = performance.now() - started;
  const heap = heapMb() - baseHeap;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  await e.runtime.close();
  scratch.cleanup();
  return { size, startMs, firstRequestMs, heapMb: heap, heapKbPerSpec: (heap * 1024) / size, rssMb };
}

async function change(size: number, memory: boolean, rounds = 30): Promise<Record<string, number | string>> {
  const scratch = memory ? { url: 'memory://', cleanup: () => {} } : await scratchStore();
  const writer = await openStore(scratch.url);
  await writer.insert([...ping(), ...fillers(size)]);
  // The memory store's feed is the write itself: what is left is the loader's own work. SQLite
  // adds its poll (every 20 ms, another process's commit is seen at the next tick).
  const e = engine(memory ? writer : await openStore(scratch.url));
  await e.runtime.start();
  let [target] = await writer.find({ name: `f-${Math.floor(size / 2)}` });
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const applied = new Promise<number>((resolve) => {
      e.listeners.push((event) => {
        if (event.type === 'loaded' && event.id === target!.id) resolve(performance.now());
      });
    });
    const written = performance.now();
    [target] = await writer.update([{ ...target!, code: `changed ${round}` }]);
    samples.push((await applied) - written);
    e.listeners.length = 0;
  }
  await e.runtime.close();
  if (!memory) await writer.close();
  scratch.cleanup();
  return { size, store: memory ? 'memory' : 'sqlite', rounds, medianMs: median(samples), p90Ms: percentile(samples, 90), maxMs: Math.max(...samples) };
}

async function applyUnderLoad(size: number): Promise<Record<string, number | string>> {
  const scratch = await scratchStore();
  const writer = await openStore(scratch.url);
  await writer.insert(ping());
  const e = engine(await openStore(scratch.url));
  await e.runtime.start();
  const url = e.url();
  const request = async (): Promise<number> => {
    const begun = performance.now();
    const response = await fetch(url);
    await response.text();
    if (response.status !== 200) throw new Error(`ping answered ${response.status}`);
    return performance.now() - begun;
  };
  const baseline: number[] = [];
  for (let i = 0; i < 200; i++) baseline.push(await request());
  const lastName = `g-${size - 1}`;
  const allApplied = new Promise<number>((resolve) => {
    e.listeners.push((event) => {
      if (event.type === 'loaded' && event.name === lastName) resolve(performance.now());
    });
  });
  let applying = true;
  const during: number[] = [];
  let failures = 0;
  const load = (async () => {
    while (applying) {
      try {
        during.push(await request());
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  // The specs are written by another process, as `weft apply` would: only the engine's own work
  // counts against its requests.
  const written = performance.now();
  await writeFromChild(scratch.url, size);
  const committedMs = performance.now() - written;
  const appliedMs = (await allApplied) - written;
  await new Promise((resolve) => setTimeout(resolve, 100));
  applying = false;
  await load;
  await e.runtime.close();
  await writer.close();
  scratch.cleanup();
  const baselineMedian = median(baseline);
  return {
    size,
    committedMs,
    appliedMs,
    baselineMedianMs: baselineMedian,
    requestsDuring: during.length,
    failures,
    p99DuringMs: percentile(during, 99),
    maxDuringMs: Math.max(...during),
    worstExtraMs: Math.max(...during) - baselineMedian,
  };
}

/** Inserts `size` g-fillers into the store at `url` from a child process, in one write. */
function writeFromChild(url: string, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--write', url, String(size)], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`))));
  });
}

async function runScenario(name: string, size: number): Promise<Record<string, number | string>> {
  if (name === 'cold') return cold(size);
  if (name === 'change') return change(size, false);
  if (name === 'change-memory') return change(size, true);
  if (name === 'apply') return applyUnderLoad(size);
  throw new Error(`unknown scenario ${name}`);
}

const args = process.argv.slice(2);
if (args[0] === '--write') {
  const writer = await openStore(args[1]!);
  await writer.insert(fillers(Number(args[2]), 'g'));
  await writer.close();
  process.exit(0);
}
if (args[0] === '--scenario') {
  const result = await runScenario(args[1]!, Number(args[2]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const timeoutMs = Number(process.env.BENCH_SCALE_TIMEOUT_MS ?? 600_000);
function child(name: string, size: number): Record<string, number | string> {
  try {
    const out = execFileSync(process.execPath, ['--expose-gc', self, '--scenario', name, String(size)], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | string>;
  } catch (thrown) {
    return { error: (thrown as Error).message.split('\n')[0]! };
  }
}

const sizes = (process.env.BENCH_SCALE_SIZES ?? '10000,100000').split(',').map(Number);
const applySize = Number(process.env.BENCH_SCALE_APPLY ?? 10_000);
const results: Record<string, unknown> = { cold: [] as unknown[] };
for (const size of sizes) {
  const result = child('cold', size);
  (results.cold as unknown[]).push(result);
  console.log(`cold ${size}:`, result);
}
results.change = [child('change-memory', sizes[0]!), child('change', sizes[0]!)];
console.log(`one change in ${sizes[0]} (memory, sqlite):`, results.change);
results.apply = child('apply', applySize);
console.log(`apply ${applySize} under load:`, results.apply);
console.log(`results: ${writeResult('scale', results)}`);
