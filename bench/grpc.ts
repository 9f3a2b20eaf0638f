// bench:grpc — gRPC served by weft (listener protocol grpc → a CEL snippet per method) vs a
// plain grpc-js server doing the same, side by side in one run: unary calls per second over
// CONCURRENCY closed loops on one channel, and messages per second through one bidirectional
// stream of MESSAGES messages (every reply checked, in order). Each server runs in its own child
// process (pinned to the last core with taskset); rounds alternate the order; medians compared.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, Metadata, type Client } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { LOADER_OPTIONS } from '../codecs/network/grpc/proto-file.ts';
import { cpuSeconds, PINNED, startServerProcess } from './lib/server-process.ts';
import { median } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const VARIANTS = ['weft', 'raw'] as const;
type Variant = (typeof VARIANTS)[number];
type BenchClient = Client & {
  Add(request: object, metadata: Metadata, callback: (error: Error | null) => void): void;
  Echo(): NodeJS.EventEmitter & { write(message: object): boolean; end(): void };
};

const proto = fileURLToPath(new URL('./servers/grpc-bench.proto', import.meta.url));
const loaded = loadPackageDefinition(loadSync(proto, LOADER_OPTIONS)) as unknown as { bench: { Bench: new (target: string, creds: unknown) => BenchClient } };

async function unaryPerSecond(client: BenchClient, seconds: number): Promise<number> {
  let calls = 0;
  const end = performance.now() + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await new Promise<void>((resolve, reject) => client.Add({ a: 1, b: 2 }, new Metadata(), (error) => (error === null ? resolve() : reject(error))));
      calls++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return calls / ((performance.now() - started) / 1000);
}

async function streamPerSecond(client: BenchClient): Promise<number> {
  const started = performance.now();
  const call = client.Echo();
  let next = 0;
  const done = new Promise<void>((resolve, reject) => {
    call.on('data', (item: { seq: number }) => {
      if (item.seq !== next++) reject(new Error(`reply ${item.seq} out of order (expected ${next - 1})`));
    });
    call.on('error', reject);
    call.on('end', resolve);
  });
  for (let seq = 0; seq < MESSAGES; seq++) {
    if (!call.write({ seq, text: `message ${seq}` })) await once(call, 'drain');
  }
  call.end();
  await done;
  if (next !== MESSAGES) throw new Error(`${next} of ${MESSAGES} replies`);
  return MESSAGES / ((performance.now() - started) / 1000);
}

interface Sample {
  readonly unary: number;
  readonly stream: number;
  /** Server CPU time (user + system) per unary call and per streamed message, µs; NaN without /proc. */
  readonly unaryCpuUs: number;
  readonly streamCpuUs: number;
}

async function measure(variant: Variant): Promise<Sample> {
  const script = fileURLToPath(new URL(`./servers/grpc-${variant}.ts`, import.meta.url));
  const { child, port }: { child: ChildProcess; port: number } = await startServerProcess(script);
  const client = new loaded.bench.Bench(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    await unaryPerSecond(client, 0.5); // warm-up, not measured
    const pid = child.pid!;
    let before = cpuSeconds(pid);
    const unary = await unaryPerSecond(client, SECONDS);
    const unaryCpuUs = ((cpuSeconds(pid) - before) * 1e6) / (unary * SECONDS);
    before = cpuSeconds(pid);
    const stream = await streamPerSecond(client);
    const streamCpuUs = ((cpuSeconds(pid) - before) * 1e6) / MESSAGES;
    return { unary, stream, unaryCpuUs, streamCpuUs };
  } finally {
    client.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

const samples: Record<Variant, Record<keyof Sample, number[]>> = {
  weft: { unary: [], stream: [], unaryCpuUs: [], streamCpuUs: [] },
  raw: { unary: [], stream: [], unaryCpuUs: [], streamCpuUs: [] },
};
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
    const sample = await measure(variant);
    for (const key of Object.keys(sample) as (keyof Sample)[]) samples[variant][key].push(sample[key]);
    console.log(`round ${round + 1} ${variant}: ${Math.round(sample.unary)} unary calls/s (${sample.unaryCpuUs.toFixed(0)} µs CPU each), ${Math.round(sample.stream)} stream messages/s (${sample.streamCpuUs.toFixed(1)} µs CPU each)`);
  }
}
const summary = Object.fromEntries(VARIANTS.map((variant) => [variant, {
  unaryPerSecond: Math.round(median(samples[variant].unary)),
  unaryCpuUs: Number(median(samples[variant].unaryCpuUs).toFixed(1)),
  streamMessagesPerSecond: Math.round(median(samples[variant].stream)),
  streamCpuUs: Number(median(samples[variant].streamCpuUs).toFixed(1)),
}]));
const ratio = (key: keyof Sample): number => Number((median(samples.weft[key]) / median(samples.raw[key])).toFixed(2));
const ratios = { unary: ratio('unary'), stream: ratio('stream'), unaryCpu: ratio('unaryCpuUs'), streamCpu: ratio('streamCpuUs') };
console.log(`weft / raw grpc-js: unary ${ratios.unary}x, bidirectional stream ${ratios.stream}x; server CPU per call ${ratios.unaryCpu}x, per message ${ratios.streamCpu}x (pinned: ${PINNED})`);
console.log(`results: ${writeResult('grpc', { rounds: ROUNDS, seconds: SECONDS, concurrency: CONCURRENCY, messages: MESSAGES, pinned: PINNED, summary, ratios, samples })}`);
