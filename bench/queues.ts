/**
 * Queues benchmark (issue 9): messages/s through consumer → snippet (CEL) → ack on each broker,
 * against the same broker driven by its raw client in a hand-written loop (read a batch of the
 * same window, parse the JSON body, transform it, ack each message), side by side, alternating
 * raw/weft, ROUNDS rounds; the figures are the medians. Redis, NATS and RabbitMQ first get N
 * messages published, then are timed until all are acked. MQTT cannot be filled ahead (Mosquitto
 * drops QoS 1 messages past `max_queued_messages`, 1000 by default, per session), so there both
 * loops are timed while this process publishes with at most FEED_AHEAD messages not yet consumed.
 *
 * Run: `npm run bench:queues`. `BENCH_QUEUE_MESSAGES` (default 20000), `BENCH_QUEUE_ROUNDS`
 * (default 5), `BENCH_QUEUE_BROKERS` (e.g. `redis,nats`) and `BENCH_QUEUE_VARIANTS` (`weft` alone,
 * for a profile) narrow it; `BENCH_QUEUE_PROFILE=DIR` writes a CPU profile of each timed part
 * (publishing left out) to DIR. Brokers that do not answer on their default loopback address are
 * skipped with a line.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Redis } from 'ioredis';
import { connect as natsConnect } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import amqp from 'amqplib';
import mqtt from 'mqtt';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type CodecContext } from '../src/index.ts';
import { queueRuntime } from '../codecs/queue/queue-runtime.ts';
import { coreKinds } from '../schemes/core.ts';
import { openBroker } from '../codecs/queue/brokers/open-broker.ts';
import type { Broker } from '../codecs/queue/brokers/broker.ts';
import { writeResult } from './lib/write-result.ts';

const N = Number(process.env.BENCH_QUEUE_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_QUEUE_ROUNDS ?? 5);
const WINDOW = 100;
const CONCURRENCY = 8;
const FEED_AHEAD = 500;
const TARGET = 0.7;
const URLS = {
  redis: 'redis://127.0.0.1:6379',
  nats: 'nats://127.0.0.1:4222',
  rabbitmq: 'amqp://guest:guest@127.0.0.1:5672',
  mqtt: 'mqtt://127.0.0.1:1883',
} as const;
type Name = keyof typeof URLS;
const TARGETED: ReadonlySet<Name> = new Set(['redis', 'nats']);
const STREAMED: ReadonlySet<Name> = new Set(['mqtt']);
const only = process.env.BENCH_QUEUE_BROKERS?.split(',');
const variants = process.env.BENCH_QUEUE_VARIANTS?.split(',') ?? ['raw', 'weft'];
const profileDir = process.env.BENCH_QUEUE_PROFILE;

/** A running consumer: how many messages it has acked so far, and how to stop it. */
interface Running {
  readonly consumed: () => number;
  close(): Promise<void>;
}
type Start = (url: string, queue: string) => Promise<Running>;

function message(n: number): { body: Uint8Array; headers: Record<string, string> } {
  return { body: Buffer.from(JSON.stringify({ n })), headers: { 'weft-id': `m${n}`, 'content-type': 'application/json' } };
}

async function publishAll(broker: Broker, queue: string): Promise<void> {
  for (let start = 0; start < N; start += 500) {
    const sends: Promise<string>[] = [];
    for (let n = start; n < Math.min(N, start + 500); n++) sends.push(broker.publish(queue, message(n)));
    await Promise.all(sends);
  }
}

