// SIGKILL of a `weft start` child process mid-run, then a restart: every message is processed
// (at-least-once), counted on the queue the workflow publishes to. Redis, NATS, RabbitMQ and MQTT.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnWeft, tempDir } from '../harness/cli.ts';
import { serviceAvailable } from '../fixtures/services.ts';
import { publishMany, testBroker, uniqueQueue, waitFor } from '../codecs/queue/queue-harness.ts';

// Under Mosquitto's default max_queued_messages (1000 per session) on MQTT, which it would drop past.
const COUNTS: Record<string, number> = { redis: 3000, nats: 3000, rabbitmq: 3000, mqtt: 900 };
const redis = await serviceAvailable('redis');
const nats = await serviceAvailable('nats');
const rabbitmq = await serviceAvailable('rabbitmq');
const mqtt = await serviceAvailable('mqtt');

function workflow(url: string, queue: string): string {
  return JSON.stringify([
    { kind: 'consumer', name: 'jobs', url, queue, concurrency: 8, redeliverAfter: '2s', links: { out: [{ name: 'pause', port: 'in' }] } },
    { kind: 'sleep', name: 'pause', duration: '5ms', links: { out: [{ name: 'id', port: 'in' }] } },
    { kind: 'snippet', name: 'id', language: 'cel', code: 'self.id', links: { out: [{ name: 'done', port: 'in' }] } },
    { kind: 'publisher', name: 'done', url, queue: `${queue}-done` },
  ]);
}

describe('a killed engine', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  afterEach(async () => {
    if (engine && engine.exitCode === null) {
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine!.once('exit', resolve));
    }
    dir?.remove();
  });

  for (const target of [{ name: 'redis', check: redis }, { name: 'nats', check: nats }, { name: 'rabbitmq', check: rabbitmq }, { name: 'mqtt', check: mqtt }]) {
    it.skipIf(!target.check.available)(`processes every message after SIGKILL and a restart (${target.name})`, async () => {
      const COUNT = COUNTS[target.name]!;
      dir = tempDir();
      const queue = uniqueQueue(`weft-test-kill-${target.name}`);
      writeFileSync(join(dir.path, 'workers.json'), workflow(target.check.url, queue));
      const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'warn' };
      const broker = await testBroker(target.check.url);
      const done = new Set<string>();
      let deliveries = 0;
      const reader = await broker.subscribe({ queue: `${queue}-done`, group: 'test', window: 200, redeliverAfterMs: 30_000, replacing: false });
      let reading = true;
      const read = (async () => {
        while (reading) {
          for (const delivery of await reader.receive(200)) {
            deliveries++;
            done.add(new TextDecoder().decode(delivery.body));
            void delivery.ack();
          }
        }
      })();
      try {
        if (target.name === 'mqtt') {
          // A topic keeps nothing for a session that does not exist yet: the engine subscribes first.
          engine = spawnWeft(['start', '-f', 'workers.json'], { cwd: dir.path, env: { ...env, WEFT_LOG_LEVEL: 'info' } });
          await waitFor(() => engine!.output().includes('"msg":"consuming"'), 20_000, 'the consumer to subscribe', () => engine!.output());
          await publishMany(broker, queue, COUNT);
        } else {
          await publishMany(broker, queue, COUNT);
          engine = spawnWeft(['start', '-f', 'workers.json'], { cwd: dir.path, env });
        }
        await waitFor(() => done.size >= 300, 20_000, 'the first messages', () => engine!.output());
        engine.kill('SIGKILL');
        await new Promise((resolve) => engine!.once('exit', resolve));
        expect(done.size).toBeLessThan(COUNT);
        engine = spawnWeft(['start'], { cwd: dir.path, env: { ...env, WEFT_LOG_LEVEL: process.env.KILL_LOG ?? 'warn' } });
        await waitFor(() => done.size === COUNT, 30_000, 'every message after the restart', () => [done.size, engine!.output().slice(-2000)]);
        expect([...Array(COUNT).keys()].every((n) => done.has(`m${n}`))).toBe(true);
        expect(deliveries).toBeGreaterThanOrEqual(COUNT);
      } finally {
        reading = false;
        await reader.stop();
        await read.catch(() => undefined);
        await broker.close();
      }
    }, 90_000);
  }
});
