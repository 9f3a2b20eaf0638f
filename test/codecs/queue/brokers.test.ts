// The queue contract against every broker: each message processed exactly once when all
// succeed; with every 10th failing, each failing one retried then dead-lettered, and
// acked + dead-lettered = published. Real servers; a missing one skips its block (fails on CI).
import { afterEach, describe, expect, it } from 'vitest';
import type { Spec } from '../../../src/index.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import {
  BROKERS, brokerFor, callNode, consuming, publishMany, recorder, startRuntime, uniqueQueue, waitFor,
  type QueueRuntimeHarness, type Recorder,
} from './queue-harness.ts';

/** Messages per run: 2 000 per commit (CI time); the bench and WEFT_TEST_QUEUE_MESSAGES=10000 use 10 000. */
const COUNT = Number(process.env.WEFT_TEST_QUEUE_MESSAGES ?? 2000);
const DEADLINE_MS = 25_000;

const found = new Map<string, string | undefined>();
for (const broker of BROKERS) {
  if (broker.service === undefined) continue;
  const check = await serviceAvailable(broker.service);
  found.set(broker.name, check.available ? check.url : undefined);
}

/** The worker: consumer (concurrency 8) → CEL snippet → record; failures retried 3 times, then `QUEUE.dead`. */
function workerSpecs(url: string, queue: string): Spec[] {
  return [
    {
      kind: 'consumer', name: 'jobs', url, queue, concurrency: 8, prefetch: 24, retry: { max: 3, delay: '10ms', maxDelay: '40ms' },
      deadLetter: `${queue}.dead`, links: { out: [{ name: 'work', port: 'in' }] },
    },
    { kind: 'snippet', name: 'work', language: 'cel', code: '{"id": self.id, "n": self.body.n, "attempt": self.attempt}', links: { out: [{ name: 'done', port: 'in' }] } },
    { kind: 'record', name: 'done', key: 'done' },
    { kind: 'consumer', name: 'dead', url, queue: `${queue}.dead`, concurrency: 8, links: { out: [{ name: 'dead-letters', port: 'in' }] } },
    { kind: 'record', name: 'dead-letters', key: 'dead' },
    { kind: 'syscall', name: 'stats', opcode: 'queues.stats' },
  ];
}

interface Stats {
  acked: number;
  deadLettered: number;
  nacked: number;
  inFlight: number;
}

