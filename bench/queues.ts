/**
 * Queues benchmark (issue 9): messages/s through consumer → snippet (CEL) → ack on each broker,
 * against the same broker driven by its raw client in a hand-written loop (read a batch, parse
 * the JSON body, transform it, ack), side by side, alternating, best of ROUNDS. Each run first
 * publishes N messages, then times how long it takes until all are acked.
 *
 * Run: `npm run bench:queues` (N=10000 by default; `BENCH_QUEUE_MESSAGES` to change). Brokers
 * that do not answer on their default loopback address are skipped with a line.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { connect as natsConnect } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import amqp from 'amqplib';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type CodecContext } from '../src/index.ts';
import { queueRuntime } from '../codecs/queue/queue-runtime.ts';
import { coreKinds } from '../schemes/core.ts';
import { openBroker } from '../codecs/queue/brokers/open-broker.ts';
import type { Broker } from '../codecs/queue/brokers/broker.ts';
import { writeResult } from './lib/write-result.ts';

const N = Number(process.env.BENCH_QUEUE_MESSAGES ?? 10_000);
const ROUNDS = 2;
const WINDOW = 100;
const TARGET = 0.7;
const URLS = { redis: 'redis://127.0.0.1:6379', nats: 'nats://127.0.0.1:4222', rabbitmq: 'amqp://guest:guest@127.0.0.1:5672' } as const;
type Name = keyof typeof URLS;

async function publish(broker: Broker, queue: string): Promise<void> {
  for (let start = 0; start < N; start += 500) {
    const sends: Promise<string>[] = [];
    for (let n = start; n < Math.min(N, start + 500); n++) {
      sends.push(broker.publish(queue, { body: Buffer.from(JSON.stringify({ n })), headers: { 'weft-id': `m${n}`, 'content-type': 'application/json' } }));
    }
    await Promise.all(sends);
  }
}

/** consumer (concurrency 8, window 100) → CEL snippet → reply acks; returns messages/s. */
async function weft(url: string, queue: string): Promise<number> {
  const store = new MemoryStore();
  await store.insert([
    { kind: 'consumer', name: 'jobs', url, queue, concurrency: 8, prefetch: WINDOW - 8, links: { out: [{ name: 'work', port: 'in' }] } },
    { kind: 'snippet', name: 'work', language: 'cel', code: '{"id": self.id, "n": self.body.n + 1}' },
  ]);
  const [spec] = await store.find({ namespace: 'default', name: 'jobs' });
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
  // The counters queues.stats reports, read without asking the broker for its depth each time.
  const counters = queueRuntime({ processes: runtime.processes, namespace: runtime.namespace } as CodecContext).counters(spec!.id);
  await runtime.start();
  const started = performance.now();
  while (counters.acked < N) await new Promise((resolve) => setTimeout(resolve, 2));
  const seconds = (performance.now() - started) / 1000;
  await runtime.close();
  return N / seconds;
}

const raw: Record<Name, (url: string, queue: string) => Promise<number>> = {
  redis: async (url, queue) => {
    const redis = new Redis(url, { protocol: 2 });
    await redis.xgroup('CREATE', queue, 'weft', '0', 'MKSTREAM').catch(() => undefined);
    const started = performance.now();
    let done = 0;
    while (done < N) {
      const reply = (await redis.callBuffer('XREADGROUP', 'GROUP', 'weft', 'raw', 'COUNT', WINDOW, 'BLOCK', 1000, 'STREAMS', queue, '>')) as [Buffer, [Buffer, Buffer[]][]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      const ids: string[] = [];
      for (const [id, fields] of entries) {
        const body = JSON.parse(fields[fields.indexOf(fields.find((field) => field.toString() === 'body')!) + 1]!.toString()) as { n: number };
        void { id: id.toString(), n: body.n + 1 };
        ids.push(id.toString());
      }
      if (ids.length > 0) await redis.multi().xack(queue, 'weft', ...ids).xdel(queue, ...ids).exec();
      done += ids.length;
    }
    const rate = N / ((performance.now() - started) / 1000);
    redis.disconnect();
    return rate;
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
    const started = performance.now();
    const messages = await consumer.consume({ max_messages: WINDOW });
    let done = 0;
    for await (const message of messages) {
      const body = JSON.parse(new TextDecoder().decode(message.data)) as { n: number };
      void { id: message.seq, n: body.n + 1 };
      message.ack();
      if (++done === N) break;
    }
    const rate = N / ((performance.now() - started) / 1000);
    await connection.drain();
    return rate;
  },
  rabbitmq: async (url, queue) => {
    const model = await amqp.connect(url);
    const channel = await model.createChannel();
    await channel.prefetch(WINDOW);
    const started = performance.now();
    let done = 0;
    await new Promise<void>((resolve) => {
      void channel.consume(queue, (message) => {
        if (message === null) return;
        const body = JSON.parse(message.content.toString()) as { n: number };
        void { id: message.properties.messageId as string, n: body.n + 1 };
        channel.ack(message);
        if (++done === N) resolve();
      });
    });
    const rate = N / ((performance.now() - started) / 1000);
    await model.close();
    return rate;
  },
};

const format = (value: number): string => Math.round(value).toLocaleString('en-US');
const results: Record<string, unknown> = {};
for (const name of Object.keys(URLS) as Name[]) {
  const url = URLS[name];
  let broker: Broker;
  try {
    broker = await openBroker(url);
  } catch (thrown) {
    console.log(`${name}: skipped (${(thrown as Error).message})`);
    continue;
  }
  const weftRates: number[] = [];
  const rawRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? ['raw', 'weft'] : ['weft', 'raw']) {
      const queue = `bench-${name}-${variant}-${randomUUID().slice(0, 8)}`;
      await publish(broker, queue);
      if (variant === 'raw') rawRates.push(await raw[name](url, queue));
      else weftRates.push(await weft(url, queue));
    }
  }
  await broker.close();
  const best = { weft: Math.max(...weftRates), raw: Math.max(...rawRates) };
  const ratio = best.weft / best.raw;
  results[name] = { messages: N, weftPerSec: best.weft, rawPerSec: best.raw, ratio, weftRuns: weftRates, rawRuns: rawRates };
  console.log(`${name}: weft ${format(best.weft)} msg/s, raw ${format(best.raw)} msg/s → ${ratio.toFixed(2)}×${name === 'rabbitmq' ? '' : ` (target ≥ ${TARGET}×: ${ratio >= TARGET ? 'PASS' : 'BELOW'})`}`);
}
console.log(`results: ${writeResult('queues', { config: { messages: N, rounds: ROUNDS, window: WINDOW, concurrency: 8 }, results })}`);
process.exit(0);
