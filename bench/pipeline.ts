/**
 * Pipeline benchmark (issue 14, seed 001: "with batching (size=100) … throughput increases 3x"):
 * events/s through examples/pipeline/pipeline.yaml (file source → parse → rules → aggregate →
 * sink, one namespace; parse and rules are CEL over the batch, run by the CEL fast path in the
 * engine) with batches of 1, 10 and 100, beside a hand-written Node loop doing the same five
 * stages over the same file; examples/pipeline/pipeline-js.yaml (parse and rules in javascript)
 * with batches of 100, once per sandbox mode (`process`: calls cross a pipe to a sandbox
 * process; `in-process`: isolates in the engine); and the five-engine split
 * (examples/pipeline/split/ under `weft up -c split/weft.config.yaml`, connected by NATS
 * JetStream) with batches of 100.
 *
 * Every run reads the same generated file (examples/pipeline/events.ts); batch 1 reads its first
 * BENCH_PIPELINE_BATCH1_EVENTS lines only (default 100 000: a million single-event processes take
 * minutes on a shared machine; events/s are comparable). The one-namespace figure is the file
 * source's own `ms` (first read to last process ended: engine start-up left out); the hand loop
 * is timed from opening the file to writing its results; the split variant by the file
 * source's `ms` of the ingest engine (first read to the last batch published) and from the
 * start of `weft up` to the sink's metrics line (start-up of five engines included).
 *
 * Run: `npm run bench:pipeline`. BENCH_PIPELINE_EVENTS (default 1 000 000),
 * BENCH_PIPELINE_BATCH1_EVENTS, BENCH_PIPELINE_SANDBOX (of the javascript variant:
 * `process,in-process`; empty leaves it out), BENCH_PIPELINE_SPLIT=0 (leave out the NATS
 * variant; it is skipped with a line when NATS does not answer on 127.0.0.1:4222).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../src/index.ts';
import { coreKinds } from '../schemes/core.ts';
import { writeEvents } from '../examples/pipeline/events.ts';
import { copySplit } from '../examples/pipeline/split-copy.ts';
import { writeResult } from './lib/write-result.ts';

const N = Number(process.env.BENCH_PIPELINE_EVENTS ?? 1_000_000);
const N1 = Math.min(N, Number(process.env.BENCH_PIPELINE_BATCH1_EVENTS ?? 100_000));
const SANDBOXES = (process.env.BENCH_PIPELINE_SANDBOX ?? 'process,in-process').split(',').filter((mode) => mode !== '') as ('process' | 'in-process')[];
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

/** examples/pipeline/EXAMPLE in one runtime over `file` with `batch` (`sandbox`: of its javascript snippets, if any). */
async function oneNamespace(example: 'pipeline.yaml' | 'pipeline-js.yaml', file: string, events: number, batch: number, sandbox: 'process' | 'in-process' = 'in-process'): Promise<Figure> {
  const out = join(work, `one-${example}-${batch}-${sandbox}`);
  mkdirSync(out, { recursive: true });
  const specs = (parse(readFileSync(join(root, 'examples/pipeline', example), 'utf8')) as Spec[]).map((spec) => {
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
  return example === 'pipeline.yaml' ? figure('one namespace, cel', events, metrics.ms, metrics.aggregated, { batch })
    : figure('one namespace, javascript', events, metrics.ms, metrics.aggregated, { batch, sandbox });
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

/** Each complete line of a file that grows, given once to `onLine` (polled every 20 ms until `done` is true). */
async function follow(path: string, onLine: (line: string) => void, done: () => boolean): Promise<void> {
  let seen = 0;
  while (!done()) {
    const text = readOr(path);
    const end = text.lastIndexOf('\n') + 1;
    if (end > seen) {
      for (const line of text.slice(seen, end).split('\n')) if (line !== '') onLine(line);
      seen = end;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** examples/pipeline/split/ under `weft up`: five supervised engines linked by NATS subjects of this run's own. */
async function split(file: string, events: number): Promise<Figure[]> {
  const out = join(work, 'split');
  mkdirSync(out, { recursive: true });
  copySplit(out, { prefix: `bench-${randomUUID().slice(0, 8)}` });
  symlinkSync(file, join(out, 'events.ndjson'));
  const started = performance.now();
  const up = spawn(process.execPath, [join(root, 'cli/weft.ts'), 'up', '-c', join(out, 'weft.config.yaml'), '--no-standby'], { cwd: out, stdio: ['ignore', 'ignore', 'pipe'] });
  up.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[weft up] ${chunk.toString('utf8')}`));
  let metrics: { aggregated: number; ms: number } | undefined;
  let finished: number | undefined;
  let exited = false;
  up.once('exit', () => (exited = true));
  try {
    const deadline = Date.now() + 600_000;
    await follow(join(out, '.weft/run/logs/sink.0.log'), (line) => {
      if (!line.startsWith('{"metrics"')) return;
      metrics = (JSON.parse(line) as { metrics: { aggregated: number; ms: number } }).metrics;
      finished = performance.now();
    }, () => {
      if (exited) throw new Error('weft up exited before the sink printed its metrics');
      if (Date.now() > deadline) throw new Error('the split pipeline printed no metrics in 600 s');
      return metrics !== undefined;
    });
  } finally {
    if (!exited) await new Promise<void>((resolve) => {
      up.once('exit', () => resolve());
      up.kill('SIGTERM');
    });
  }
  return [
    figure('five engines (weft up), ingest read', events, metrics!.ms, metrics!.aggregated, { batch: 100 }),
    figure('five engines (weft up), start to metrics', events, finished! - started, metrics!.aggregated, { batch: 100 }),
  ];
}

const full = eventsFile('events.ndjson', N);
const small = N1 === N ? full : eventsFile('events-batch1.ndjson', N1);
const figures: Figure[] = [];
const print = (entry: Figure): void => {
  figures.push(entry);
  const label = `${entry.variant}${entry.batch === undefined ? '' : ` batch ${entry.batch}`}${entry.sandbox === undefined ? '' : ` (${entry.sandbox})`}`;
  console.log(`${label.padEnd(56)} ${String(entry.events).padStart(8)} events ${String(entry.ms).padStart(7)} ms ${String(entry.eventsPerS).padStart(9)} events/s`);
};
try {
  const hand = await handLoop(full);
  print(hand);
  const check = (entry: Figure, events: number): void => {
    if (events === N && entry.aggregated !== hand.aggregated) throw new Error(`${entry.variant} batch ${entry.batch} aggregated ${entry.aggregated} events, the hand loop ${hand.aggregated}`);
  };
  // The hand loop again just before each run: a ratio compares two runs under the same load.
  const paired = async (run: () => Promise<Figure>, events: number, again = true): Promise<Figure> => {
    const before = again ? await handLoop(full) : hand;
    if (again) print(before);
    const entry = { ...(await run()), handEventsPerS: before.eventsPerS };
    check(entry, events);
    print(entry);
    return entry;
  };
  const cel = new Map<number, Figure>();
  for (const batch of BATCHES) {
    const events = batch === 1 ? N1 : N;
    cel.set(batch, await paired(() => oneNamespace('pipeline.yaml', batch === 1 ? small : full, events, batch), events, batch !== 1));
  }
  const javascript = new Map<string, Figure>();
  for (const sandbox of SANDBOXES) javascript.set(sandbox, await paired(() => oneNamespace('pipeline-js.yaml', full, N, 100, sandbox), N));
  if (!SPLIT) console.log('five engines over NATS: left out (BENCH_PIPELINE_SPLIT=0)');
  else if (!(await natsAnswers())) console.log(`five engines over NATS: skipped, nothing answers on ${NATS}`);
  else {
    for (const entry of await split(full, N)) {
      check(entry, N);
      print(entry);
    }
  }
  const ratio = (a: number, b: number, digits: number): number => Number((a / b).toFixed(digits));
  const ratios: Record<string, number> = {
    'cel: batch 100 / hand loop just before (target >= 0.5)': ratio(cel.get(100)!.eventsPerS, cel.get(100)!.handEventsPerS!, 3),
    'cel: batch 10 / hand loop just before': ratio(cel.get(10)!.eventsPerS, cel.get(10)!.handEventsPerS!, 3),
    'cel: batch 1 / hand loop': ratio(cel.get(1)!.eventsPerS, cel.get(1)!.handEventsPerS!, 3),
    'cel: batch 100 / batch 1 (target >= 3)': ratio(cel.get(100)!.eventsPerS, cel.get(1)!.eventsPerS, 2),
    'cel: batch 10 / batch 1': ratio(cel.get(10)!.eventsPerS, cel.get(1)!.eventsPerS, 2),
  };
  for (const [sandbox, entry] of javascript) ratios[`javascript (${sandbox}): batch 100 / hand loop just before`] = ratio(entry.eventsPerS, entry.handEventsPerS!, 3);
  for (const [name, value] of Object.entries(ratios)) console.log(`${name.padEnd(56)} ${value}`);
  console.log(`results: ${writeResult('pipeline', { events: N, batch1Events: N1, figures, ratios })}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