/** The stats of `jobs` once nothing is in flight and every settlement was counted (the recorders see a message before its ack). */
async function settledStats(harness: QueueRuntimeHarness): Promise<Stats> {
  let stats: Stats | undefined;
  const read = async (): Promise<Stats> => ((await callNode(harness.runtime, 'stats', { name: 'jobs' })) as Stats[])[0]!;
  const deadline = Date.now() + 5000;
  do {
    stats = await read();
    if (stats.acked + stats.deadLettered >= COUNT && stats.inFlight === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  } while (Date.now() < deadline);
  return stats;
}

for (const broker of BROKERS) {
  const available = broker.service === undefined || found.get(broker.name) !== undefined;
  describe.skipIf(!available)(`queues on ${broker.name}`, () => {
    let harness: QueueRuntimeHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    async function run(fail: (n: number) => boolean): Promise<{ done: Recorder; dead: Recorder; queue: string }> {
      const url = broker.url(found.get(broker.name) ?? '');
      const queue = uniqueQueue(`weft-test-${broker.name}`);
      const done = recorder();
      done.fail = (payload) => fail(Number(payload.n));
      const dead = recorder();
      harness = await startRuntime(workerSpecs(url, queue), new Map([['done', done], ['dead', dead]]));
      await consuming(harness.runtime, ['jobs', 'dead']);
      const { broker: client, release } = await brokerFor(harness.runtime, url);
      try {
        if (broker.name === 'mqtt') {
          // Mosquitto drops QoS 1 messages past max_queued_messages (1000) per session: pace the publisher.
          for (let from = 0; from < COUNT; from += 250) {
            await waitFor(() => done.seen.size + dead.seen.size >= from - 500, DEADLINE_MS, 'the consumer to catch up');
            await publishMany(client, queue, Math.min(250, COUNT - from), from);
          }
        } else {
          await publishMany(client, queue, COUNT);
        }
        const failing = [...Array(COUNT).keys()].filter(fail).length;
        await waitFor(() => done.seen.size === COUNT && dead.seen.size === failing, DEADLINE_MS, 'every message', () => [done.seen.size, dead.seen.size]);
      } finally {
        await release();
      }
      return { done, dead, queue };
    }

    it(`processes each of ${COUNT} messages exactly once with concurrency 8`, async () => {
      const { done } = await run(() => false);
      expect([...done.seen.values()].every((times) => times === 1)).toBe(true);
      expect(done.payloads.every((payload) => payload.attempt === 1)).toBe(true);
      const stats = await settledStats(harness!);
      expect(stats).toMatchObject({ name: 'jobs', acked: COUNT, nacked: 0, deadLettered: 0, dropped: 0, state: 'consuming' });
    }, 60_000);

    it('retries every 10th message, then dead-letters it with its error: acked + dead-lettered = published', async () => {
      const failing = (n: number): boolean => n % 10 === 0;
      const { done, dead, queue } = await run(failing);
      for (const [id, times] of done.seen) {
        // At-least-once: a failing message is tried at least retry.max times (more only on a broker's redelivery).
        if (failing(Number(id.slice(1)))) expect(times).toBeGreaterThanOrEqual(3);
        else expect(times).toBeGreaterThanOrEqual(1);
      }
      const deadIds = new Set(dead.payloads.map((payload) => String(payload.id)));
      expect([...deadIds].every((id) => failing(Number(id.slice(1))))).toBe(true);
      const letter = dead.payloads[0] as { headers: Record<string, string>; body: { n: number } };
      expect(letter.headers).toMatchObject({ 'weft-error-code': 'ERR_INTERNAL', 'weft-attempts': '3', 'weft-queue': queue });
      expect(failing(letter.body.n)).toBe(true);
      const stats = await settledStats(harness!);
      expect(stats.acked + stats.deadLettered).toBe(COUNT);
      expect(stats.deadLettered).toBe(COUNT / 10);
      expect(stats.nacked).toBeGreaterThanOrEqual((COUNT / 10) * 2);
    }, 60_000);

    it('carries traceparent through the broker to the workflow, and on through a publisher to the next queue', async () => {
      const url = broker.url(found.get(broker.name) ?? '');
      const queue = uniqueQueue(`weft-test-trace-${broker.name}`);
      const seen = recorder();
      const next = recorder();
      harness = await startRuntime([
        { kind: 'consumer', name: 'in', url, queue, links: { out: [{ name: 'seen', port: 'in' }] } },
        { kind: 'record', name: 'seen', key: 'seen', links: { out: [{ name: 'forward', port: 'in' }] } },
        { kind: 'snippet', name: 'forward', language: 'cel', code: 'self.body', links: { out: [{ name: 'publish', port: 'in' }] } },
        { kind: 'publisher', name: 'publish', url, queue: `${queue}.next` },
        { kind: 'consumer', name: 'next', url, queue: `${queue}.next`, links: { out: [{ name: 'next-seen', port: 'in' }] } },
        { kind: 'record', name: 'next-seen', key: 'next' },
      ], new Map([['seen', seen], ['next', next]]));
      await consuming(harness.runtime, ['in', 'next']);
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const { broker: client, release } = await brokerFor(harness.runtime, url);
      try {
        await client.publish(queue, { body: new TextEncoder().encode('{"n":1}'), headers: { 'weft-id': 'a', 'content-type': 'application/json', traceparent } });
        await waitFor(() => next.payloads.length === 1, 10_000, 'the forwarded message');
      } finally {
        await release();
      }
      expect(seen.payloads[0]).toMatchObject({ id: 'a', body: { n: 1 }, headers: { traceparent } });
      expect(next.payloads[0]).toMatchObject({ body: { n: 1 }, headers: { traceparent } });
      expect(next.payloads[0]!.id).not.toBe('a');
    }, 30_000);
  });
}