/** Publishes N messages while keeping at most FEED_AHEAD of them unconsumed. */
async function feed(broker: Broker, queue: string, consumed: () => number): Promise<void> {
  let n = 0;
  while (n < N) {
    const room = Math.min(N - n, FEED_AHEAD - (n - consumed()));
    if (room <= 0) {
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    const sends: Promise<string>[] = [];
    for (const end = n + room; n < end; n++) sends.push(broker.publish(queue, message(n)));
    await Promise.all(sends);
  }
}

/** consumer (concurrency 8, window 100) → CEL snippet → reply acks. */
const weft: Start = async (url, queue) => {
  const store = new MemoryStore();
  await store.insert([
    { kind: 'consumer', name: 'jobs', url, queue, concurrency: CONCURRENCY, prefetch: WINDOW - CONCURRENCY, links: { out: [{ name: 'work', port: 'in' }] } },
    { kind: 'snippet', name: 'work', language: 'cel', code: '{"id": self.id, "n": self.body.n + 1}' },
  ]);
  const [spec] = await store.find({ namespace: 'default', name: 'jobs' });
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
  // The counters queues.stats reports, read without asking the broker for its depth each time.
  const counters = queueRuntime({ processes: runtime.processes, namespace: runtime.namespace } as CodecContext).counters(spec!.id);
  await runtime.start();
  const node = (): { state?: string } | undefined => runtime.table.byName('jobs')?.node as { state?: string } | undefined;
  while (node()?.state !== 'consuming') await new Promise((resolve) => setTimeout(resolve, 2));
  return { consumed: () => counters.acked, close: () => runtime.close() };
};

/** The hand-written loops: read a window, JSON.parse, transform, ack every message. */
const raw: Record<Name, Start> = {
  redis: async (url, queue) => {
    const redis = new Redis(url, { protocol: 2 });
    await redis.xgroup('CREATE', queue, 'weft', '0', 'MKSTREAM').catch(() => undefined);
    let done = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const reply = (await redis.callBuffer('XREADGROUP', 'GROUP', 'weft', 'raw', 'COUNT', WINDOW, 'BLOCK', 200, 'STREAMS', queue, '>')) as [Buffer, [Buffer, Buffer[]][]][] | null;
        const ids: string[] = [];
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          const at = fields.findIndex((field) => field.toString() === 'body');
          const body = JSON.parse(fields[at + 1]!.toString()) as { n: number };
          void { id: id.toString(), n: body.n + 1 };
          ids.push(id.toString());
        }
        if (ids.length > 0) await redis.multi().xack(queue, 'weft', ...ids).xdel(queue, ...ids).exec();
        done += ids.length;
      }
    })();
    return { consumed: () => done, close: async () => {
      running = false;
      await loop;
      redis.disconnect();
    } };
  },
  nats: async (url, queue) => {
    const connection = await natsConnect({ servers: new URL(url).host });
    const jsm = await jetstreamManager(connection);
    const stream = await jsm.streams.find(queue).catch(async () => {
      await jsm.streams.add({ name: queue.replace(/\W/g, '_'), subjects: [queue], retention: RetentionPolicy.Workqueue });
      return queue.replace(/\W/g, '_');
    });
    await jsm.consumers.add(stream, { durable_name: 'weft', ack_policy: AckPolicy.Explicit, filter_subject: queue });
    const consumer = await jetstream(connection).consumers.get(stream, 'weft');
    const messages = await consumer.consume({ max_messages: WINDOW });
    let done = 0;
    const decoder = new TextDecoder();
    const loop = (async () => {
      for await (const message of messages) {
        const body = JSON.parse(decoder.decode(message.data)) as { n: number };
        void { id: message.seq, n: body.n + 1 };
        message.ack();
        done++;
      }
    })();
    return { consumed: () => done, close: async () => {
      await messages.close();
      await loop;
      await connection.drain();
    } };
  },
  rabbitmq: async (url, queue) => {
    const model = await amqp.connect(url);
    const channel = await model.createChannel();
    await channel.prefetch(WINDOW);
    let done = 0;
    await channel.consume(queue, (delivered) => {
      if (delivered === null) return;
      const body = JSON.parse(delivered.content.toString()) as { n: number };
      void { id: delivered.properties.messageId as string, n: body.n + 1 };
      channel.ack(delivered);
      done++;
    });
    return { consumed: () => done, close: () => model.close() };
  },
  mqtt: async (url, queue) => {
    // A persistent session, QoS 1, receive maximum = the window, PUBACK once handled (as weft's adapter).
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 5, clean: false, clientId: `bench-raw-${randomUUID().slice(0, 8)}`, properties: { sessionExpiryInterval: 60, receiveMaximum: WINDOW },
    }, false);
    let done = 0;
    client.handleMessage = (packet, callback) => {
      const body = JSON.parse(packet.payload.toString()) as { n: number };
      void { id: packet.properties?.userProperties?.['weft-id'], n: body.n + 1 };
      done++;
      callback();
    };
    await client.subscribeAsync(queue, { qos: 1 });
    return { consumed: () => done, close: () => client.endAsync(true) };
  },
};

