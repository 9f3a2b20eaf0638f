/**
 * Pipeline benchmark (issue 14, seed 001: "with batching (size=100) … throughput increases 3x"):
 * events/s through examples/pipeline/pipeline.yaml (file source → parse → rules → aggregate →
 * sink, one namespace) with batches of 1, 10 and 100, beside a hand-written Node loop doing the
 * same five stages over the same file, and the five-engine split (examples/pipeline/split/, one
 * `weft start` per stage, connected by NATS JetStream) with batches of 100. The one-namespace
 * runs go once per sandbox mode of the javascript snippets (parse and rules): `process` (the
 * default: calls cross a pipe to a sandbox process) and `in-process` (isolates in the engine).
 *
 * Every run reads the same generated file (examples/pipeline/events.ts); batch 1 reads its first
 * BENCH_PIPELINE_BATCH1_EVENTS lines only (default 100 000: a million single-event processes take
 * minutes on a shared machine; events/s are comparable). The one-namespace figure is the file
 * source's own `ms` (first read to last process ended: engine start-up left out); the hand loop
 * is timed from opening the file to writing its results; the split variant from spawning the
 * ingest engine (start-up included) to the sink's metrics line.
 *
 * Run: `npm run bench:pipeline`. BENCH_PIPELINE_EVENTS (default 1 000 000),
 * BENCH_PIPELINE_BATCH1_EVENTS, BENCH_PIPELINE_SANDBOX (`process,in-process`),
 * BENCH_PIPELINE_SPLIT=0 (leave out the NATS variant; it is skipped with a line when NATS does
 * not answer on 127.0.0.1:4222).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../src/index.ts';
import { coreKinds } from '../schemes/core.ts';
import { writeEvents } from '../examples/pipeline/events.ts';
import { writeResult } from './lib/write-result.ts';

const N = Number(process.env.BENCH_PIPELINE_EVENTS ?? 1_000_000);
const N1 = Math.min(N, Number(process.env.BENCH_PIPELINE_BATCH1_EVENTS ?? 100_000));
const SANDBOXES = (process.env.BENCH_PIPELINE_SANDBOX ?? 'process,in-process').split(',') as ('process' | 'in-process')[];
const SPLIT = process.env.BENCH_PIPELINE_SPLIT !== '0';
const BATCHES = [1, 10, 100] as const;
const NATS = 'nats://127.0.0.1:4222';
const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'weft-bench-pipeline-'));

/** One measured run. */
interface Figure {
  readonly variant: string;
  readonly batch?: number;
  readonly sandbox?: string;
  readonly events: number;
  readonly ms: number;
  readonly eventsPerS: number;
  readonly aggregated: number;
  /** The hand loop's events/s measured just before this run (the machine's load changes over a run). */
  readonly handEventsPerS?: number;
}

function figure(variant: string, events: number, ms: number, aggregated: number, extra: { batch?: number; sandbox?: string } = {}): Figure {
  return { variant, ...extra, events, ms: Math.round(ms), eventsPerS: Math.round((events * 1000) / ms), aggregated };
}

function eventsFile(name: string, count: number): string {
  const path = join(work, name);
  writeFileSync(path, '');
  const out = createWriteStream(path);
  writeEvents(count, (text) => out.write(text));
  out.end();
  return path;
}

