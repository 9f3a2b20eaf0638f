// Hot reload while messages flow: the snippet downstream of a consumer, and the consumer itself,
// are updated in the store during the run; every message is still processed (none lost).
import { afterAll, describe, expect, it } from 'vitest';
import type { Spec, SpecStore } from '../../../src/index.ts';
import { mosquittoInstalled, startMosquitto } from '../../fixtures/mosquitto.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { brokerFor, consuming, publishMany, recorder, startRuntime, uniqueQueue, waitFor } from './queue-harness.ts';

const COUNT = 2000;
const redis = await serviceAvailable('redis');
const nats = await serviceAvailable('nats');
const rabbitmq = await serviceAvailable('rabbitmq');
// MQTT runs against a Mosquitto of the test's own without a per-session queue limit: the
// machine's keeps the default (max_queued_messages 1000) and drops what a lagging session has
// beyond it, which a loaded CI machine reached while the consumer was being replaced (1820 of
// 2000 arrived); that is the broker's setting, not a loss weft can prevent (docs/kinds/consumer.md).
const mosquitto = mosquittoInstalled() ? await startMosquitto() : undefined;
if (mosquitto === undefined) {
  if (process.env.CI === 'true') throw new Error('/usr/sbin/mosquitto is missing (apt-get install -y mosquitto)');
  console.warn('/usr/sbin/mosquitto is missing: the MQTT reload case is skipped');
}
afterAll(() => mosquitto?.stop());
const targets: { name: string; url: string; run: boolean; consumer?: Partial<Spec> }[] = [
  { name: 'memory', url: 'memory://reload', run: true },
  { name: 'redis', url: redis.url, run: redis.available },
  // Messages on their way to the replaced node's pull when it unsubscribes wait for redeliverAfter (ack_wait).
  { name: 'nats', url: nats.url, run: nats.available, consumer: { redeliverAfter: '2s' } },
  { name: 'rabbitmq', url: rabbitmq.url, run: rabbitmq.available },
  // The replacement takes the MQTT session over: what the old node still ran may come twice.
  { name: 'mqtt', url: mosquitto?.url ?? '', run: mosquitto !== undefined },
];

async function update(store: SpecStore, name: string, change: Partial<Spec>): Promise<void> {
  const [stored] = await store.find({ namespace: 'default', name });
  await store.update([{ ...stored!, ...change }]);
}

describe('consumer under hot reload', () => {
  for (const target of targets) {
    it.skipIf(!target.run)(`loses no message on ${target.name} while its snippet and the consumer itself are reloaded`, async () => {
      const queue = uniqueQueue('weft-test-reload');
      const done = recorder();
      const harness = await startRuntime([
        { kind: 'consumer', name: 'jobs', url: target.url, queue, concurrency: 8, ...target.consumer, links: { out: [{ name: 'work', port: 'in' }] } },
        { kind: 'snippet', name: 'work', language: 'cel', code: '{"id": self.id, "v": 1}', links: { out: [{ name: 'done', port: 'in' }] } },
        { kind: 'record', name: 'done', key: 'done', ms: 1 },
      ], new Map([['done', done]]), { drainTimeoutMs: 2000 });
      const { broker, release } = await brokerFor(harness.runtime, target.url);
      try {
        await consuming(harness.runtime, ['jobs']);
        for (let chunk = 0; chunk < 10; chunk++) {
          await publishMany(broker, queue, COUNT / 10, (chunk * COUNT) / 10);
          if (chunk % 3 === 1) await update(harness.store, 'work', { code: `{"id": self.id, "v": ${chunk + 2}}` });
          if (chunk === 4) await update(harness.store, 'jobs', { concurrency: 4 });
          if (chunk === 7) await update(harness.store, 'jobs', { concurrency: 8, prefetch: 16 });
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
        await waitFor(() => done.seen.size === COUNT, 20_000, 'every message', () => done.seen.size);
        const versions = new Set(done.payloads.map((payload) => payload.v));
        expect(versions.size).toBeGreaterThan(2);
        // Redelivery after a consumer reload is allowed (at-least-once), but none is missing.
        expect([...Array(COUNT).keys()].every((n) => done.seen.has(`m${n}`))).toBe(true);
      } finally {
        await release();
        await harness.close();
      }
    }, 40_000);
  }
});
