// SIGTERM of a real `weft start` with a Redis consumer whose messages outlast the drain
// deadline: the engine exits 0 and the messages it could not finish are back in the queue at
// once (not after redeliverAfter), with their attempt not counted. Needs Redis (skips without,
// fails on CI).
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBroker } from '../../codecs/queue/brokers/open-broker.ts';
import type { Broker, Delivery } from '../../codecs/queue/brokers/broker.ts';
import { encodeBody, HEADER } from '../../codecs/queue/message.ts';
import { serviceAvailable } from '../fixtures/services.ts';
import { eventually, spawnWeft, tempDir } from '../harness/cli.ts';

const redis = await serviceAvailable('redis');

describe.skipIf(!redis.available)('weft start shutdown with a queue consumer (child process, Redis)', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  let broker: Broker;

  beforeEach(async () => {
    dir = tempDir();
    broker = await openBroker(redis.url);
  });

  afterEach(async () => {
    if (engine && engine.exitCode === null && engine.signalCode === null) {
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine!.once('exit', resolve));
    }
    await broker.close();
    dir.remove();
  });

  it('gives back what it could not finish by the drain deadline and exits 0', async () => {
    const queue = `weft-test-shutdown-${randomUUID().slice(0, 8)}`;
    writeFileSync(join(dir.path, 'worker.yaml'), [
      `- kind: consumer\n  name: jobs\n  url: ${redis.url}\n  queue: ${queue}\n  concurrency: 2\n  prefetch: 0\n  links:\n    out:\n      - name: slow\n        port: in`,
      '- kind: sleep\n  name: slow\n  duration: 20s',
    ].join('\n'));
    const ids = ['a', 'b', 'c', 'd'];
    for (const id of ids) {
      const { body, contentType } = encodeBody({ id });
      await broker.publish(queue, { body, headers: { [HEADER.id]: id, [HEADER.contentType]: contentType } });
    }
    engine = spawnWeft(['start', '-f', 'worker.yaml'], {
      cwd: dir.path, env: { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info', WEFT_DRAIN_TIMEOUT_MS: '500' },
    });
    // Two messages running (concurrency 2, nothing fetched ahead), two waiting.
    await eventually(async () => ((await broker.depth(queue, 'weft')).pending === 2 ? true : undefined), 15_000, 'two messages in flight');
    const signalled = Date.now();
    engine.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => engine!.once('exit', resolve));
    expect(code, engine.output()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5000);
    expect((await broker.depth(queue, 'weft')).pending).toBe(4);
    const subscription = await broker.subscribe({ queue, group: 'weft', window: 10, redeliverAfterMs: 30_000, replacing: false });
    const received: Delivery[] = [];
    const deadline = Date.now() + 5000;
    while (received.length < 4 && Date.now() < deadline) received.push(...(await subscription.receive(10 - received.length)));
    for (const delivery of received) await delivery.ack();
    await subscription.stop();
    expect(received.map((delivery) => delivery.headers[HEADER.id]).sort()).toEqual(ids);
    expect(received.map((delivery) => delivery.attempt)).toEqual([1, 1, 1, 1]);
  });
});
