/**
 * Kernel hot-path benchmark (DESIGN.md §2, "Performance contract of the hot path").
 *
 * Packets go through a chain of ten OneToOneNodes linked out → in, written to the first node's
 * in-port with a fresh Process per packet, as a source would. The baseline calls the same ten
 * action functions directly in a loop (with one shared Process: plain code would have none).
 * Target: the chain runs at ≥ 0.3× the baseline's rate. Variants with a fan-out of 2 and with
 * one async action are reported for information; the async one is compared with the same
 * functions awaited directly. `chain-observed` is the chain with the ops plane's observer on
 * every link (a ProbedPort in front of each in-port, counting into OpsMetrics, no event
 * subscriber), as `weft start --ops` binds it; it is compared with `chain`.
 *
 * Each measurement runs in a fresh child process (as JMH forks): variants that share the
 * kernel's code in one isolate pollute each other's type feedback (the fan-out and async
 * variants make OutPort.write and OneToOneNode.receive polymorphic for the plain chain), which
 * measures the benchmark's own mix rather than the chain. `BENCH_SHARED=1` runs every variant in
 * this one process instead, for comparison.
 *
 * Run: `node bench/kernel.ts` (or `npm run bench:kernel`). Writes bench/results/kernel-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EventBus, OneToOneNode, OpsMetrics, OpsObserver, Packet, ProbedPort, Process, type Action, type InPort } from '../src/index.ts';
import { median, percentile } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const CHAIN_LENGTH = 10;
/** Index of the node that fans out to two in-ports, and of the node whose action is async. */
const FAN_OUT_AT = 4;
const ASYNC_AT = 5;
const ROUNDS = 7;
const ROUND_MS = { sync: 500, async: 400 };
const WARMUP_MS = 300;
const TARGET_RATIO = 0.3;

const increment: Action = (_process, packet) => new Packet((packet.payload as number) + 1);
const incrementAsync: Action = async (_process, packet) => new Packet((packet.payload as number) + 1);

/** The ten actions of the chain: all sync, or one async at ASYNC_AT. */
function actions(withAsync: boolean): Action[] {
  return Array.from({ length: CHAIN_LENGTH }, (_, i) => (withAsync && i === ASYNC_AT ? incrementAsync : increment));
}

/** Ten OneToOneNodes linked out → in; with `fanOut`, FAN_OUT_AT also feeds one extra node. */
function chain(list: readonly Action[], fanOut = false): OneToOneNode[] {
  const nodes = list.map((action) => new OneToOneNode(action));
  for (let i = 0; i < nodes.length - 1; i++) nodes[i]!.outPort.link(nodes[i + 1]!.inPort);
  if (fanOut) nodes[FAN_OUT_AT]!.outPort.link(new OneToOneNode(increment).inPort);
  return nodes;
}

/** The chain with every link going through the ops observer's probe (as the symbol table binds it with an observer). */
function observedChain(list: readonly Action[]): InPort {
  const observer = new OpsObserver({ namespace: 'bench', metrics: new OpsMetrics(), bus: new EventBus() });
  const nodes = list.map((action) => new OneToOneNode(action));
  const end = (i: number, port: string) => ({ node: `n${i}`, kind: 'one-to-one', port });
  for (let i = 0; i < nodes.length - 1; i++) {
    const probe = observer.probe({ namespace: 'bench', source: end(i, 'out'), target: end(i + 1, 'in') });
    nodes[i]!.outPort.link(new ProbedPort(nodes[i + 1]!.inPort, probe));
  }
  return nodes[0]!.inPort;
}

/** One variant: `run` sends one packet and returns a number (kept, so no work is optimised away). */
interface Variant {
  readonly name: string;
  readonly description: string;
  readonly kind: 'sync' | 'async';
  readonly run: () => number | Promise<number>;
}

const shared = new Process();
const syncActions = actions(false);
const asyncActions = actions(true);
const plain = chain(syncActions)[0]!.inPort;
const fanned = chain(syncActions, true)[0]!.inPort;
const awaited = chain(asyncActions)[0]!.inPort;
const observed = observedChain(syncActions);

const variants: readonly Variant[] = [
  {
    name: 'direct',
    description: 'the ten actions called in a loop',
    kind: 'sync',
    run: () => {
      let packet = new Packet(0);
      for (let i = 0; i < syncActions.length; i++) packet = syncActions[i]!(shared, packet) as Packet;
      return packet.payload as number;
    },
  },
  {
    name: 'chain',
    description: '10 OneToOneNodes, fresh Process per packet',
    kind: 'sync',
    run: () => (plain.handle(new Process(), new Packet(0)) as Packet).payload as number,
  },
  {
    name: 'chain-observed',
    description: 'the chain with the ops observer on every link',
    kind: 'sync',
    run: () => (observed.handle(new Process(), new Packet(0)) as Packet).payload as number,
  },
  {
    name: 'chain-fanout2',
    description: 'the chain with node 5 linked to 2 in-ports',
    kind: 'sync',
    run: () => ((fanned.handle(new Process(), new Packet(0)) as Packet).payload as number[])[0]!,
  },
  {
    name: 'direct-async',
    description: 'the ten actions, node 6 async, awaited in a loop',
    kind: 'async',
    run: async () => {
      let packet = new Packet(0);
      for (let i = 0; i < asyncActions.length; i++) {
        const reply = asyncActions[i]!(shared, packet);
        packet = reply instanceof Packet ? reply : await reply;
      }
      return packet.payload as number;
    },
  },
  {
    name: 'chain-async',
    description: 'the chain with node 6 async, awaited',
    kind: 'async',
    run: async () => (await awaited.handle(new Process(), new Packet(0))).payload as number,
  },
];

