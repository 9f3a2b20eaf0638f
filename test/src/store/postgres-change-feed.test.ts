import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, type PostgresStoreOptions } from '../../../src/index.ts';
import { eventReader, within } from '../../conformance/event-reader.ts';
import { scratchSchema } from '../../fixtures/postgres-scratch.ts';
import { serviceAvailable } from '../../fixtures/services.ts';

const postgres = await serviceAvailable('postgres');
const scratch = postgres.available ? await scratchSchema(postgres.url) : undefined;
afterAll(async () => scratch?.drop());

describe.skipIf(scratch === undefined)('PostgresChangeFeed', () => {
  const stores: PostgresStore[] = [];
  const open = async (options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> => {
    const store = await PostgresStore.open({ url: scratch!.url(), ...options });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('delivers a commit larger than a log page together: the reader of its first event takes the rest with takeBuffered', async () => {
    const namespace = `big-${randomUUID().slice(0, 8)}`;
    const store = await open();
    const stream = store.watch({ namespace });
    await within(stream.ready, 5000, 'the stream to be ready');
    const reader = eventReader(stream);
    // As the loader does: the moment the first event arrives, take what came with it.
    const batch = reader.next(5000).then((first) => [first, ...stream.takeBuffered!()]);
    const written = await store.insert(Array.from({ length: 700 }, (_, index) => ({ kind: 'k', namespace, name: `s${index}` })));
    expect((await batch).map((event) => event.id)).toEqual(written.map((spec) => spec.id));
    expect(await reader.quiet(100)).toEqual([]);
  });

  it('replays commits that piled up during an outage, past a page, each whole and in order', async () => {
    const namespace = `piled-${randomUUID().slice(0, 8)}`;
    // The first reconnect comes 300-600 ms after the loss: the writes below land inside the outage.
    const watcher = await open({ reconnect: { initialMs: 600, maxMs: 600 } });
    const writer = await open();
    const stream = watcher.watch({ namespace });
    await within(stream.ready, 5000, 'the stream to be ready');
    const reader = eventReader(stream);
    expect(await scratch!.terminateListeners()).toBe(1);
    const commits: string[][] = [];
    for (const size of [300, 400, 300]) commits.push((await writer.insert(Array.from({ length: size }, () => ({ kind: 'k', namespace })))).map((spec) => spec.id));
    const batches: string[][] = [];
    while (batches.flat().length < 1000) {
      const event = await reader.next(5000);
      batches.push([event, ...stream.takeBuffered!()].map((each) => each.id));
    }
    expect(batches.flat()).toEqual(commits.flat());
    // A batch may hold several commits, never part of one.
    let seen = 0;
    for (const batch of batches) expect([300, 700, 1000]).toContain((seen += batch.length));
    expect(await reader.quiet(100)).toEqual([]);
  });
});