/** One timed run: messages/s from the consumer's subscription until the N-th message is acked, and this process's CPU µs per message. */
async function run(name: Name, start: Start, broker: Broker, url: string, queue: string): Promise<{ rate: number; cpuUs: number }> {
  if (!STREAMED.has(name)) await publishAll(broker, queue);
  const profiler = profileDir === undefined ? undefined : new Session();
  if (profiler !== undefined) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
    await profiler.post('Profiler.start');
  }
  const running = await start(url, queue);
  // Timed from the moment the consumer is subscribed (what it consumed while subscribing is not counted).
  const started = performance.now();
  const cpu = process.cpuUsage();
  const before = running.consumed();
  const feeding = STREAMED.has(name) ? feed(broker, queue, running.consumed) : undefined;
  while (running.consumed() < N) await new Promise((resolve) => setTimeout(resolve, 2));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (profiler !== undefined) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(`${profileDir}/${queue}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  await feeding;
  await running.close();
  // The feeding publisher's CPU is in both variants alike (MQTT).
  return { rate: (N - before) / seconds, cpuUs: (used.user + used.system) / (N - before) };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const format = (value: number): string => Math.round(value).toLocaleString('en-US');
const results: Record<string, unknown> = {};
for (const name of Object.keys(URLS) as Name[]) {
  if (only !== undefined && !only.includes(name)) continue;
  const url = URLS[name];
  let broker: Broker;
  try {
    broker = await openBroker(url);
  } catch (thrown) {
    console.log(`${name}: skipped (${(thrown as Error).message})`);
    continue;
  }
  const rates: Record<string, number[]> = { raw: [], weft: [] };
  const cpus: Record<string, number[]> = { raw: [], weft: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? ['raw', 'weft'] : ['weft', 'raw']) {
      if (!variants.includes(variant)) continue;
      const queue = `bench-${name}-${variant}-${randomUUID().slice(0, 8)}`;
      const { rate, cpuUs } = await run(name, variant === 'raw' ? raw[name] : weft, broker, url, queue);
      rates[variant]!.push(rate);
      cpus[variant]!.push(cpuUs);
    }
  }
  await broker.close();
  const weftRate = rates.weft!.length > 0 ? median(rates.weft!) : NaN;
  const rawRate = rates.raw!.length > 0 ? median(rates.raw!) : NaN;
  const ratio = weftRate / rawRate;
  const cpu = { weft: cpus.weft!.length > 0 ? median(cpus.weft!) : NaN, raw: cpus.raw!.length > 0 ? median(cpus.raw!) : NaN };
  results[name] = {
    messages: N, mode: STREAMED.has(name) ? 'streamed' : 'prefilled', weftPerSec: weftRate, rawPerSec: rawRate, ratio,
    weftCpuUsPerMessage: cpu.weft, rawCpuUsPerMessage: cpu.raw, weftRuns: rates.weft, rawRuns: rates.raw,
  };
  const verdict = TARGETED.has(name) ? ` (target ≥ ${TARGET}×: ${ratio >= TARGET ? 'PASS' : 'BELOW'})` : '';
  console.log(`${name}: weft ${format(weftRate)} msg/s, raw ${format(rawRate)} msg/s → ${ratio.toFixed(2)}×${verdict}; CPU µs/msg weft ${cpu.weft.toFixed(1)}, raw ${cpu.raw.toFixed(1)}  [weft ${rates.weft!.map(format).join(' ')} | raw ${rates.raw!.map(format).join(' ')}]`);
}
console.log(`results: ${writeResult('queues', { config: { messages: N, rounds: ROUNDS, window: WINDOW, concurrency: CONCURRENCY, feedAhead: FEED_AHEAD }, results })}`);
process.exit(0);
