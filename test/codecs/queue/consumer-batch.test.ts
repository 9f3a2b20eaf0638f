import { afterEach, describe, expect, it } from 'vitest';
import { Scheme } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { BROKERS, brokerFor, callNode, consuming, publishMany, recorder, startRuntime, uniqueQueue, waitFor, type QueueRuntimeHarness } from './queue-harness.ts';

const open: QueueRuntimeHarness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((harness) => harness.close()));
});

interface Message {
  readonly id: string;
  readonly attempt: number;
  readonly body: { n: number };
}

const found = new Map<string, string | undefined>();
for (const broker of BROKERS.filter((entry) => entry.name === 'redis' || entry.name === 'nats')) {
  const check = await serviceAvailable(broker.service!);
  found.set(broker.name, check.available ? check.url : undefined);
}

for (const broker of BROKERS.filter((entry) => entry.name === 'memory' || entry.name === 'redis' || entry.name === 'nats')) {
  const available = broker.service === undefined || found.get(broker.name) !== undefined;
  describe.skipIf(!available)(`consumer batch on ${broker.name}`, () => {
    async function start(queue: string, batch: Record<string, unknown>, fail?: (messages: Message[]) => boolean) {
      const url = broker.url(found.get(broker.name) ?? '');
      const work = recorder();
      if (fail !== undefined) work.fail = (payload) => fail(payload as unknown as Message[]);
      const harness = await startRuntime([
        { kind: 'consumer', name: 'jobs', url, queue, concurrency: 2, batch, retry: { max: 3, delay: '10ms' }, deadLetter: `${queue}.dead`, links: { out: [{ name: 'work', port: 'in' }] } },
        { kind: 'record', name: 'work', key: 'work', ms: 2 },
        { kind: 'syscall', name: 'stats', opcode: 'queues.stats' },
      ], new Map([['work', work]]));
      open.push(harness);
      await consuming(harness.runtime, ['jobs']);
      const { broker: client, release } = await brokerFor(harness.runtime, url);
      return { harness, work, client, release };
    }
    const stats = async (harness: QueueRuntimeHarness): Promise<{ acked: number; nacked: number; deadLettered: number; inFlight: number }> =>
      ((await callNode(harness.runtime, 'stats', { name: 'jobs' })) as { acked: number; nacked: number; deadLettered: number; inFlight: number }[])[0]!;

    it('gives a process an array of up to size messages and acks them all when it succeeds', async () => {
      const queue = uniqueQueue('batch');
      const { harness, work, client, release } = await start(queue, { size: 10, window: '20ms' });
      try {
        await publishMany(client, queue, 250);
        await waitFor(() => work.payloads.flat().length >= 250, 15_000, 'all messages');
        const batches = work.payloads as unknown as Message[][];
        expect(batches.every((batch) => Array.isArray(batch) && batch.length >= 1 && batch.length <= 10)).toBe(true);
        expect(batches.filter((batch) => batch.length === 10).length).toBeGreaterThan(5);
        const ids = batches.flat().map((message) => message.id);
        expect(new Set(ids).size).toBe(250);
        let figures = await stats(harness);
        const deadline = Date.now() + 5000;
        while (figures.acked < 250 && Date.now() < deadline) figures = await stats(harness);
        expect(figures).toMatchObject({ acked: 250, nacked: 0, inFlight: 0 });
      } finally {
        await release();
      }
    }, 30_000);

    it('retries every message of a failed batch, each by its own attempt count', async () => {
      const queue = uniqueQueue('batch-fail');
      // A batch holding message 5 fails while that message is on its first attempt.
      const { harness, work, client, release } = await start(queue, { size: 8, window: '20ms' }, (messages) => messages.some((message) => message.body.n === 5 && message.attempt === 1));
      try {
        await publishMany(client, queue, 40);
        const succeeded = (): Set<number> => new Set((work.payloads as unknown as Message[][]).filter((batch) => !batch.some((message) => message.body.n === 5 && message.attempt === 1)).flat().map((message) => message.body.n));
        await waitFor(() => succeeded().size === 40, 15_000, 'all 40 processed', () => succeeded().size);
        const failed = (work.payloads as unknown as Message[][]).find((batch) => batch.some((message) => message.body.n === 5 && message.attempt === 1))!;
        let figures = await stats(harness);
        const deadline = Date.now() + 5000;
        while (figures.acked < 40 && Date.now() < deadline) figures = await stats(harness);
        expect(figures.acked).toBe(40);
        expect(figures.nacked).toBe(failed.length);
        expect(figures.deadLettered).toBe(0);
        const retried = (work.payloads as unknown as Message[][]).flat().filter((message) => message.body.n === 5).map((message) => message.attempt);
        expect(retried).toEqual([1, 2]);
      } finally {
        await release();
      }
    }, 30_000);

    it('starts a partial batch once its window is over', async () => {
      const queue = uniqueQueue('batch-window');
      const { work, client, release } = await start(queue, { size: 100, window: '40ms' });
      try {
        const started = Date.now();
        await publishMany(client, queue, 3);
        await waitFor(() => work.payloads.length === 1, 5000, 'the partial batch');
        expect(Date.now() - started).toBeGreaterThanOrEqual(30);
        expect((work.payloads[0] as unknown as Message[]).map((message) => message.body.n).sort()).toEqual([0, 1, 2]);
      } finally {
        await release();
      }
    }, 30_000);
  });
}

describe('consumer batch spec', () => {
  it('refuses a batch of size 0 and an unknown batch field', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (batch: unknown): string[] => scheme.validate({ kind: 'consumer', url: 'memory://q', queue: 'jobs', batch }).map((problem) => problem.path);
    expect(paths({ size: 0 }).length).toBeGreaterThan(0);
    expect(paths({ size: 5, count: 1 }).length).toBeGreaterThan(0);
    expect(paths({ size: 5, window: '0ms' })).toEqual(['batch.window']);
    expect(paths({ size: 5, window: '1s' })).toEqual([]);
  });
});