let sink = 0;

/** Runs a sync variant for `ms` milliseconds in batches and returns packets per second. */
function measureSync(run: () => number, ms: number): number {
  const batch = 1000;
  let ops = 0;
  const start = performance.now();
  const deadline = start + ms;
  let now = start;
  do {
    for (let i = 0; i < batch; i++) sink += run();
    ops += batch;
    now = performance.now();
  } while (now < deadline);
  return ops / ((now - start) / 1000);
}

/** Runs an async variant for `ms` milliseconds, one packet at a time, and returns packets per second. */
async function measureAsync(run: () => Promise<number>, ms: number): Promise<number> {
  const batch = 100;
  let ops = 0;
  const start = performance.now();
  const deadline = start + ms;
  let now = start;
  do {
    for (let i = 0; i < batch; i++) sink += await run();
    ops += batch;
    now = performance.now();
  } while (now < deadline);
  return ops / ((now - start) / 1000);
}

function measure(variant: Variant, ms: number): Promise<number> | number {
  return variant.kind === 'sync'
    ? measureSync(variant.run as () => number, ms)
    : measureAsync(variant.run as () => Promise<number>, ms);
}

/** Checks that every variant computes what it should before timing it. */
async function verify(): Promise<void> {
  for (const variant of variants) {
    const value = await variant.run();
    if (value !== CHAIN_LENGTH) throw new Error(`${variant.name} computed ${value}, expected ${CHAIN_LENGTH}`);
  }
}

const format = (opsPerSec: number): string => Math.round(opsPerSec).toLocaleString('en-US');

const SHARED = process.env.BENCH_SHARED === '1';

/** One measurement of `variant` in a fresh Node process: warm up, then measure; ops/s. */
function measureForked(variant: Variant): number {
  const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', variant.name], { encoding: 'utf8' });
  return Number(JSON.parse(output.trim().split('\n').at(-1)!).opsPerSec);
}

/** Child mode: measure one variant once and print `{"opsPerSec": …}`. */
async function child(name: string): Promise<void> {
  const variant = variants.find((entry) => entry.name === name)!;
  await measure(variant, WARMUP_MS);
  console.log(JSON.stringify({ opsPerSec: await measure(variant, ROUND_MS[variant.kind]), checksum: sink }));
}

async function main(): Promise<void> {
  await verify();
  const started = performance.now();
  if (SHARED) for (const variant of variants) await measure(variant, WARMUP_MS);

  const samples = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the variants, rotating who goes first, so drift and GC land on all of them.
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length]!;
      samples.get(variant.name)!.push(SHARED ? await measure(variant, ROUND_MS[variant.kind]) : measureForked(variant));
    }
  }

  const medians = Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]));
  const ratios = {
    chain: medians.chain! / medians.direct!,
    'chain-observed': medians['chain-observed']! / medians.chain!,
    'chain-fanout2': medians['chain-fanout2']! / medians.direct!,
    'chain-async': medians['chain-async']! / medians['direct-async']!,
  };
  const baselineOf: Record<string, string> = { chain: 'direct', 'chain-observed': 'chain', 'chain-fanout2': 'direct', 'chain-async': 'direct-async' };

  const rows = variants.map((variant) => {
    const values = samples.get(variant.name)!;
    const ratio = ratios[variant.name as keyof typeof ratios];
    return {
      variant: variant.name,
      'median ops/s': format(medians[variant.name]!),
      'p10–p90 ops/s': `${format(percentile(values, 10))}–${format(percentile(values, 90))}`,
      'vs baseline': ratio === undefined ? '' : `${ratio.toFixed(2)}× ${baselineOf[variant.name]}`,
      what: variant.description,
    };
  });
  console.log(`weft kernel benchmark: ${ROUNDS} rounds of ${ROUND_MS.sync} ms (sync) / ${ROUND_MS.async} ms (async) per variant, ${SHARED ? 'all variants in one process' : 'each measurement in a fresh process'}, ${process.version}`);
  console.table(rows);
  const pass = ratios.chain >= TARGET_RATIO;
  console.log(`chain / direct = ${ratios.chain.toFixed(2)}× (target ≥ ${TARGET_RATIO}×): ${pass ? 'PASS' : 'BELOW TARGET'}`);

  const file = writeResult('kernel', {
    config: { chainLength: CHAIN_LENGTH, fanOutAt: FAN_OUT_AT, asyncAt: ASYNC_AT, rounds: ROUNDS, roundMs: ROUND_MS, warmupMs: WARMUP_MS, isolation: SHARED ? 'shared' : 'process per measurement' },
    variants: Object.fromEntries(variants.map((variant) => [variant.name, {
      description: variant.description,
      medianOpsPerSec: medians[variant.name],
      samplesOpsPerSec: samples.get(variant.name),
    }])),
    ratios,
    target: { ratio: TARGET_RATIO, variant: 'chain', baseline: 'direct', pass },
    durationMs: Math.round(performance.now() - started),
    checksum: sink,
  });
  console.log(`results: ${file}`);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(process.argv[childAt + 1]!);
else await main();