/** The five stages written by hand: read, JSON.parse, validate + structure, drop views + enrich, aggregate; dead letters and results to files. */
async function handLoop(file: string): Promise<Figure> {
  const out = join(work, 'hand');
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const dead = createWriteStream(join(out, 'dead-letter.ndjson'));
  const groups = new Map<string, { count: number; sum: number[]; min: number[]; max: number[] }>();
  let lines = 0;
  let aggregated = 0;
  let deadLines: string[] = [];
  const handle = (line: string): void => {
    lines++;
    if (line.trim().length === 0) return;
    let e: { id?: unknown; type?: unknown; user?: unknown; value?: unknown };
    try {
      e = JSON.parse(line) as typeof e;
    } catch (thrown) {
      deadLines.push(JSON.stringify({ line: lines, reason: (thrown as Error).message, text: line }));
      return;
    }
    const reason = e === null || typeof e !== 'object' || Array.isArray(e) ? 'not an object'
      : typeof e.type !== 'string' ? 'type must be a string'
      : typeof e.user !== 'string' ? 'user must be a string'
      : typeof e.value !== 'number' || !Number.isFinite(e.value) ? 'value must be a number'
      : undefined;
    if (reason !== undefined) {
      deadLines.push(JSON.stringify({ reason, record: e }));
      return;
    }
    const event = { id: e.id, type: e.type as string, user: e.user as string, value: e.value as number };
    if (event.type === 'view') return;
    const enriched = { type: event.type, user: event.user, value: event.value, revenue: event.type === 'purchase' ? event.value : 0 };
    let group = groups.get(enriched.type);
    if (group === undefined) groups.set(enriched.type, (group = { count: 0, sum: [0, 0], min: [Infinity, Infinity], max: [-Infinity, -Infinity] }));
    group.count++;
    const values = [enriched.value, enriched.revenue];
    for (let v = 0; v < 2; v++) {
      group.sum[v]! += values[v]!;
      if (values[v]! < group.min[v]!) group.min[v] = values[v]!;
      if (values[v]! > group.max[v]!) group.max[v] = values[v]!;
    }
    aggregated++;
  };
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      handle(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
    if (deadLines.length > 0) {
      dead.write(`${deadLines.join('\n')}\n`);
      deadLines = [];
    }
  }
  if (rest.length > 0) handle(rest);
  if (deadLines.length > 0) dead.write(`${deadLines.join('\n')}\n`);
  await new Promise<void>((resolve) => dead.end(resolve));
  const results = Object.fromEntries([...groups].map(([type, group]) => [type, { count: group.count, sum: group.sum, avg: group.sum.map((sum) => sum / group.count), min: group.min, max: group.max }]));
  writeFileSync(join(out, 'results.ndjson'), `${JSON.stringify({ records: aggregated, groups: results })}\n`);
  return figure('hand loop', lines, performance.now() - started, aggregated);
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** examples/pipeline/pipeline.yaml in one runtime over `file` with `batch`. */
async function oneNamespace(file: string, events: number, batch: number, sandbox: 'process' | 'in-process'): Promise<Figure> {
  const out = join(work, `one-${batch}-${sandbox}`);
  mkdirSync(out, { recursive: true });
  const specs = (parse(readFileSync(join(root, 'examples/pipeline/pipeline.yaml'), 'utf8')) as Spec[]).map((spec) => {
    if (spec.kind === 'file') return { ...spec, path: file, batch: { size: batch } };
    if (spec.kind === 'file-sink') return { ...spec, path: join(out, (spec as { path?: string }).path === '-' ? 'metrics.ndjson' : String((spec as { path?: string }).path)) };
    return spec;
  });
  const store = new MemoryStore();
  await store.insert(specs);
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages({ javascript: { isolation: sandbox } }), drainTimeoutMs: 10_000 });
  await runtime.start();
  let text = '';
  while (!(text = readOr(join(out, 'metrics.ndjson'))).endsWith('\n')) await new Promise((resolve) => setTimeout(resolve, 10));
  await runtime.close();
  const metrics = (JSON.parse(text) as { metrics: { ms: number; aggregated: number } }).metrics;
  return figure('one namespace', events, metrics.ms, metrics.aggregated, { batch, sandbox });
}

