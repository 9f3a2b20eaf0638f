import { afterEach, describe, expect, it } from 'vitest';
import { openMongoStore, openStore, type SpecStore } from '../../../../src/index.ts';
import { eventReader } from '../../../conformance/event-reader.ts';
import { until, within } from '../../../harness/wait.ts';
import { startFakeMongod, type FakeMongod } from './fake-mongod.ts';

// The real driver against a fake mongos that goes away, comes back, or drops the collection:
// the paths of ResumingChangeStream that need the driver's own errors and resume behaviour.
describe('MongoStore watch across a server outage and a drop (fake mongos)', () => {
  const ns = 'weft.weft_specs';
  const servers: FakeMongod[] = [];
  let store: SpecStore | undefined;
  afterEach(async () => {
    await store?.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  /** A fake mongos whose getMores hand out `pending` (a fresh list per server). */
  const serve = async (port = 0) => {
    const pending: Record<string, unknown>[] = [];
    const server = await startFakeMongod({ msg: 'isdbgrid' }, async (command) => {
      if ('listCollections' in command) return { cursor: { id: 0n, ns: 'weft.$cmd.listCollections', firstBatch: [] }, ok: 1 };
      if ('aggregate' in command) return { cursor: { id: 7n, ns, firstBatch: [], postBatchResumeToken: { _data: '8210' } }, ok: 1 };
      if (!('getMore' in command)) return undefined;
      await until(() => pending.length > 0, 100).catch(() => {});
      const batch = pending.splice(0);
      // The server closes a cursor after its invalidate event (cursor id 0).
      const id = batch.some((change) => change.operationType === 'invalidate') ? 0n : 7n;
      return { cursor: { id, ns, nextBatch: batch, postBatchResumeToken: { _data: '8290' } }, ok: 1 };
    }, port);
    servers.push(server);
    return { server, pending };
  };
  const insert = (token: string, id: string) => ({ _id: { _data: token }, operationType: 'insert', documentKey: { _id: id }, fullDocument: { _id: id, kind: 'snippet', namespace: 'ns', revision: 1 } });

  it('reopens after its last position once the server is back, when the driver\'s own resume gave up, and logs the outage', async () => {
    const first = await serve();
    const lines: string[] = [];
    const log = (level: string) => (_fields: Record<string, unknown>, message: string) => void lines.push(`${level}: ${message}`);
    store = await within(openMongoStore({
      url: `mongodb://127.0.0.1:${first.server.port}/weft?serverSelectionTimeoutMS=200`,
      reconnect: { initialMs: 20, maxMs: 100 },
      logger: { debug: log('debug'), info: log('info'), warn: log('warn') },
    }), 10_000);
    const stream = store.watch({ namespace: 'ns' });
    await within(stream.ready, 5000);
    const reader = eventReader(stream);
    first.pending.push(insert('8211', 'id-a'));
    expect((await reader.next(5000)).id).toBe('id-a');

    await first.server.close();
    await new Promise((resolve) => setTimeout(resolve, 700));
    const second = await serve(first.server.port);
    second.pending.push(insert('8291', 'id-b'));
    expect(await reader.next(10_000)).toMatchObject({ op: 'insert', id: 'id-b', token: '8291' });
    const [reopened] = second.server.received.filter((command) => 'aggregate' in command);
    expect((reopened!.pipeline as Record<string, unknown>[])[0]).toEqual({ $changeStream: { fullDocument: 'updateLookup', fullDocumentBeforeChange: 'required', startAfter: { _data: '8290' } } });
    expect(lines.filter((line) => !line.startsWith('debug'))).toEqual(['warn: store change feed disconnected; reconnecting', 'info: store change feed reconnected; resuming after its last position']);
    await stream.close();
  });

  it('resets on a drop and reopens with startAfter the invalidate event, which the server closed the cursor after', async () => {
    const { server, pending } = await serve();
    store = await within(openStore(`mongodb://127.0.0.1:${server.port}/weft`), 10_000);
    const stream = store.watch({ namespace: 'ns' });
    await within(stream.ready, 5000);
    const reader = eventReader(stream);
    pending.push({ _id: { _data: '8220' }, operationType: 'drop' }, { _id: { _data: '8221' }, operationType: 'invalidate' });
    expect(await reader.next(5000)).toEqual({ op: 'reset', id: '', namespace: 'ns', token: '8220' });
    await until(() => server.received.filter((command) => 'aggregate' in command).length === 2, 5000);
    const reopened = server.received.filter((command) => 'aggregate' in command)[1]!;
    expect((reopened.pipeline as Record<string, Record<string, unknown>>[])[0]!.$changeStream).toMatchObject({ startAfter: { _data: '8221' } });
    pending.push(insert('8230', 'id-c'));
    expect(await reader.next(5000)).toMatchObject({ op: 'insert', id: 'id-c' });
    await stream.close();
  });

  it('delivers the changes of one server batch (a transaction\'s) together: the reader of the first takes the rest with takeBuffered', async () => {
    const { server, pending } = await serve();
    store = await within(openStore(`mongodb://127.0.0.1:${server.port}/weft`), 10_000);
    const stream = store.watch({ namespace: 'ns' });
    await within(stream.ready, 5000);
    const reader = eventReader(stream);
    // As the loader does: the moment an event arrives, take what came with it.
    const batch = async () => reader.next(5000).then((first) => [first, ...stream.takeBuffered!()].map((event) => event.id));
    const transaction = batch();
    pending.push(insert('8241', 'id-a'), insert('8242', 'id-b'), insert('8243', 'id-c'));
    expect(await transaction).toEqual(['id-a', 'id-b', 'id-c']);
    const next = batch();
    pending.push(insert('8251', 'id-d'));
    expect(await next).toEqual(['id-d']);
    await stream.close();
  });

  it('closes promptly while the server is away, ending its streams', async () => {
    const { server } = await serve();
    store = await within(openMongoStore({ url: `mongodb://127.0.0.1:${server.port}/weft?serverSelectionTimeoutMS=5000` }), 10_000);
    const stream = store.watch({ namespace: 'ns' });
    await within(stream.ready, 5000);
    const reader = eventReader(stream);
    const ending = reader.ended(5000);
    await server.close();
    await within(store.close(), 3000);
    expect(await ending).toBe(true);
  });
});
