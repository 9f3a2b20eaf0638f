// A paused namespace's consumers stop pulling: nothing runs while paused, what was published
// meanwhile waits in the broker and is processed exactly once after resume. Real brokers
// (memory always, Redis when it runs; a missing one skips its block, fails on CI).
import { afterEach, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../../fixtures/services.ts';
import { BROKERS, brokerFor, consuming, publishMany, recorder, startRuntime, uniqueQueue, waitFor, type QueueRuntimeHarness } from './queue-harness.ts';

const redis = await serviceAvailable('redis');

for (const broker of BROKERS.filter((entry) => entry.name === 'memory' || entry.name === 'redis')) {
  const available = broker.service === undefined || redis.available;
  describe.skipIf(!available)(`consumer pause on ${broker.name}`, () => {
    let harness: QueueRuntimeHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it('stops pulling while paused and processes every message exactly once after resume', async () => {
      const url = broker.url(redis.url ?? '');
      const queue = uniqueQueue(`weft-test-pause-${broker.name}`);
      const work = recorder();
      harness = await startRuntime([
        { kind: 'consumer', name: 'jobs', url, queue, concurrency: 4, prefetch: 4, links: { out: [{ name: 'work', port: 'in' }] } },
        { kind: 'record', name: 'work', key: 'work', ms: 2 },
      ], new Map([['work', work]]));
      await consuming(harness.runtime, ['jobs']);
      const { broker: client, release } = await brokerFor(harness.runtime, url);
      try {
        await publishMany(client, queue, 50);
        await waitFor(() => work.seen.size === 50, 10_000, 'the first 50');
        expect(harness.runtime.pause()).toBe(true);
        // Let what was already started settle, then nothing more may run.
        await waitFor(() => harness!.runtime.processes.size === 0, 5000, 'in-flight work to end');
        const before = work.payloads.length;
        await publishMany(client, queue, 100, 50);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(work.payloads.length).toBe(before);
        expect(harness.runtime.resume()).toBe(true);
        await waitFor(() => work.seen.size === 150, 10_000, 'all 150', () => work.seen.size);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect([...work.seen.values()].every((count) => count === 1)).toBe(true);
        expect(work.seen.size).toBe(150);
      } finally {
        await release();
      }
    });
  });
}