async function natsAnswers(): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 4222 });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One `weft start` engine of the split pipeline; resolves its output lines as they come through `onLine`. */
function engine(stage: string, cwd: string, onLine: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'cli/weft.ts'), 'start', '--store', 'memory://', '-n', stage, '-f', `${stage}.yaml`, '--log-level', 'info', '--sandbox', 'in-process'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${stage}] ${chunk.toString('utf8')}`));
  return child;
}

/** examples/pipeline/split/: five engines (one namespace each) linked by NATS subjects of this run's own. */
async function split(file: string, events: number): Promise<Figure> {
  const out = join(work, 'split');
  mkdirSync(out, { recursive: true });
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const stages = ['sink', 'aggregate', 'rules', 'parse', 'ingest'] as const;
  for (const stage of stages) {
    const text = readFileSync(join(root, `examples/pipeline/split/${stage}.yaml`), 'utf8').replace(/pipeline\.(parse|rules|aggregate|sink)/g, `${prefix}.$1`).replace('path: events.ndjson', `path: ${file}`);
    writeFileSync(join(out, `${stage}.yaml`), text);
  }
  const children: ChildProcess[] = [];
  let consuming = 0;
  let metrics: { aggregated: number } | undefined;
  try {
    for (const stage of stages.slice(0, 4)) {
      children.push(engine(stage, out, (line) => {
        if (line.includes('"msg":"consuming"')) consuming++;
        if (line.startsWith('{"metrics"')) metrics = (JSON.parse(line) as { metrics: { aggregated: number } }).metrics;
      }));
    }
    const deadline = Date.now() + 60_000;
    while (consuming < 4) {
      if (Date.now() > deadline) throw new Error('the split engines did not start consuming in 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const started = performance.now();
    children.push(engine('ingest', out, () => undefined));
    while (metrics === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    return figure('five engines over NATS', events, performance.now() - started, metrics.aggregated, { batch: 100, sandbox: 'in-process' });
  } finally {
    await Promise.all(children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
  }
}

const full = eventsFile('events.ndjson', N);
const small = N1 === N ? full : eventsFile('events-batch1.ndjson', N1);
const figures: Figure[] = [];
const print = (entry: Figure): void => {
  figures.push(entry);
  const label = `${entry.variant}${entry.batch === undefined ? '' : ` batch ${entry.batch}`}${entry.sandbox === undefined ? '' : ` (${entry.sandbox})`}`;
  console.log(`${label.padEnd(44)} ${String(entry.events).padStart(8)} events ${String(entry.ms).padStart(7)} ms ${String(entry.eventsPerS).padStart(9)} events/s`);
};
try {
  const hand = await handLoop(full);
  print(hand);
  for (const sandbox of SANDBOXES) {
    for (const batch of BATCHES) {
      // The hand loop again just before: a ratio compares two runs under the same load.
      const paired = batch === 1 ? hand : await handLoop(full);
      if (batch !== 1) print(paired);
      const entry = await oneNamespace(batch === 1 ? small : full, batch === 1 ? N1 : N, batch, sandbox);
      if ((batch !== 1 || N1 === N) && entry.aggregated !== hand.aggregated) throw new Error(`batch ${batch} (${sandbox}) aggregated ${entry.aggregated} events, the hand loop ${hand.aggregated}`);
      print({ ...entry, handEventsPerS: paired.eventsPerS });
    }
  }
  if (!SPLIT) console.log('five engines over NATS: left out (BENCH_PIPELINE_SPLIT=0)');
  else if (!(await natsAnswers())) console.log(`five engines over NATS: skipped, nothing answers on ${NATS}`);
  else {
    const entry = await split(full, N);
    if (entry.aggregated !== hand.aggregated) throw new Error(`the split pipeline aggregated ${entry.aggregated} events, the hand loop ${hand.aggregated}`);
    print(entry);
  }
  const ratios: Record<string, number> = {};
  for (const sandbox of SANDBOXES) {
    const run = (batch: number): Figure => figures.find((entry) => entry.variant === 'one namespace' && entry.batch === batch && entry.sandbox === sandbox)!;
    const rate = (batch: number): number => run(batch).eventsPerS;
    ratios[`${sandbox}: batch 100 / hand loop just before (target >= 0.5)`] = Number((rate(100) / run(100).handEventsPerS!).toFixed(3));
    ratios[`${sandbox}: batch 10 / hand loop just before`] = Number((rate(10) / run(10).handEventsPerS!).toFixed(3));
    ratios[`${sandbox}: batch 100 / batch 1 (target >= 3)`] = Number((rate(100) / rate(1)).toFixed(2));
    ratios[`${sandbox}: batch 10 / batch 1`] = Number((rate(10) / rate(1)).toFixed(2));
  }
  for (const [name, value] of Object.entries(ratios)) console.log(`${name.padEnd(52)} ${value}`);
  console.log(`results: ${writeResult('pipeline', { events: N, batch1Events: N1, figures, ratios })}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
